"""The check-in desk in a browser: a badge's QR code read through Chromium's fake camera (valid,
then already entered, then revoked), and scans made offline that arrive once when the
connection returns."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

import config
from fairplanner.accounts.models import User
from fairplanner.catalogue.models import Organizer
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.tickets import printing, services
from fairplanner.tickets.models import CheckIn, Ticket
from tests.browser import checks
from tests.browser.conftest import LAUNCH_ARGS, CheckedBrowser
from tests.browser.fakecam import camera_args, pdf_picture, write_y4m
from tests.browser.test_company_landing import demo_account, log_in
from tests.factories import Factories

pytestmark = pytest.mark.browser

GATE = "Главный вход"


@pytest.fixture(scope="module")
def fair_day(live) -> dict[str, Any]:
    """A fair of the demo organizer running today, with an exhibitor's two people."""
    with live.app.app_context():
        staff = db.session.scalar(select(User).where(User.email == demo_account("staff")["email"]))
        factories = Factories(db.session)
        fair = factories.fair(
            slug="checkin-fair",
            name_ru="Белпродэкспо: день выставки",
            name_en="Belprodexpo: fair day",
            starts_on=minsk_today() - timedelta(days=1),
            days=3,
            organizer=db.session.get(Organizer, staff.organizer_id),
        )
        company = factories.company(legal_name="ОАО «Гродномясомолпром»")
        stand = factories.registration(fair, company)
        camera = services.add_person(stand, name="Ольга Петрова", actor=None)
        typed = services.add_person(stand, name="Иван Сидоров", actor=None)
        db.session.commit()
        return {"slug": fair.slug, "camera": camera.id, "typed": typed.id}


def ticket_code(live, ticket_id: int) -> str:
    with live.app.app_context():
        return db.session.get(Ticket, ticket_id).code


def check_ins(live, ticket_id: int) -> list[CheckIn]:
    with live.app.app_context():
        rows = db.session.scalars(select(CheckIn).where(CheckIn.ticket_id == ticket_id)).all()
        db.session.expunge_all()
        return list(rows)


def watch_errors(page: Any) -> list[str]:
    """Console errors of the page, but for the 4xx answers some requests get on purpose."""
    errors: list[str] = []

    def on_console(msg: Any) -> None:
        if msg.type == "error" and not re.search(r"status of 4\d\d", msg.text):
            errors.append(msg.text)

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.set_default_timeout(15_000)
    return errors


def open_desk(page: Any, live, slug: str) -> None:
    log_in(page, live.url, demo_account("staff"), next_=f"/organizer/fairs/{slug}/checkin")
    page.wait_for_url(re.compile(r"/checkin$"))
    page.locator("#checkin-gate-name").fill(GATE)
    page.locator("#checkin-gate button").click()


def result(page: Any) -> Any:
    return page.locator("#checkin-result")


def assert_accessible(page: Any) -> None:
    """axe-core on the answer as it is shown now (colours and contrast of each state)."""
    assert checks.axe_violations(page) == []


@pytest.fixture
def camera_browser(live, chromium, fair_day, tmp_path) -> Iterator[CheckedBrowser]:
    """A second chromium whose camera films the first person's printed badge (A6, as the
    company downloads it)."""
    with live.app.test_request_context():
        pdf = printing.badges_pdf([db.session.get(Ticket, fair_day["camera"])], lang="ru")
    video = write_y4m(pdf_picture(pdf), tmp_path / "badge.y4m")
    browser = chromium.unchecked.browser_type.launch(
        executable_path=config.CHROMIUM_PATH,
        args=LAUNCH_ARGS + camera_args(video),
        headless=True,
    )
    checked = CheckedBrowser(browser, chromium.checkers)
    try:
        yield checked
    finally:
        for context in checked.contexts:
            context.close()
        browser.close()


def test_a_badge_through_the_camera_valid_then_already_entered_then_revoked(
    live, fair_day, camera_browser
):
    from playwright.sync_api import expect

    context = camera_browser.new_context(locale="ru-RU", viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = watch_errors(page)
    open_desk(page, live, fair_day["slug"])

    page.locator("#checkin-start").click()
    expect(result(page)).to_have_attribute("data-result", "valid")
    expect(page.locator("#checkin-result-name")).to_have_text("Ольга Петрова")
    expect(page.locator("#checkin-result-who")).to_contain_text("ОАО «Гродномясомолпром»")
    assert_accessible(page)
    # The badge stays in view: it is not read again until "Next scan" says so.
    page.locator("#checkin-next").click()
    expect(result(page)).to_have_attribute("data-result", "already_entered")
    expect(page.locator("#checkin-result-message")).to_contain_text(GATE)
    assert_accessible(page)

    with live.app.app_context():
        services.revoke_at_desk(db.session.get(Ticket, fair_day["camera"]), actor=None)
        db.session.commit()
    page.locator("#checkin-next").click()
    expect(result(page)).to_have_attribute("data-result", "revoked")
    expect(page.locator("#checkin-result-name")).to_have_text("Ольга Петрова")
    assert_accessible(page)

    rows = check_ins(live, fair_day["camera"])
    assert [r.result.value for r in rows] == ["valid", "already_entered", "revoked"]
    assert {r.gate for r in rows} == {GATE}
    assert len({r.scan_id for r in rows}) == 3
    page.locator("#checkin-stop").click()
    context.close()
    assert errors == []


def test_a_scan_made_offline_arrives_once_when_the_connection_returns(live, fair_day, page):
    from playwright.sync_api import expect

    open_desk(page, live, fair_day["slug"])
    code = ticket_code(live, fair_day["typed"])
    page.context.set_offline(True)
    expect(page.locator("#checkin-offline")).to_be_visible()
    grouped = " ".join(code[i : i + 4] for i in range(0, len(code), 4))
    page.locator("#checkin-code-input").fill(grouped.lower())
    page.locator("#checkin-code button").click()
    expect(result(page)).to_have_attribute("data-result", "saved")
    expect(page.locator("#checkin-queue-count")).to_have_text("1")
    # A typo is no code at all: not kept.
    page.locator("#checkin-code-input").fill(code[:5] + ("A" if code[5] != "A" else "B") + code[6:])
    page.locator("#checkin-code button").click()
    expect(result(page)).to_have_attribute("data-result", "bad")
    expect(page.locator("#checkin-queue-count")).to_have_text("1")
    assert_accessible(page)
    assert check_ins(live, fair_day["typed"]) == []

    page.context.set_offline(False)
    synced = page.locator("#checkin-synced-list li")
    expect(synced).to_have_count(1)
    expect(synced).to_contain_text("Иван Сидоров")
    expect(page.locator("#checkin-queue")).to_be_hidden()
    expect(page.locator("#checkin-offline")).to_be_hidden()
    assert page.evaluate("Object.keys(localStorage).filter(k => k.includes('queue'))") == []
    rows = check_ins(live, fair_day["typed"])
    assert [(r.result.value, r.offline, r.gate) for r in rows] == [("valid", True, GATE)]
    # A reload sends nothing again: the queue is empty.
    page.reload()
    page.wait_for_load_state("networkidle")
    with live.app.app_context():
        assert db.session.scalar(select(func.count(CheckIn.id)).where(CheckIn.offline)) == 1
