"""Sign-up, login, logout, remember me, password change, rate limits, create-user."""

from __future__ import annotations

import re

import pytest
import redis
from sqlalchemy import func, select

import config
from fairplanner import create_app
from fairplanner.accounts.models import Company, Role, User
from tests.accounts.apps import limited_app
from tests.factories import PASSWORD

SIGNUP = {
    "email": "Export@Vyatka.example",
    "password": "a long enough password",
    "confirm": "a long enough password",
    "company_name": "ООО «Вятские кружева»",
    "consent": "y",
}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_signup_creates_the_company_and_a_password_login(client, db):
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"  # the confirmation link opens the account
    user = db.session.scalar(select(User).where(User.email == "export@vyatka.example"))
    assert user.company.legal_name == "ООО «Вятские кружева»"
    assert user.role == Role.MEMBER
    assert user.password_hash.startswith("scrypt:")
    assert "a long enough password" not in user.password_hash
    login = {"email": SIGNUP["email"], "password": SIGNUP["password"]}
    assert client.post("/login", data=login).status_code == 302
    assert client.get("/my/fairs").status_code == 200


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"email": "not-an-email"}, "Enter a valid email address."),
        ({"password": "short", "confirm": "short"}, "Use 10 to 128 characters."),
        ({"confirm": "something else entirely"}, "The passwords differ."),
        ({"company_name": ""}, "This field is required."),
        ({"company_name": "Я" * 301}, "Field cannot be longer than 300 characters."),
        ({"password": "x" * 129, "confirm": "x" * 129}, "Use 10 to 128 characters."),
    ],
)
def test_signup_rejects_bad_input_and_saves_nothing(client, db, change, message):
    before = (count(db, User), count(db, Company))
    response = client.post("/signup", data={**SIGNUP, **change}, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert (count(db, User), count(db, Company)) == before


def test_signup_with_a_taken_email_creates_nothing(client, db, make_user):
    make_user("export@vyatka.example")
    before = count(db, Company)
    response = client.post("/signup", data=SIGNUP)
    assert response.status_code == 302  # as for a new address (tests/accounts/test_enumeration)
    assert count(db, Company) == before


def test_login_and_logout(client, make_user):
    make_user("buyer@example.com")
    response = client.post(
        "/login?next=/fairs/x", data={"email": "BUYER@example.com ", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/fairs/x"
    assert client.get("/my/fairs").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/my/fairs").headers["Location"].startswith("/login?next=")


@pytest.mark.parametrize("email", ["buyer@example.com", "nobody@example.com"])
def test_wrong_credentials_get_one_message(client, make_user, email):
    make_user("buyer@example.com")
    response = client.post(
        "/login",
        data={"email": email, "password": "wrong password!"},
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "The email or the password is not correct." in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client, make_user):
    make_user("gone@example.com", active=False)
    response = client.post("/login", data={"email": "gone@example.com", "password": PASSWORD})
    assert response.status_code == 422


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example", "/\\evil.example"])
def test_login_never_redirects_off_site(client, make_user, target):
    make_user("buyer@example.com")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "buyer@example.com", "password": PASSWORD},
    )
    assert response.headers["Location"] == "/my/fairs"


def test_remember_me_sets_a_lasting_httponly_cookie(client, make_user):
    make_user("buyer@example.com")
    response = client.post(
        "/login", data={"email": "buyer@example.com", "password": PASSWORD, "remember": "y"}
    )
    cookies = response.headers.getlist("Set-Cookie")
    remember = next(c for c in cookies if c.startswith("remember_token="))
    assert "HttpOnly" in remember
    assert "SameSite=Lax" in remember
    assert "Expires=" in remember
    session = next(c for c in cookies if c.startswith("session="))
    assert "HttpOnly" in session
    assert "SameSite=Lax" in session


def test_password_change_ends_other_sessions(app, client, make_user):
    user = make_user("buyer@example.com")
    other = app.test_client()
    for c in (client, other):
        c.post("/login", data={"email": "buyer@example.com", "password": PASSWORD})
        assert c.get("/my/fairs").status_code == 200
    response = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert response.status_code == 302
    assert client.get("/my/fairs").status_code == 200  # this session goes on
    assert other.get("/my/fairs").status_code == 302  # the other one is logged out
    assert user.auth_version == 2
    client.post("/logout")
    assert (
        client.post(
            "/login", data={"email": "buyer@example.com", "password": "a brand new password"}
        ).status_code
        == 302
    )


def test_password_change_needs_the_current_password(client, member):
    response = client.post(
        "/account/password",
        data={
            "current": "not it at all",
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
        headers={"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert "The current password is not correct." in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/my/fairs", "/company", "/company/members", "/account/password"])
def test_pages_need_a_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/login?next={path.replace('/', '%2F')}"


def test_staff_without_a_company_get_403_on_company_pages(client, make_user, login_as):
    login_as(make_user(role=Role.ADMIN))
    assert client.get("/company").status_code == 403
    assert client.get("/my/fairs").status_code == 403


def test_login_is_rate_limited():
    client = limited_app().test_client()
    data = {"email": "x@example.com", "password": "wrong password"}
    statuses = [client.post("/login", data=data).status_code for _ in range(4)]
    assert statuses == [422, 422, 422, 429]
    page = client.post("/login", data=data, headers={"Accept-Language": "en"})
    assert "Too many requests" in page.get_data(as_text=True)
    assert client.get("/login").status_code == 200  # only attempts are counted


def test_signup_is_rate_limited():
    client = create_app(
        config.TestingConfig,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        RATELIMIT_ENABLED=True,
        SIGNUP_RATE_LIMIT="2 per minute",
    ).test_client()
    statuses = [client.post("/signup", data={}).status_code for _ in range(3)]
    assert statuses == [422, 422, 429]


def test_rate_limits_are_shared_through_redis():
    """Two app servers with one REDIS_URL count together."""
    url = "redis://127.0.0.1:6379/15"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.exceptions.ConnectionError:
        if config.REQUIRE_POSTGRES:  # CI has Redis as well as PostgreSQL
            raise
        pytest.skip("Redis is not running on 127.0.0.1:6379")
    first = limited_app(RATELIMIT_STORAGE_URI=url).test_client()
    second = limited_app(RATELIMIT_STORAGE_URI=url).test_client()
    data = {"email": "x@example.com", "password": "wrong password"}
    statuses = [c.post("/login", data=data).status_code for c in (first, second, first, second)]
    assert statuses == [422, 422, 422, 429]
    redis.Redis.from_url(url).flushdb()


def test_create_user_command(runner, db):
    result = runner.invoke(
        args=[
            "create-user",
            "admin@fairplanner.by",
            "--role",
            "admin",
            "--password",
            "an admin password",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "created (admin)" in result.output
    again = runner.invoke(
        args=[
            "create-user",
            "admin@fairplanner.by",
            "--role",
            "admin",
            "--password",
            "an admin password",
        ]
    )
    assert again.exit_code == 0
    assert "updated" in again.output
    assert count(db, User) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x@example.com", "--role", "member", "--password", "long enough pw"], "needs --company"),
        (["x@example.com", "--role", "staff", "--password", "long enough pw"], "--organizer"),
        (
            [
                "x@example.com",
                "--role",
                "staff",
                "--organizer",
                "nope",
                "--password",
                "long enough pw",
            ],
            "no organizer",
        ),
        (["x@example.com", "--role", "king", "--password", "long enough pw"], "king"),
        (["x@example.com", "--role", "admin", "--password", "short"], "10 to 128"),
    ],
)
def test_create_user_reports_errors(runner, db, args, message):
    result = runner.invoke(args=["create-user", *args])
    assert result.exit_code != 0
    assert message in result.output
    assert count(db, User) == 0


def test_create_member_with_company_and_staff_with_organizer(runner, db, factories):
    factories.organizer("belexpo")
    result = runner.invoke(
        args=[
            "create-user",
            "m@example.com",
            "--company",
            "ООО Тест",
            "--password",
            "long enough pw",
        ]
    )
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "create-user",
            "s@example.com",
            "--role",
            "staff",
            "--organizer",
            "belexpo",
            "--password",
            "long enough pw",
        ]
    )
    assert result.exit_code == 0, result.output
    staff = db.session.scalar(select(User).where(User.email == "s@example.com"))
    assert staff.organizer_id is not None
    member = db.session.scalar(select(User).where(User.email == "m@example.com"))
    assert member.company.legal_name == "ООО Тест"
    assert re.match(r"^scrypt:", member.password_hash)
