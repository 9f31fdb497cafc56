"""Logins end on the server: logout, password changes, session renewal and CSRF rotation."""

from __future__ import annotations

import re
import time
from datetime import timedelta

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select

import config
from fairplanner import create_app
from fairplanner.accounts import sessions
from fairplanner.accounts.models import RevokedSession, new_session_key
from fairplanner.cache import CacheGeneration, forget_generations
from fairplanner.db import utcnow
from fairplanner.extensions import db
from tests.factories import PASSWORD, Factories

EMAIL = "buyer@example.com"
PRIVATE = "/my/fairs"


def log_in(client, *, remember: bool = True, password: str = PASSWORD) -> dict[str, str]:
    """A real login; the cookies it set, as a browser (or a thief) would keep them."""
    data = {"email": EMAIL, "password": password}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data)
    assert response.status_code == 302
    names = ("session", "remember_token") if remember else ("session",)
    return {name: client.get_cookie(name).value for name in names}


def replay(app, cookies: dict[str, str]) -> int:
    """Open a private page in a fresh browser holding only these saved cookies."""
    thief = app.test_client()
    for name, value in cookies.items():
        thief.set_cookie(name, value)
    return thief.get(PRIVATE).status_code


@pytest.mark.parametrize("kept", [("session",), ("remember_token",), ("session", "remember_token")])
def test_saved_cookies_stop_working_after_logout(app, client, make_user, kept):
    make_user(EMAIL)
    saved = log_in(client)
    cookies = {name: saved[name] for name in kept}
    assert replay(app, cookies) == 200  # they did sign in before the logout
    assert client.post("/logout").status_code == 302
    assert replay(app, cookies) == 302
    assert client.get(PRIVATE).status_code == 302


def test_logout_ends_only_that_login(app, client, make_user):
    make_user(EMAIL)
    laptop, phone = app.test_client(), app.test_client()
    laptop_cookies, phone_cookies = log_in(laptop), log_in(phone)
    laptop.post("/logout")
    assert replay(app, laptop_cookies) == 302
    assert replay(app, phone_cookies) == 200
    assert phone.get(PRIVATE).status_code == 200


def test_password_change_ends_every_other_login_and_the_old_cookies(app, client, make_user):
    make_user(EMAIL)
    other = app.test_client()
    other_cookies = log_in(other)
    before = log_in(client)
    response = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert response.status_code == 302
    assert client.get(PRIVATE).status_code == 200  # this browser carries on
    assert replay(app, other_cookies) == 302
    assert replay(app, before) == 302  # its own cookies from before the change as well
    assert client.get_cookie("remember_token") is not None  # still remembered, anew
    assert replay(app, {"remember_token": client.get_cookie("remember_token").value}) == 200


def test_login_renews_the_session(app, client, make_user):
    """A session planted before the login (fixation) is not carried into the account."""
    make_user(EMAIL)
    with client.session_transaction() as planted:
        planted["planted"] = "by someone else"
    first = log_in(client, remember=False)
    with client.session_transaction() as current:
        assert "planted" not in current
        first_id = current["_user_id"]
    client.post("/logout")
    log_in(client, remember=False)
    with client.session_transaction() as current:
        assert current["_user_id"] != first_id  # every login has its own key
    assert replay(app, first) == 302


def test_joining_another_account_ends_the_browsers_previous_login(
    app, client, make_user, factories
):
    """Accepting an invitation while signed in switches accounts: the old login is revoked."""
    from fairplanner.accounts import services

    user = make_user(EMAIL)
    first = log_in(client)
    _invitation, token = services.invite_member(
        factories.company(), "new@example.com", invited_by=user
    )
    response = client.post(
        f"/invite/{token}",
        data={"password": "colleague password", "confirm": "colleague password", "consent": "y"},
    )
    assert response.status_code == 302
    assert replay(app, first) == 302
    assert client.get_cookie("remember_token") is None  # deleted from the browser too
    assert client.get(PRIVATE).status_code == 200  # as the new colleague


