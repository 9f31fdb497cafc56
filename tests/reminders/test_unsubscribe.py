"""One-click unsubscribe (RFC 8058): headers, signed links, CSRF exemption, the settings page."""

from __future__ import annotations

import pytest

from fairplanner.notifications.delivery import Mailer, build_email, checked_headers
from fairplanner.notifications.models import OutboxMessage
from fairplanner.notifications.services import run_once
from fairplanner.reminders import mails, services
from fairplanner.reminders.models import ReminderKind
from tests.reminders.conftest import outbox, run

BASE = "http://127.0.0.1:5000/unsubscribe/"


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_every_reminder_carries_its_own_one_click_unsubscribe(app, db, followed, members, smtp):
    inbox, config = smtp
    followed(days=7)
    run()
    assert run_once(Mailer({**app.config, **config}, app.instance_path)) == (2, 0)
    assert len(inbox.messages) == 2
    for received, raw in zip(inbox.messages, inbox.raw, strict=True):
        link = received["List-Unsubscribe"]
        assert link.startswith(f"<{BASE}")
        assert link.endswith(">")
        assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        token = link[len(BASE) + 1 : -1]
        user_id, kind = mails.read_unsubscribe_token(token)
        assert kind == ReminderKind.DEADLINE
        assert received["To"] == next(u.email for u in members if u.id == user_id)
        assert token in received.get_body(("plain",)).get_content()  # the same link in the text
        head = raw.split(b"\r\n\r\n")[0]
        assert head.isascii()
        assert b"\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n" in head


@pytest.mark.parametrize(
    "headers",
    [
        {"List-Unsubscribe": "<https://x/>\r\nBcc: victim@example.com"},
        {"List-Unsubscribe": "<https://x/>\nBcc: victim@example.com"},
        {"List-Unsubscribe": "<https://x/>\rX: y"},
        {"X-Evil\r\nBcc": "a"},
        {"Bcc": "victim@example.com"},
        {"Subject": "replaced"},
        {"List Unsubscribe": "a"},
    ],
)
def test_a_header_cannot_carry_a_line_break_or_replace_the_messages_own(headers):
    with pytest.raises(ValueError, match="header"):
        checked_headers(headers)
    message = OutboxMessage(
        kind="x",
        to_email="a@example.com",
        lang="ru",
        subject="s",
        body_text="t",
        body_html="<p>t</p>",
        message_id="<x@y>",
        attachments=[],
        headers=headers,
    )
    with pytest.raises(ValueError, match="header"):
        build_email(message, sender="FairPlanner <noreply@example.com>")


def test_a_message_without_extra_headers_builds_as_before():
    message = OutboxMessage(
        kind="x", to_email="a@example.com", lang="ru", subject="s", body_text="t",
        body_html="<p>t</p>", message_id="<x@y>", attachments=[], headers=None,
    )  # fmt: skip
    email = build_email(message, sender="FairPlanner <noreply@example.com>")
    assert email["List-Unsubscribe"] is None


def _token(db, followed):
    followed(days=7)
    run()
    message = outbox(db)[0]
    return message.headers["List-Unsubscribe"][len(BASE) + 1 : -1], message.to_email


def test_get_asks_and_changes_nothing(client, db, followed, members, csrf_on):
    token, to = _token(db, followed)
    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200
    assert "Больше не присылать вам напоминания об окончании регистрации?" in page.text
    assert '<form method="post">' in page.text
    user = next(u for u in members if u.email == to)
    assert services.choices(user)[ReminderKind.DEADLINE] is True


def test_one_click_post_without_csrf_token_unsubscribes(client, db, followed, members, csrf_on):
    token, to = _token(db, followed)
    answer = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 200
    assert "больше не присылаем вам напоминания об окончании регистрации" in answer.text
    user = next(u for u in members if u.email == to)
    other = next(u for u in members if u.email != to)
    assert services.choices(user) == {
        ReminderKind.DEADLINE: False,
        ReminderKind.OPENING: True,
        ReminderKind.DIGEST: False,
    }
    assert services.choices(other)[ReminderKind.DEADLINE] is True
    # Done: the next deadline reminds only the other member.
    followed(days=1)
    run()
    assert outbox(db)[-1].to_email == other.email
    assert len(outbox(db)) == 3


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize(
    "tamper",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # the signature
        lambda t: "x" + t,  # the payload
        lambda t: "nonsense",
    ],
)
def test_a_bad_signature_is_a_clear_404_and_changes_nothing(
    client, db, followed, members, csrf_on, method, tamper
):
    token, _to = _token(db, followed)
    answer = getattr(client, method)(f"/unsubscribe/{tamper(token)}")
    assert answer.status_code == 404
    assert "Ссылка не работает" in answer.text
    assert all(services.choices(u)[ReminderKind.DEADLINE] for u in members)


def test_a_token_for_another_purpose_or_an_unknown_kind_is_refused(app, client, db, members):
    from itsdangerous import URLSafeSerializer

    with app.test_request_context():
        other_salt = URLSafeSerializer(app.config["SECRET_KEY"], salt="other").dumps(
            {"u": members[0].id, "k": "deadline"}
        )
        bad_kind = URLSafeSerializer(app.config["SECRET_KEY"], salt=mails.UNSUBSCRIBE_SALT).dumps(
            {"u": members[0].id, "k": "everything"}
        )
    for token in (other_salt, bad_kind):
        assert client.post(f"/unsubscribe/{token}").status_code == 404
    assert services.choices(members[0])[ReminderKind.DEADLINE] is True


def test_the_settings_page_needs_a_login(client, db):
    answer = client.get("/account/notifications")
    assert answer.status_code == 302
    assert "/login" in answer.headers["Location"]
    assert client.post("/account/notifications", data={"digest": "y"}).status_code == 302


def test_a_member_changes_only_their_own_choices(client, db, login_as, members):
    me, colleague = members
    login_as(me)
    page = client.get("/account/notifications")
    assert page.status_code == 200
    assert '<input checked id="deadline" name="deadline" type="checkbox"' in page.text
    assert '<input id="digest" name="digest" type="checkbox"' in page.text  # off by default
    answer = client.post("/account/notifications", data={"opening": "y", "digest": "y"})
    assert answer.status_code == 302
    assert services.choices(me) == {
        ReminderKind.DEADLINE: False,
        ReminderKind.OPENING: True,
        ReminderKind.DIGEST: True,
    }
    assert services.choices(colleague) == {
        ReminderKind.DEADLINE: True,
        ReminderKind.OPENING: True,
        ReminderKind.DIGEST: False,
    }
    # Subscribing again after an unsubscribe link.
    client.post("/account/notifications", data={"deadline": "y"})
    assert services.choices(me)[ReminderKind.DEADLINE] is True


def test_the_settings_form_needs_its_csrf_token(client, db, login_as, members, csrf_on):
    login_as(members[0])
    assert client.post("/account/notifications", data={"digest": "y"}).status_code == 400
    assert services.choices(members[0])[ReminderKind.DIGEST] is False


def test_the_account_page_links_the_settings(client, db, login_as, members):
    login_as(members[0])
    assert 'href="/account/notifications"' in client.get("/account/password").text
