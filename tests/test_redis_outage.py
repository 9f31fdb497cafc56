"""Redis is optional at run time: when it is down (a closed port, or a real redis-server that
the test stops), every page and form still answers, the rate limits count in memory, the
caches compute instead, and the app goes back to Redis by itself when it returns."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

import config
from fairplanner import create_app
from fairplanner.extensions import db, limiter
from tests.factories import PASSWORD, Factories
from tests.redis_helpers import RedisServer, free_port

RETRY_SECONDS = 0.3


APPS: list[Flask] = []


def redis_app(database_url: str, redis_url: str, **overrides: Any) -> Flask:
    """An app of its own on the test database, with Redis for the limits and the caches."""
    settings: dict[str, Any] = {
        "SQLALCHEMY_DATABASE_URI": database_url,
        "REDIS_URL": redis_url,
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_ENABLED": True,
        "PAGE_CACHE": True,
        "REDIS_RETRY_SECONDS": RETRY_SECONDS,
        "LOGIN_RATE_LIMIT": "100 per minute",
        "SIGNUP_RATE_LIMIT": "100 per minute",
        "INVITE_RATE_LIMIT": "100 per minute",
    }
    app = create_app(config.TestingConfig, **(settings | overrides))
    APPS.append(app)
    return app


@pytest.fixture(autouse=True)
def _clean_up_apps() -> Iterator[None]:
    """Close the apps' database connections; and since one limiter serves every app of the
    process, leave it off (TestingConfig), not on and pointing at a Redis that is gone."""
    yield
    while APPS:
        with APPS.pop().app_context():
            db.engine.dispose()
    create_app(config.TestingConfig)


@pytest.fixture
def data(committed: Any) -> dict[str, Any]:
    """A fair, and a member whose address is not confirmed yet (really committed)."""
    factories = Factories(committed.session)
    fair = factories.fair(name_ru="Белагро")
    user = factories.user(email="member@vyatka.example", email_verified_at=None)
    committed.session.commit()
    return {"fair": fair.slug, "starts": fair.starts_on, "email": user.email}


@pytest.fixture
def closed_port_url() -> str:
    return f"redis://127.0.0.1:{free_port()}/0"


def log_in(client: FlaskClient, email: str) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)[:500]


def every_request(client: FlaskClient, data: dict[str, Any]) -> list[tuple[str, str, int]]:
    """Every page an anonymous visitor opens, every form that is rate limited (login, signup,
    password reset, resend-verification, invitations), and the feeds: (method, path, status)."""
    starts: date = data["starts"]
    answers = []

    def call(method: str, path: str, form: dict[str, str] | None = None) -> None:
        response = client.open(path, method=method, data=form)
        answers.append((method, path, response.status_code))

    for path in (
        "/",
        "/?q=белагро&sector=food",
        "/?utm_source=mail",
        f"/fairs/{data['fair']}",
        "/calendar",
        f"/calendar/{starts.year}/{starts.month}",
        "/calendar.ics",
        "/login",
        "/signup",
        "/password/forgot",
        "/healthz",
    ):
        call("GET", path)
    call("POST", "/login", {"email": data["email"], "password": "wrong password"})
    call("POST", "/password/forgot", {"email": data["email"]})
    call(
        "POST",
        "/signup",
        {
            "email": "new@vyatka.example",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "company_name": "ООО «Новая»",
        },
    )
    client.post("/logout")
    log_in(client, data["email"])
    call("POST", "/account/verify")
    call("POST", "/company/members", {"email": "colleague@vyatka.example"})
    call("GET", "/company/members")
    client.post("/logout")
    return answers


def server_errors(answers: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    return [answer for answer in answers if answer[2] >= 500]


class TestRedisOnAClosedPort:
    def test_nothing_answers_5xx(self, database_url, data, closed_port_url):
        client = redis_app(database_url, closed_port_url).test_client()
        answers = every_request(client, data)
        assert server_errors(answers) == []
        statuses = {(method, path): status for method, path, status in answers}
        assert statuses["GET", "/"] == 200
        assert statuses["POST", "/login"] == 422  # the wrong password, said as usual
        assert statuses["POST", "/company/members"] == 302  # the invitation was made (PRG)

    def test_rate_limits_are_counted_in_memory(self, database_url, data, closed_port_url):
        app = redis_app(database_url, closed_port_url, LOGIN_RATE_LIMIT="3 per minute")
        client = app.test_client()
        form = {"email": data["email"], "password": "wrong password"}
        statuses = [client.post("/login", data=form).status_code for _ in range(4)]
        assert statuses == [422, 422, 422, 429]

    def test_limits_counted_outside_the_decorators_fall_back_too(
        self, database_url, closed_port_url
    ):
        app = redis_app(database_url, closed_port_url)
        with app.test_request_context("/login"):
            answers = [limiter.hit("2 per minute", "account", "a@b.c") for _ in range(3)]
        assert answers == [True, True, False]

    def test_one_warning_per_outage_not_per_request(
        self, database_url, data, closed_port_url, caplog
    ):
        client = redis_app(database_url, closed_port_url).test_client()
        with caplog.at_level(logging.INFO):
            for _ in range(3):
                assert server_errors(every_request(client, data)) == []
        warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
        by_logger = sorted(r.name for r in warnings)
        assert by_logger == ["fairplanner.cache", "flask-limiter"], [
            r.getMessage() for r in warnings
        ]
        assert all(r.exc_info is None for r in warnings)  # a line, not a traceback

    def test_health_check_says_degraded(self, database_url, closed_port_url):
        response = redis_app(database_url, closed_port_url).test_client().get("/healthz")
        assert response.status_code == 200
        assert response.json == {"status": "degraded", "database": True, "redis": False}


class HungRedis:
    """A port that accepts connections and never answers, as a hung Redis would; it counts the
    connections made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.sock.settimeout(0.05)
        self.accepted: list[socket.socket] = []
        self.running = True
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()
        self.url = f"redis://127.0.0.1:{self.sock.getsockname()[1]}/0"

    def _accept(self) -> None:
        while self.running:
            try:
                conn, _addr = self.sock.accept()
            except OSError:
                continue
            self.accepted.append(conn)

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def hung_redis() -> Iterator[HungRedis]:
    server = HungRedis()
    yield server
    server.close()


