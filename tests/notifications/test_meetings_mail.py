"""The mail about B2B meetings: the right companies, each in its own language, with the
meeting's calendar entry (the private feed's UID and SEQUENCE) where it has a time; queued in
the transaction of the change and delivered through a real SMTP server."""

from __future__ import annotations

import icalendar
import pytest
import vobject
from sqlalchemy import select

from fairplanner.accounts.models import Country
from fairplanner.calendars.services import feed_token
from fairplanner.extensions import db
from fairplanner.meetings import services
from fairplanner.meetings.models import Scheduling
from fairplanner.notifications.delivery import Mailer
from fairplanner.notifications.models import OutboxMessage
from fairplanner.notifications.services import run_once
from fairplanner.organizers.services import cancel_fair
from tests.meetings.conftest import B2B, make_b2b


@pytest.fixture
def b2b(factories) -> B2B:
    return make_b2b(factories)


def pair(b2b: B2B):
    """A Belarusian company writing in Russian, a Russian one reading its mail in English."""
    by, by_user = b2b.company(
        country=Country.BELARUS, region="MI", legal_name="ООО «Древ-Бел»", language="ru"
    )
    a = b2b.join(by, user=by_user, phone="+375291234567", email="b2b@drevbel.example")
    to, to_user = b2b.company(legal_name="Vyatka Les LLC", language="en")
    b = b2b.join(
        to,
        user=to_user,
        attendees=[{"name": "Anna Ivanova", "position": "sales"}],
        email="b2b@vyatka.example",
    )
    return a, b


