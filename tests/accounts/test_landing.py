"""After login each role lands where its work is; a `next` it may not open is not a 403."""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask

from fairplanner.accounts.landing import may_open
from fairplanner.accounts.models import Role
from fairplanner.registrations.models import Registration, RegistrationRole
from tests.factories import PASSWORD


@pytest.fixture
def users(factories):
    """One user of each kind, keyed by a short name."""
    organizer = factories.organizer("belexpo")
    return {
        "member": factories.user("member@example.com"),
        "staff": factories.user(
            "staff@belexpo.example", role=Role.STAFF, organizer_id=organizer.id
        ),
        "admin": factories.user("admin@example.com", role=Role.ADMIN),
        "nobody": factories.user("lost@example.com", role=Role.STAFF),  # no organizer, no company
    }


def log_in(client, email: str, next_: str | None = None):
    query = {"next": next_} if next_ is not None else {}
    return client.post("/login", query_string=query, data={"email": email, "password": PASSWORD})


HOME = {"member": "/my/fairs", "staff": "/organizer/", "admin": "/organizer/", "nobody": "/"}


@pytest.mark.parametrize("who", HOME)
def test_each_role_lands_where_its_work_is(client, users, who):
    response = log_in(client, users[who].email)
    assert response.status_code == 302
    assert response.headers["Location"] == HOME[who]
    assert client.get(HOME[who]).status_code == 200


@pytest.mark.parametrize(
    ("who", "next_"),
    [
        ("member", "/fairs/some-fair"),
        ("member", "/my/fairs"),
        ("member", "/company"),
        ("member", "/calendar/2027/5?sector=food"),
        ("staff", "/organizer/fairs/some-fair/registrations?status=submitted"),
        ("staff", "/calendar/2027/5"),
        ("admin", "/organizer/admin"),
        ("nobody", "/account/password"),
    ],
)
def test_a_next_the_user_may_open_is_kept(client, users, who, next_):
    assert log_in(client, users[who].email, next_).headers["Location"] == next_


@pytest.mark.parametrize(
    ("who", "next_"),
    [
        ("staff", "/my/fairs"),
        ("staff", "/company"),
        ("staff", "/my/registrations/1"),
        ("staff", "/organizer/admin"),
        ("admin", "/my/fairs"),
        ("admin", "/organizer/fairs/new"),  # an admin of no organizer cannot create a fair
        ("member", "/organizer/"),
        ("member", "/organizer/fairs/x/numbers"),
        ("nobody", "/organizer/"),
        ("nobody", "/my/fairs"),
        ("member", "/logout"),  # POST only: a GET would be a 405
        ("member", "/no/such/page"),
        ("staff", "https://evil.example/organizer/"),
    ],
)
def test_a_forbidden_next_falls_back_to_the_role_home(client, users, who, next_):
    response = log_in(client, users[who].email, next_)
    assert response.headers["Location"] == HOME[who]
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("who", ["staff", "member"])
def test_a_logged_in_user_opening_login_goes_home_too(client, users, login_as, who):
    login_as(users[who])
    other = "/my/fairs" if who == "staff" else "/organizer/"
    assert client.get("/login", query_string={"next": other}).headers["Location"] == HOME[who]


def test_staff_changing_the_password_land_in_the_console(client, users, login_as):
    login_as(users["staff"])
    response = client.post(
        "/account/password",
        data={
            "current": PASSWORD,
            "password": "a brand new password",
            "confirm": "a brand new password",
        },
    )
    assert response.headers["Location"] == "/organizer/"


def test_signed_in_staff_opening_signup_go_to_the_console(client, users, login_as):
    login_as(users["staff"])
    assert client.get("/signup").headers["Location"] == "/organizer/"


def sample_paths(app: Flask, values: dict[str, object]) -> list[str]:
    """Every page a GET can open, its arguments filled in with real rows."""
    paths = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods:
                continue
            paths.append(
                app.url_for(rule.endpoint, **{name: values[name] for name in rule.arguments})
            )
    return paths


def test_the_rules_agree_with_what_every_page_answers(app, client, factories, users, login_as):
    """may_open() predicts the 403s of every page for every kind of user."""
    fair = factories.fair(organizer="belexpo", starts_on=date(2027, 5, 10), programme=1)
    registration = Registration(
        fair=fair, company=users["member"].company, role=RegistrationRole.VISITOR
    )
    factories._save(registration)
    values = {
        "slug": fair.slug,
        "registration_id": registration.id,
        "event_id": fair.programme[0].id,
        "year": 2027,
        "month": 5,
        "role": "exhibitor",
        "token": "not-a-token",
        "filename": "css/app.css",
        "version": 1,
        "message_id": 1,  # organizer messages and their templates (a 404 for staff: none)
        "template_id": 1,
        "digest": "0" * 64,  # an uploaded image (fairplanner.media; a 404: none stored)
        "ext": "png",
        "plan_id": 1,  # a hall plan (fairplanner.exhibitors; a 404: none)
        "hall": "Павильон 1",
        "participant_id": 1,  # a B2B participant (fairplanner.meetings; a 404: none)
        "meeting_id": 1,  # a B2B meeting (the organizer's page of one; a 404: none)
        "ticket_id": 1,  # a person of an application (fairplanner.tickets; a 404: none)
        "code": "not-a-code",  # an e-ticket (public; a 404: none)
        "subscription_id": 1,  # an organizer's webhook (fairplanner.webhooks; a 404: none)
        "delivery_id": 1,
        "application_id": 1,  # an application through the API (a 401 without a token)
        "import_id": 1,  # an organizer's import of a season plan (a 404: none)
    }
    paths = sample_paths(app, values)
    assert len(paths) > 25
    for who, user in users.items():
        login_as(user)
        for path in paths:
            with client.get(path) as response:  # closes the static file it may send
                status = response.status_code
            assert may_open(user, path) == (status != 403), (who, path, status)
