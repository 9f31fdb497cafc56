"""Failed logins are counted per account across addresses; the owner's browser is not locked out."""

from __future__ import annotations

import logging
import time

import pytest
import redis

import config
from fairplanner import create_app
from fairplanner.accounts import throttle
from fairplanner.extensions import db
from tests.accounts.apps import limited_app
from tests.factories import PASSWORD, Factories

EMAIL = "owner@example.com"
WRONG = {"email": EMAIL, "password": "a wrong guess"}
RIGHT = {"email": EMAIL, "password": PASSWORD}
ADDRESSES = ("198.51.100.1", "198.51.100.2", "203.0.113.9")


def throttled_app(**overrides):
    """An app of its own with rate limits on, a generous per-address limit and one account."""
    app = limited_app(LOGIN_RATE_LIMIT="1000 per minute", **overrides)
    with app.app_context():
        Factories(db.session).user(EMAIL)
        Factories(db.session).user("other@example.com")
        db.session.commit()
    return app


def attempt(client, data, address: str = ADDRESSES[0], **kw):
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": address}, **kw)


def test_guesses_from_three_addresses_are_slowed_per_account():
    app = throttled_app()
    statuses = [
        attempt(app.test_client(), WRONG, address).status_code
        for address in ADDRESSES
        for _ in range(10)
    ]
    assert statuses == [422] * 5 + [429] * 25
    # The right password is refused too while the account waits: nothing is learned.
    assert attempt(app.test_client(), RIGHT, "192.0.2.77").status_code == 429
    # Another account is not affected.
    other = {"email": "other@example.com", "password": PASSWORD}
    assert attempt(app.test_client(), other, "192.0.2.77").status_code == 302


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "ru",
            "Слишком много неудачных попыток войти в этот аккаунт. Попробуйте снова через 5 минут",
        ),
        ("en", "Too many failed attempts to log in to this account. Try again in 5 minutes"),
    ],
)
def test_the_refusal_is_clear_in_the_users_language(lang, text):
    app = throttled_app()
    client = app.test_client()
    for _ in range(5):
        attempt(client, WRONG)
    response = attempt(client, WRONG, headers={"Accept-Language": lang})
    assert response.status_code == 429
    assert text in response.get_data(as_text=True)
    assert 0 < int(response.headers["Retry-After"]) <= 300


def test_the_owners_browser_still_logs_in():
    app = throttled_app()
    owner = app.test_client()
    assert attempt(owner, RIGHT).status_code == 302  # the owner logged in here before
    owner.post("/logout")
    for address in ADDRESSES:
        for _ in range(10):
            attempt(app.test_client(), WRONG, address)
    assert attempt(app.test_client(), RIGHT, "192.0.2.77").status_code == 429
    assert attempt(owner, RIGHT, "192.0.2.77").status_code == 302
    # but its own wrong guesses are counted too (for that browser alone)
    owner.post("/logout")
    statuses = [attempt(owner, WRONG).status_code for _ in range(6)]
    assert statuses == [422] * 5 + [429]


@pytest.mark.parametrize("cookie", ["forged", "other-account"])
def test_only_a_genuine_cookie_for_this_account_exempts(cookie):
    app = throttled_app()
    browser = app.test_client()
    if cookie == "other-account":
        other = {"email": "other@example.com", "password": PASSWORD}
        assert attempt(browser, other).status_code == 302
        browser.post("/logout")
    else:
        browser.set_cookie("known_device", "eyJuIjoieCIsInUiOlsxXX0.forged.signature")
    for _ in range(5):
        attempt(app.test_client(), WRONG)
    assert attempt(browser, RIGHT).status_code == 429


def test_a_password_reset_makes_the_browser_known(app, client, db, make_user):
    from fairplanner.accounts import services, tokens

    user = make_user("reset@example.com")
    token = tokens.make(services.RESET_SALT, {"u": user.id, "v": user.auth_version})
    data = {"password": "a brand new password", "confirm": "a brand new password"}
    response = client.post(f"/password/reset/{token}", data=data)
    assert response.status_code == 302
    cookie = client.get_cookie("known_device")
    assert cookie is not None
    with app.test_request_context():
        assert throttle.device_for(user, cookie.value) is not None


def test_the_delay_grows_with_each_window(monkeypatch):
    app = throttled_app(LOGIN_ACCOUNT_LIMIT="2 per minute; 3 per hour")
    client = app.test_client()
    assert [attempt(client, WRONG).status_code for _ in range(3)] == [422, 422, 429]
    first_wait = int(attempt(client, WRONG).headers["Retry-After"])
    assert first_wait <= 60
    later = time.time() + 61
    monkeypatch.setattr(time, "time", lambda: later)
    assert attempt(client, WRONG).status_code == 422  # the minute is over: one more try
    response = attempt(client, WRONG)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 60 * 50  # now the hour's window


def test_storage_outage_fails_open_with_a_warning(caplog):
    app = create_app(
        config.TestingConfig,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/12",
    )
    with app.test_request_context(), caplog.at_level(logging.WARNING):
        throttle.record_failure(EMAIL, None)
        assert throttle.retry_after(EMAIL, None) is None
    assert "rate limit storage unavailable" in caplog.text


def test_per_account_counts_are_shared_through_redis():
    """Two app servers with one REDIS_URL count an account's failures together."""
    url = "redis://127.0.0.1:6379/12"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        if config.REQUIRE_POSTGRES:  # CI has Redis as well as PostgreSQL
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    try:
        first = throttled_app(RATELIMIT_STORAGE_URI=url, LOGIN_ACCOUNT_LIMIT="3 per minute")
        second = throttled_app(RATELIMIT_STORAGE_URI=url, LOGIN_ACCOUNT_LIMIT="3 per minute")
        apps = (first, second, first, second)
        statuses = [
            attempt(a.test_client(), WRONG, ADDRESSES[n % 3]).status_code
            for n, a in enumerate(apps)
        ]
        assert statuses == [422, 422, 422, 429]
    finally:
        redis.Redis.from_url(url).flushdb()