def outbox(kind: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind is not None:
        stmt = stmt.where(OutboxMessage.kind == kind)
    return list(db.session.scalars(stmt))


def to(messages: list[OutboxMessage]) -> dict[str, OutboxMessage]:
    return {m.to_email: m for m in messages}


def calendar_of(message: OutboxMessage) -> bytes:
    (attachment,) = message.attachments
    assert attachment["content_type"].startswith("text/calendar; method=PUBLISH")
    return attachment["data"].encode()


def event_of(body: bytes) -> dict:
    """The one VEVENT, read by icalendar and by vobject, which must agree."""
    (first,) = icalendar.Calendar.from_ical(body).walk("VEVENT")
    second = vobject.readOne(body.decode("utf-8")).vevent
    seen = {
        "uid": str(first["UID"]),
        "sequence": int(first["SEQUENCE"]),
        "status": str(first["STATUS"]),
        "location": str(first["LOCATION"]),
        "start": first.decoded("DTSTART"),
    }
    assert seen == {
        "uid": second.uid.value,
        "sequence": int(second.sequence.value),
        "status": second.status.value,
        "location": second.location.value,
        "start": second.dtstart.value,
    }
    assert b"METHOD:PUBLISH" in body
    return seen


def test_a_request_goes_to_the_company_asked_in_its_language(b2b):
    a, b = pair(b2b)
    services.request_meeting(a, b, message="Добрый день", slots=b2b.slots[:2], actor=b2b.member(a))
    (message,) = outbox("meeting_requested")
    assert message.to_email == b.company.email
    assert message.company_id == b.company_id
    assert message.lang == "en"
    assert message.subject == f"B2B meeting request from ООО «Древ-Бел»: {b2b.fair.name_en}"
    assert "Добрый день" in message.body_text
    assert "Belarus" in message.body_text
    # The times in Minsk time, and no contacts before the meeting is accepted.
    assert ", 10:00–10:30" in message.body_text
    assert "b2b@drevbel.example" not in message.body_text
    assert message.attachments == []
    assert f"/fairs/{b2b.fair.slug}/b2b/my" in message.body_text


def test_accepting_sends_both_companies_the_meeting_with_the_feeds_entry(app, b2b):
    a, b = pair(b2b)
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.accept(meeting, b, slot=b2b.slots[0], actor=b2b.member(b))
    db.session.commit()
    # The acceptance with a time is told once, by the scheduled mail with its calendar entry.
    assert outbox("meeting_answered") == []
    sent = to(outbox("meeting_scheduled"))
    assert set(sent) == {a.company.email, b.company.email}
    ru, en = sent[a.company.email], sent[b.company.email]
    assert (ru.lang, en.lang) == ("ru", "en")
    assert en.subject.startswith("B2B meeting: ООО «Древ-Бел», ")
    # Each reads its partner's contacts.
    assert "b2b@drevbel.example" in en.body_text
    assert "+375 29 123-45-67" in en.body_text
    assert "Anna Ivanova (sales)" in ru.body_text
    venue = b2b.fair.venue
    ru_event, en_event = event_of(calendar_of(ru)), event_of(calendar_of(en))
    assert ru_event["uid"] == en_event["uid"] == f"meeting-{meeting.id}@127.0.0.1"
    assert ru_event["sequence"] == en_event["sequence"] == meeting.sequence
    assert ru_event["location"].endswith(f"{venue.name_ru}, {venue.city.name_ru}")
    assert en_event["location"].endswith(f"{venue.name_en}, {venue.city.name_en}")
    # The same entry as the company's private feed holds.
    token = feed_token(b.company).token
    db.session.commit()
    body = app.test_client().get(f"/calendar/{token}.ics?lang=en").data
    in_feed = [
        e
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(e["UID"]) == en_event["uid"]
    ]
    assert len(in_feed) == 1
    assert int(in_feed[0]["SEQUENCE"]) == en_event["sequence"]


def test_a_decline_with_its_reason_goes_to_the_requester(b2b):
    a, b = pair(b2b)
    meeting = services.request_meeting(
        b, a, message=None, slots=[b2b.slots[0]], actor=b2b.member(b)
    )
    services.decline(meeting, a, reason="Нет потребности", actor=b2b.member(a))
    (message,) = outbox("meeting_answered")
    assert message.to_email == b.company.email
    assert message.subject == "B2B meeting declined: ООО «Древ-Бел»"
    assert "Reason: Нет потребности" in message.body_text
    assert message.attachments == []


def test_other_times_proposed_go_to_the_side_that_waits(b2b):
    a, b = pair(b2b)
    meeting = services.request_meeting(
        b, a, message=None, slots=[b2b.slots[0]], actor=b2b.member(b)
    )
    services.propose(meeting, a, slots=[b2b.slots[1], b2b.slots[2]], actor=b2b.member(a))
    (message,) = outbox("meeting_answered")
    assert message.to_email == b.company.email
    assert message.subject == "Other times proposed for your B2B meeting: ООО «Древ-Бел»"
    assert message.body_text.count(", 10:30–11:00") + message.body_text.count(", 11:30–12:00") == 2


def test_an_acceptance_without_a_time_says_the_organizer_will_set_it(factories):
    b2b = make_b2b(factories, scheduling=Scheduling.ORGANIZER)
    a, b = pair(b2b)
    meeting = services.request_meeting(a, b, message=None, slots=[], actor=b2b.member(a))
    services.accept(meeting, b, slot=None, actor=b2b.member(b))
    (message,) = outbox("meeting_answered")
    assert message.to_email == a.company.email
    assert message.lang == "ru"
    assert "Vyatka Les LLC" in message.subject
    assert "b2b@vyatka.example" in message.body_text  # agreed: contacts revealed
    assert message.attachments == []


def test_the_organizer_moving_a_meeting_tells_both_with_a_higher_sequence(b2b):
    a, b = pair(b2b)
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.accept(meeting, b, slot=b2b.slots[0], actor=b2b.member(b))
    services.place(meeting, starts_at=b2b.slots[3], table=b2b.tables[1], actor=b2b.staff)
    moved = to(outbox("meeting_scheduled")[2:])
    assert set(moved) == {a.company.email, b.company.email}
    en = moved[b.company.email]
    assert en.subject.startswith("B2B meeting moved: ")
    assert "it was on " in en.body_text
    event = event_of(calendar_of(en))
    assert event["sequence"] == 2
    assert event["location"].startswith("Стол 2, Павильон 1")
    assert event["start"] == b2b.slots[3]


def test_a_side_cancelling_tells_the_other_with_the_cancelled_entry(b2b):
    a, b = pair(b2b)
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.accept(meeting, b, slot=b2b.slots[0], actor=b2b.member(b))
    services.cancel(meeting, actor=b2b.member(a), by=a, reason="Flight cancelled")
    (message,) = outbox("meeting_cancelled")
    assert message.to_email == b.company.email
    assert message.subject == "B2B meeting cancelled: ООО «Древ-Бел»"
    assert "Cancelled by the other company" in message.body_text
    assert "Reason: Flight cancelled" in message.body_text
    event = event_of(calendar_of(message))
    assert event["status"] == "CANCELLED"
    assert event["sequence"] == 2


def test_a_withdrawn_request_has_no_calendar_entry(b2b):
    a, b = pair(b2b)
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.cancel(meeting, actor=b2b.member(a), by=a)
    (message,) = outbox("meeting_cancelled")
    assert message.to_email == b.company.email
    assert message.subject == "B2B meeting request cancelled: ООО «Древ-Бел»"
    assert message.attachments == []


def test_the_organizer_cancelling_tells_both(b2b):
    a, b = pair(b2b)
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.accept(meeting, b, slot=b2b.slots[0], actor=b2b.member(b))
    services.cancel(meeting, actor=b2b.staff, reason="Зал закрыт")
    sent = to(outbox("meeting_cancelled"))
    assert set(sent) == {a.company.email, b.company.email}
    assert sent[a.company.email].lang == "ru"
    assert "Cancelled by the organizer" in sent[b.company.email].body_text
    for message in sent.values():
        assert event_of(calendar_of(message))["status"] == "CANCELLED"


def test_a_cancelled_fair_tells_both_sides_of_each_meeting(b2b):
    a, b = pair(b2b)
    meeting = services.request_meeting(
        a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.accept(meeting, b, slot=b2b.slots[0], actor=b2b.member(b))
    cancel_fair(b2b.fair, actor=b2b.staff, reason_ru="Форс-мажор", reason_en="Force majeure")
    sent = to(outbox("meeting_cancelled"))
    assert set(sent) == {a.company.email, b.company.email}
    assert "The fair has been cancelled" in sent[b.company.email].body_text


def test_delivered_over_smtp_with_the_calendar_attached(app, b2b, smtp):
    inbox, config = smtp
    a, b = pair(b2b)
    meeting = services.request_meeting(
        a, b, message="Line one\nLine two", slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.accept(meeting, b, slot=b2b.slots[0], actor=b2b.member(b))
    db.session.commit()
    sent, failed = run_once(Mailer({**app.config, **config}, app.instance_path))
    assert (sent, failed) == (3, 0)  # the request, and the meeting to each side
    received = {m["To"]: m for m in inbox.messages if list(m.iter_attachments())}
    assert set(received) == {a.company.email, b.company.email}
    for mail in received.values():
        (part,) = [p for p in mail.iter_attachments() if p.get_content_type() == "text/calendar"]
        assert part.get_filename() == f"meeting-{meeting.id}.ics"
        event = event_of(part.get_content().encode())
        assert event["uid"] == f"meeting-{meeting.id}@127.0.0.1"
        assert event["status"] == "CONFIRMED"
    assert received[b.company.email]["Subject"].startswith("B2B meeting: ООО «Древ-Бел», ")


def test_hostile_names_and_contacts_stay_text_in_the_html(app, b2b):
    from tests.notifications.test_mail_escaping import HOSTILE, assert_inert

    by, by_user = b2b.company(legal_name=HOSTILE, language="en")
    a = b2b.join(by, user=by_user, attendees=[{"name": HOSTILE, "position": HOSTILE}])
    b = b2b.join()
    meeting = services.request_meeting(
        a, b, message=HOSTILE, slots=[b2b.slots[0]], actor=b2b.member(a)
    )
    services.accept(meeting, b, slot=b2b.slots[0], actor=b2b.member(b))
    for message in outbox():
        assert_inert(message.body_html, base_url=app.config["PUBLIC_BASE_URL"])