def test_a_hung_redis_costs_one_short_timeout(database_url, data, hung_redis):
    """Counted, not timed: after the first request meets the hung Redis (and gives up after
    REDIS_TIMEOUT_SECONDS instead of waiting for ever), the next requests do not try it."""
    app = redis_app(database_url, hung_redis.url, REDIS_RETRY_SECONDS=60)
    client = app.test_client()
    assert app.config["REDIS_TIMEOUT_SECONDS"] == 0.25
    form = {"email": data["email"], "password": "wrong password"}
    # The page cache and the rate limiter each meet the hung Redis once.
    assert client.get("/").status_code == 200
    assert client.post("/login", data=form).status_code == 422
    time.sleep(0.3)  # let the accepting thread take what the kernel queued (not a timing check)
    tried = len(hung_redis.accepted)
    assert tried >= 2
    for path in ("/", f"/fairs/{data['fair']}", "/login", "/calendar.ics"):
        assert client.get(path).status_code == 200
    assert client.post("/login", data=form).status_code == 422
    time.sleep(0.3)
    assert len(hung_redis.accepted) == tried  # the breakers kept the others away from it


def test_health_check_without_the_database_is_503_and_reports_redis(closed_port_url):
    app = redis_app("postgresql+psycopg://nobody@127.0.0.1:1/none", closed_port_url)
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable", "database": False, "redis": False}


@pytest.fixture
def redis_server(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def page_keys(server: RedisServer) -> list[bytes]:
    return list(server.client().scan_iter(match="fairplanner:page:*"))


def limit_keys(server: RedisServer) -> list[bytes]:
    return list(server.client().scan_iter(match="LIMITS:*"))


def test_redis_goes_away_and_comes_back(database_url, data, redis_server):
    app = redis_app(database_url, redis_server.url)
    client = app.test_client()
    form = {"email": data["email"], "password": "wrong password"}

    # Up: pages are stored in Redis, attempts are counted there.
    assert client.get("/").headers["X-Cache"] == "miss"
    assert client.get("/").headers["X-Cache"] == "hit"
    assert client.post("/login", data=form).status_code == 422
    assert page_keys(redis_server)
    assert limit_keys(redis_server)
    assert client.get("/healthz").json == {"status": "ok", "database": True, "redis": True}

    # Down: the same requests answer as usual.
    redis_server.stop()
    answers = every_request(client, data)
    assert server_errors(answers) == []
    assert client.get("/").status_code == 200
    assert client.post("/login", data=form).status_code == 422
    assert client.get("/healthz").json["status"] == "degraded"

    # Back (empty, as after a restart without persistence): used again once the breakers
    # let a request try it.
    redis_server.start()
    time.sleep(RETRY_SECONDS + 0.1)
    client = app.test_client()  # no session cookie from the forms above
    client.get("/")
    assert client.get("/").headers["X-Cache"] == "hit"
    assert page_keys(redis_server)
    client.post("/login", data=form)  # the limiter notices Redis is back
    assert not limiter._storage_dead
    assert client.post("/login", data=form).status_code == 422
    assert limit_keys(redis_server)
    assert client.get("/healthz").json == {"status": "ok", "database": True, "redis": True}
