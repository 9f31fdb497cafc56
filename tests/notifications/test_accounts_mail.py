"""Email verification, password reset and invitations, through the outbox and real SMTP."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from fairplanner.accounts.models import User
from fairplanner.notifications.delivery import Mailer
from fairplanner.notifications.services import run_once
from tests.factories import PASSWORD


def deliver(app, config) -> None:
    run_once(Mailer({**app.config, **config}, app.instance_path))


def link_in(message) -> str:
    text = message.get_body(("plain",)).get_content()
    return re.search(r"http://127\.0\.0\.1:5000(/\S+)", text).group(1)


def test_signup_sends_a_verification_link_that_confirms(app, client, db, smtp):
    inbox, config = smtp
    client.post(
        "/signup",
        data={
            "email": "new@vyatka.example",
            "password": PASSWORD,
            "confirm": PASSWORD,
            "company_name": "ООО Новое",
            "consent": "y",
        },
    )
    user = db.session.scalar(select(User).where(User.email == "new@vyatka.example"))
    assert user.email_verified_at is None
    client.post("/login", data={"email": "new@vyatka.example", "password": PASSWORD})
    assert "Подтвердите адрес" in client.get("/my/fairs").get_data(as_text=True)
    deliver(app, config)
    (message,) = inbox.messages
    assert message["To"] == "new@vyatka.example"
    assert message["Subject"] == "Подтвердите адрес эл. почты для FairPlanner"
    response = client.get(link_in(message))
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.email_verified_at is not None
    assert "Подтвердите адрес" not in client.get("/my/fairs").get_data(as_text=True)


def test_a_tampered_verification_link_does_nothing(client, db, make_user):
    user = make_user("x@example.com", email_verified_at=None)
    client.get("/verify/not-a-token")
    assert user.email_verified_at is None


def test_password_reset_from_request_to_new_login(app, client, db, make_user, smtp):
    inbox, config = smtp
    make_user("buyer@example.com")
    response = client.post("/password/forgot", data={"email": "buyer@example.com"})
    assert response.status_code == 302
    deliver(app, config)
    (message,) = inbox.messages
    assert message["Subject"] == "Смена пароля в FairPlanner"
    link = link_in(message)
    assert client.get(link).status_code == 200
    new = "a completely new password"
    assert client.post(link, data={"password": new, "confirm": new}).status_code == 302
    assert (
        client.post("/login", data={"email": "buyer@example.com", "password": new}).status_code
        == 302
    )
    # The link works once.
    client.post("/logout")
    again = client.get(link, follow_redirects=True, headers={"Accept-Language": "en"})
    assert "not valid any more" in again.get_data(as_text=True)


@pytest.mark.parametrize("email", ["nobody@example.com", "buyer@example.com"])
def test_reset_request_says_the_same_for_known_and_unknown_addresses(client, make_user, email):
    make_user("buyer@example.com")
    response = client.post(
        "/password/forgot",
        data={"email": email},
        headers={"Accept-Language": "en"},
        follow_redirects=True,
    )
    assert "If this address has an account" in response.get_data(as_text=True)


def test_invitation_is_mailed_with_reply_to_the_inviter(app, client, db, member, smtp):
    inbox, config = smtp
    client.post("/company/members", data={"email": "colleague@vyatka.example"})
    deliver(app, config)
    (message,) = inbox.messages
    assert message["To"] == "colleague@vyatka.example"
    assert message["Reply-To"] == member.email
    assert "/invite/" in link_in(message)
