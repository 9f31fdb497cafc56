"""The outbox against a real SMTP server: MIME, Cyrillic, calendars, retries, no loss."""

from __future__ import annotations

import threading
from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import func, select

from fairplanner.db import utcnow
from fairplanner.notifications.delivery import Mailer
from fairplanner.notifications.models import OutboxMessage, OutboxStatus
from fairplanner.notifications.services import CLAIM_TIMEOUT, claim, run_once
from fairplanner.registrations.models import Registration, RegistrationStatus
from tests.factories import Factories
from tests.notifications.conftest import free_port

EXHIBIT = {"stand_type": "indoor", "area": "12"}


def mailer(app, config) -> Mailer:
    return Mailer({**app.config, **config}, app.instance_path)


def outbox(db) -> list[OutboxMessage]:
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


@pytest.fixture
def fair(make_fair):
    return make_fair(slug="belagro", name_ru="Белагро", capacity=5)


def test_registration_queues_a_message_in_the_same_transaction(client, db, member, fair):
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    (message,) = outbox(db)
    assert message.kind == "registration"
    assert message.to_email == member.company.email
    assert message.status == OutboxStatus.PENDING
    assert message.subject == "Заявка получена: Белагро"
    # A refused application (second one) queues nothing.
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    assert len(outbox(db)) == 1


def test_delivered_message_has_text_html_and_a_cyrillic_subject(
    app, client, db, member, fair, smtp
):
    inbox, config = smtp
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    assert run_once(mailer(app, config)) == (1, 0)
    (received,) = inbox.messages
    assert received["Subject"] == "Заявка получена: Белагро"
    headers = inbox.raw[0].split(b"\r\n\r\n")[0].lower()
    assert b"subject: =?utf-8?" in headers  # RFC 2047 on the wire, 7-bit headers
    assert headers.isascii()
    assert received["Message-ID"] == outbox(db)[0].message_id
    assert received.get_content_type() == "multipart/alternative"
    text = received.get_body(("plain",)).get_content()
    html = received.get_body(("html",)).get_content()
    assert "Мы получили вашу заявку" in text
    assert "Мы получили вашу заявку" in html
    assert outbox(db)[0].status == OutboxStatus.SENT