def token_in(html: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_login_rotates_the_csrf_secret():
    app = create_app(
        config.TestingConfig, SQLALCHEMY_DATABASE_URI="sqlite://", WTF_CSRF_ENABLED=True
    )
    with app.app_context():
        upgrade()
        Factories(db.session).user(EMAIL)
        db.session.commit()
    client = app.test_client()  # outside the app context: each request has its own `g`
    before = token_in(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login", data={"email": EMAIL, "password": PASSWORD, "csrf_token": before}
    )
    assert response.status_code == 302
    after = token_in(client.get("/account/password").get_data(as_text=True))
    assert after != before
    # A token taken from a page before the login is refused afterwards.
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def test_a_login_older_than_the_maximum_age_is_refused(app, make_user):
    user = make_user(EMAIL)
    max_age = app.config["LOGIN_SESSION_MAX_AGE"]
    with app.test_request_context():
        fresh = f"{user.id}.{user.auth_version}.{new_session_key()}"
        old = f"{user.id}.{user.auth_version}.{new_session_key(time.time() - max_age - 5)}"
        assert sessions.load(fresh) is user
        assert sessions.load(old) is None


@pytest.mark.parametrize(
    "login_id",
    [
        "",
        "1",
        "1.1",
        "x.1.65f00000.abc",
        "1.x.65f00000.abc",
        "1.1.zz.abc",
        "1.1.65f00000.",
        "1.1.1.1.1",
    ],
)
def test_malformed_login_ids_sign_nobody_in(app, make_user, login_id):
    make_user(EMAIL)
    with app.test_request_context():
        assert sessions.load(login_id) is None


def test_revocations_are_purged_once_the_login_would_be_too_old(app, client, make_user):
    make_user(EMAIL)
    log_in(client)
    client.post("/logout")
    assert db.session.scalar(select(func.count()).select_from(RevokedSession)) == 1
    with app.app_context():
        assert sessions.purge_revocations() == 0
        later = utcnow() + timedelta(seconds=app.config["LOGIN_SESSION_MAX_AGE"] + 60)
        assert sessions.purge_revocations(now=later) == 1


# Logins kept for the public pages (PAGE_CACHE on, as in production) --------------------------

PUBLIC = "/"


def signed_in(app, cookies: dict[str, str], path: str = PUBLIC) -> bool:
    """Whether a browser holding these cookies is served `path` signed in."""
    browser = app.test_client()
    for name, value in cookies.items():
        browser.set_cookie(name, value)
    response = browser.get(path)
    if response.status_code == 302:
        return False
    assert response.status_code == 200
    return b'action="/logout"' in response.data


@pytest.fixture
def generations_kept(app, monkeypatch):
    """This process reads the generations again only when told (forget_generations)."""
    monkeypatch.setitem(app.config, "CACHE_GENERATION_SECONDS", 3600.0)


@pytest.mark.usefixtures("caching", "generations_kept")
class TestKeptLogins:
    def test_a_public_page_keeps_the_login_and_a_logout_ends_it_at_once(
        self, app, client, make_user
    ):
        make_user(EMAIL)
        saved = log_in(client, remember=False)
        assert signed_in(app, saved)
        assert signed_in(app, saved)  # from the kept login
        client.post("/logout")
        assert not signed_in(app, saved)
        assert not signed_in(app, saved, PRIVATE)

    def test_a_change_to_the_user_shows_on_the_next_public_page(self, app, client, make_user):
        user = make_user(EMAIL)
        log_in(client, remember=False)
        assert EMAIL in client.get(PUBLIC).get_data(as_text=True)
        user.email = "renamed@example.com"
        db.session.commit()
        page = client.get(PUBLIC).get_data(as_text=True)
        assert "renamed@example.com" in page
        assert EMAIL not in page

    def test_another_process_logout_ends_a_kept_login_with_the_generation(
        self, app, client, make_user
    ):
        """Another app server's logout reaches this one's public pages when it reads the
        generations again (CACHE_GENERATION_SECONDS); every other page checks at once."""
        user = make_user(EMAIL)
        saved = log_in(client, remember=False)
        assert signed_in(app, saved)
        key = saved_key(app, saved)
        # What the other server's logout committed: the revocation and a new generation,
        # written without this process's session hooks (so it does not know yet).
        expires = utcnow() + timedelta(days=1)
        db.session.execute(
            RevokedSession.__table__.insert().values(key=key, user_id=user.id, expires_at=expires)
        )
        db.session.execute(
            CacheGeneration.__table__.update()
            .where(CacheGeneration.name == "logins")
            .values(value=CacheGeneration.value + 1)
        )
        db.session.commit()
        assert signed_in(app, saved)  # the public page: the kept login, until the next read
        assert not signed_in(app, saved, PRIVATE)  # a private page checks the login anew
        forget_generations()  # CACHE_GENERATION_SECONDS later
        assert not signed_in(app, saved)

    def test_without_caching_every_page_checks_the_login(
        self, app, client, make_user, monkeypatch, count_queries
    ):
        make_user(EMAIL)
        saved = log_in(client, remember=False)
        assert signed_in(app, saved)
        monkeypatch.setitem(app.config, "PAGE_CACHE", False)
        with count_queries() as counter:
            assert signed_in(app, saved)
        assert any("revoked_sessions" in sql for sql in counter.statements)


def saved_key(app, cookies: dict[str, str]) -> str:
    """The login key (issued.nonce) of a saved session cookie."""
    browser = app.test_client()
    browser.set_cookie("session", cookies["session"])
    with browser.session_transaction() as current:
        return ".".join(current["_user_id"].split(".")[2:])
