"""A live server with the demo catalogue, and Debian's chromium driven by Playwright.

Every page a browser test opens runs the Nu HTML checker and axe-core on what it loads
(tests/browser/checks.py): a violation fails the test.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

import config
from fairplanner import create_app
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from tests.browser import checks
from tests.factories import Factories
from tests.notifications.conftest import Inbox, free_port

LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@dataclass
class LiveServer:
    url: str
    app: Flask
    inbox: Inbox


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The app on a real port with the demo data, CSRF on, as a visitor would meet it."""
    path = tmp_path_factory.mktemp("live") / "live.sqlite3"
    app = create_app(
        config.TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{path}", WTF_CSRF_ENABLED=True
    )
    with app.app_context():
        upgrade()
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    app.config.update(MAIL_HOST="127.0.0.1", MAIL_PORT=smtp.port, MAIL_SECURITY="none")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    # Absolute links (feed addresses) must point at this server.
    app.config["PUBLIC_BASE_URL"] = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(url=f"http://127.0.0.1:{server.server_port}", app=app, inbox=inbox)
    smtp.stop()
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(live: LiveServer) -> str:
    return live.url


def _unavailable(message: str) -> None:
    if config.REQUIRE_BROWSER:
        pytest.fail(f"browser tests are required here but there is {message}")
    pytest.skip(f"browser tests skipped: {message}")


@pytest.fixture(scope="session")
def checkers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[checks.Checkers]:
    """The Nu HTML checker (one local service for the session) and axe-core."""
    if missing := checks.missing_checkers():
        _unavailable(f"no page checker: {', '.join(missing)} ({checks.INSTALL_HINT})")
    vnu = checks.Vnu(tmp_path_factory.mktemp("vnu") / "vnu.log")
    try:
        yield checks.Checkers(vnu)
    finally:
        vnu.close()


class CheckedBrowser:
    """The browser, whose new contexts check every page they load (`unchecked`: without)."""

    def __init__(self, browser: Any, checkers: checks.Checkers) -> None:
        self.unchecked = browser
        self.checkers = checkers
        self.contexts: list[Any] = []

    def new_context(self, **kwargs: Any) -> Any:
        context = checks.watch_context(
            self.unchecked.new_context(**kwargs),
            self.checkers,
            script=kwargs.get("java_script_enabled", True),
        )
        self.contexts.append(context)
        return context

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unchecked, name)


@pytest.fixture(scope="session")
def chromium(checkers: checks.Checkers) -> Iterator[CheckedBrowser]:
    if not Path(config.CHROMIUM_PATH).exists():
        _unavailable(f"no chromium at {config.CHROMIUM_PATH} (make test installs it where it can)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=config.CHROMIUM_PATH, args=LAUNCH_ARGS, headless=True
        )
        yield CheckedBrowser(browser, checkers)
        browser.close()


@pytest.fixture(autouse=True)
def _check_what_is_left_open(request: pytest.FixtureRequest) -> Iterator[None]:
    """At the end of a test, check the pages of the contexts it left open, and close them."""
    if "chromium" not in request.fixturenames:
        yield
        return
    browser: CheckedBrowser = request.getfixturevalue("chromium")
    browser.contexts.clear()
    yield
    contexts, browser.contexts = list(browser.contexts), []
    for context in contexts:
        context.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh browser context (no cookies) whose console errors fail the test."""
    context = chromium.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []

    def on_console(msg: Any) -> None:
        # A refused form answers 422 on purpose; Chromium logs every 4xx response as an error.
        if msg.type == "error" and not re.search(r"status of 4\d\d", msg.text):
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(10_000)
    try:
        yield page
    finally:
        context.close()  # checks the last page it showed
    assert errors == [], f"the browser reported errors: {errors}"


@pytest.fixture(scope="session")
def open_fair(live):
    """A fair whose registration is open today, whatever day the tests run."""
    with live.app.app_context():
        fair = Factories(db.session).fair(
            slug="browser-fair",
            name_ru="Лесдревтех: тестовая выставка",
            name_en="Lesdrevtech test fair",
            starts_on=minsk_today() + timedelta(days=60),
            capacity=50,
            sectors=["forestry"],
        )
        return fair.slug