def test_approval_carries_the_feeds_calendar_entry(
    app, client, db, member, fair, smtp, make_user, login_as
):
    from fairplanner.accounts.models import Role

    inbox, config = smtp
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    registration = db.session.scalar(select(Registration))
    staff = make_user(role=Role.STAFF, organizer_id=fair.organizer_id)
    login_as(staff)
    client.post(
        f"/organizer/registrations/{registration.id}/decide",
        data={"action": "approve", "version": registration.version},
    )
    run_once(mailer(app, config))
    approved = inbox.messages[-1]
    assert approved["Subject"] == "Заявка одобрена: Белагро"
    parts = [p for p in approved.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(parts) == 1
    event = icalendar.Calendar.from_ical(parts[0].get_content()).walk("VEVENT")[0]
    # The same entry as in the company's private feed.
    login_as(member)
    html = client.get("/my/fairs").get_data(as_text=True)
    import re

    feed = re.search(r'value="http://127\.0\.0\.1:5000(/calendar/[^"]+)"', html).group(1)
    feed_events = icalendar.Calendar.from_ical(app.test_client().get(feed).data).walk("VEVENT")
    fair_entry = next(e for e in feed_events if str(e["UID"]).startswith("fair-"))
    assert str(event["UID"]) == str(fair_entry["UID"])
    assert int(event["SEQUENCE"]) == int(fair_entry["SEQUENCE"])


def test_a_server_outage_loses_nothing_and_retries_later(app, client, db, member, fair, smtp):
    inbox, config = smtp
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    down = {**config, "MAIL_PORT": free_port()}  # nothing listens there
    assert run_once(mailer(app, down)) == (0, 1)
    (message,) = outbox(db)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at > utcnow()
    assert "ConnectionRefused" in message.last_error
    assert run_once(mailer(app, config)) == (0, 0)  # not due yet
    message.next_attempt_at = utcnow()
    db.session.commit()
    assert run_once(mailer(app, config)) == (1, 0)
    assert len(inbox.messages) == 1


def test_messages_that_keep_failing_are_parked(app, client, db, member, fair):
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    down = Mailer(
        {**app.config, "MAIL_HOST": "127.0.0.1", "MAIL_PORT": free_port(), "MAIL_SECURITY": "none"},
        app.instance_path,
    )
    message = outbox(db)[0]
    for _ in range(8):
        message.next_attempt_at = utcnow()
        db.session.commit()
        run_once(down)
    assert message.status == OutboxStatus.PARKED


def test_a_worker_crash_between_sending_and_recording_resends_with_the_same_id(
    app, client, db, member, fair, smtp
):
    """Delivery is at least once: a message is never lost, and a repeat carries the same
    Message-ID, so that the receiving side can drop it."""
    inbox, config = smtp
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    (claimed,) = claim()
    message = db.session.get(OutboxMessage, claimed)
    from fairplanner.notifications.delivery import build_email

    the_mailer = mailer(app, config)
    the_mailer.send(build_email(message, sender=the_mailer.sender))  # sent, then the crash
    assert message.status == OutboxStatus.SENDING
    assert run_once(the_mailer) == (0, 0)  # still claimed by the dead worker
    message.claimed_at = utcnow() - CLAIM_TIMEOUT - timedelta(seconds=1)
    db.session.commit()
    assert run_once(the_mailer) == (1, 0)
    assert [m["Message-ID"] for m in inbox.messages] == [message.message_id] * 2
    assert message.status == OutboxStatus.SENT


def test_without_smtp_messages_are_written_as_eml_files(app, client, db, member, fair, tmp_path):
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    files = Mailer({**app.config, "MAIL_HOST": None}, str(tmp_path))
    assert run_once(files) == (1, 0)
    (eml,) = (tmp_path / "mail").glob("*.eml")
    assert b"Subject:" in eml.read_bytes()


def test_two_workers_send_each_message_once(app, committed, smtp):
    inbox, config = smtp
    factories = Factories(committed.session)
    fair = factories.fair(slug="twenty", capacity=100)
    from fairplanner.notifications.services import enqueue

    for i in range(20):
        enqueue(
            "registration",
            to=f"c{i}@example.com",
            lang="ru",
            event="received",
            company_name=f"ООО {i}",
            fair_name=fair.name_ru,
            dates="1–3 мая",
            reason=None,
            position=None,
            waitlisted=False,
            link="http://x/",
        )
    committed.session.commit()
    start = threading.Barrier(2)

    def worker() -> None:
        with app.app_context():
            start.wait()
            run_once(mailer(app, config), limit=20)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    ids = [m["Message-ID"] for m in inbox.messages]
    assert len(ids) == 20
    assert len(set(ids)) == 20
    committed.session.expire_all()
    sent = committed.session.scalar(
        select(func.count(OutboxMessage.id)).where(OutboxMessage.status == OutboxStatus.SENT)
    )
    assert sent == 20


def test_outbox_command(app, runner, db, client, member, fair, smtp, monkeypatch):
    inbox, config = smtp
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    for key, value in config.items():
        monkeypatch.setitem(app.config, key, value)
    result = runner.invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output
    assert len(inbox.messages) == 1
    assert RegistrationStatus.SUBMITTED  # the registration itself is untouched


def test_a_moved_or_cancelled_fair_reaches_every_registered_company(
    app, db, smtp, factories, make_user
):
    from fairplanner.accounts.models import Role
    from fairplanner.catalogue.models import FairStatus
    from fairplanner.organizers import services

    inbox, config = smtp
    fair = factories.fair(slug="moving", name_ru="Белагро")
    companies = [factories.company() for _ in range(2)]
    regs = [
        factories._save(
            Registration(
                fair_id=fair.id,
                company_id=c.id,
                role="visitor",
                status=RegistrationStatus.APPROVED,
                delegates=[{"name": "А"}],
                aims=["sales"],
            )
        )
        for c in companies
    ]
    factories._save(
        Registration(
            fair_id=fair.id,
            company_id=factories.company().id,
            role="visitor",
            status=RegistrationStatus.WITHDRAWN,
            delegates=[{"name": "Б"}],
            aims=["sales"],
        )
    )
    staff = make_user(role=Role.STAFF, organizer_id=fair.organizer_id)
    before = fair.revision
    data = services.FairData(
        slug=fair.slug,
        name_ru=fair.name_ru,
        name_en=fair.name_en,
        description_ru=None,
        description_en=None,
        kind=fair.kind,
        starts_on=fair.starts_on + timedelta(days=7),
        ends_on=fair.ends_on + timedelta(days=7),
        venue_id=fair.venue_id,
        sector_codes=["food"],
        registration_opens_on=fair.registration_opens_on,
        registration_deadline=fair.registration_deadline,
        capacity=fair.capacity,
        capacity_unit=fair.capacity_unit,
        stand_area_min=fair.stand_area_min,
        stand_area_max=fair.stand_area_max,
        website=None,
    )
    services.update_fair(fair, data, actor=staff, seen_revision=fair.revision)
    db.session.commit()
    run_once(mailer(app, config))
    assert sorted(m["To"] for m in inbox.messages) == sorted(c.email for c in companies)
    message = inbox.messages[0]
    assert message["Subject"] == "Изменения: Белагро"
    calendar = next(
        p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"
    )
    event = icalendar.Calendar.from_ical(calendar.get_content()).walk("VEVENT")[0]
    assert event.decoded("DTSTART") == fair.starts_on
    assert int(event["SEQUENCE"]) > before
    services.cancel_fair(fair, actor=staff, reason_ru="Площадка закрыта", reason_en=None)
    db.session.commit()
    run_once(mailer(app, config))
    cancelled = inbox.messages[-1]
    assert cancelled["Subject"] == "Отменена: Белагро"
    part = next(p for p in cancelled.iter_attachments() if p.get_content_type() == "text/calendar")
    assert (
        icalendar.Calendar.from_ical(part.get_content()).walk("VEVENT")[0]["STATUS"] == "CANCELLED"
    )
    assert fair.status == FairStatus.CANCELLED
    assert len(regs) == 2


def test_decision_replies_go_to_the_staff_member(
    app, client, db, member, fair, smtp, make_user, login_as
):
    from fairplanner.accounts.models import Role

    inbox, config = smtp
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    registration = db.session.scalar(select(Registration))
    staff = login_as(
        make_user("manager@belexpo.by", role=Role.STAFF, organizer_id=fair.organizer_id)
    )
    client.post(
        f"/organizer/registrations/{registration.id}/decide",
        data={"action": "reject", "version": registration.version, "reason": "Нет мест"},
    )
    run_once(mailer(app, config))
    rejected = inbox.messages[-1]
    assert rejected["Reply-To"] == staff.email
    assert "Нет мест" in rejected.get_body(("plain",)).get_content()


def test_companies_can_turn_off_confirmations_but_not_decisions(
    client, db, member, fair, make_user, login_as
):
    from fairplanner.accounts.models import Role

    member.company.notify_confirmations = False
    db.session.commit()
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    assert outbox(db) == []  # "received" is a confirmation of the company's own action
    registration = db.session.scalar(select(Registration))
    login_as(make_user(role=Role.STAFF, organizer_id=fair.organizer_id))
    client.post(
        f"/organizer/registrations/{registration.id}/decide",
        data={"action": "approve", "version": registration.version},
    )
    assert [m.subject for m in outbox(db)] == ["Заявка одобрена: Белагро"]


def test_the_profile_form_keeps_the_choice(client, db, member):
    page = client.get("/company").get_data(as_text=True)
    assert 'name="notify_confirmations"' in page
    assert (
        "checked"
        in page.split('name="notify_confirmations"')[0][-200:]
        + page.split('name="notify_confirmations"')[1][:50]
    )


def test_admin_sees_parked_messages_and_can_retry_them(
    app, client, db, member, fair, make_user, login_as
):
    from fairplanner.accounts.models import Role

    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    message = outbox(db)[0]
    message.status = OutboxStatus.PARKED
    message.attempts = 8
    message.last_error = "SMTPRecipientsRefused"
    db.session.commit()
    login_as(make_user(role=Role.ADMIN))
    page = client.get("/organizer/admin/outbox").get_data(as_text=True)
    assert "SMTPRecipientsRefused" in page
    assert client.post("/organizer/admin/outbox").status_code == 302
    db.session.refresh(message)
    assert message.status == OutboxStatus.PENDING
    assert message.attempts == 0
    login_as(member)
    assert client.get("/organizer/admin/outbox").status_code == 403


def test_mail_is_in_the_companys_language(app, client, db, member, fair, smtp):
    inbox, config = smtp
    fair.name_en = "Belagro"
    member.company.language = "en"
    db.session.commit()
    client.post("/fairs/belagro/register/exhibitor", data=EXHIBIT)
    run_once(mailer(app, config))
    (message,) = inbox.messages
    assert message["Subject"] == "Application received: Belagro"
    assert message["Content-Language"] == "en"
    assert "We have received your application" in message.get_body(("plain",)).get_content()


def test_signup_in_english_makes_an_english_company(client, db):
    from fairplanner.accounts.models import User

    client.post(
        "/signup",
        headers={"Accept-Language": "en"},
        data={
            "email": "en@example.com",
            "password": "long enough password",
            "confirm": "long enough password",
            "company_name": "Vyatka Ltd",
            "consent": "y",
        },
    )
    user = db.session.scalar(select(User).where(User.email == "en@example.com"))
    assert user.company.language == "en"
    (verification,) = outbox(db)
    assert verification.subject == "Confirm your email address for FairPlanner"


@pytest.mark.parametrize("words", [1, 7, 12, 20, 40])
def test_a_long_cyrillic_subject_keeps_every_space(words):
    """CPython's header folding dropped the space where it split a Cyrillic subject into two
    encoded words ("последнийдень"): the subject must come back exactly as it was."""
    from email import message_from_bytes, policy

    from fairplanner.notifications.delivery import build_email
    from fairplanner.notifications.models import OutboxMessage

    subject = " ".join(["Выставка 12400: последний день регистрации — 8 марта"] * words)[:300]
    message = OutboxMessage(
        to_email="member@vyatka.example",
        subject=subject,
        body_text="Текст",
        body_html="<p>Текст</p>",
        lang="ru",
        message_id="<subject-test@fairplanner.invalid>",
    )
    raw = build_email(message, sender="FairPlanner <noreply@fairplanner.example>").as_bytes(
        policy=policy.SMTP
    )
    assert all(len(line) <= 78 for line in raw.split(b"\r\n"))
    parsed = message_from_bytes(raw, policy=policy.default)
    assert str(parsed["Subject"]) == subject
