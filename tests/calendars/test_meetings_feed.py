"""B2B meetings in the companies' private calendar feeds: both companies' feeds hold the
meeting under one UID, a move raises its SEQUENCE in both, a cancellation is kept as
STATUS:CANCELLED, other companies see nothing of it; parsed by icalendar and vobject."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
import vobject

from fairplanner.accounts.models import Country
from fairplanner.calendars import ical
from fairplanner.calendars.services import feed_token
from fairplanner.extensions import db
from fairplanner.i18n import MINSK
from fairplanner.meetings import services
from fairplanner.meetings.models import Meeting
from tests.meetings.conftest import B2B, make_b2b

MESSAGE = (
    "Добрый день!\r\nПредлагаем обсудить поставки пиломатериалов; цены, объёмы, логистику.\n"
    "Ждём вас у стола — «Вятка-Экспорт», г. Киров\\Кировская область. " * 3
)


@pytest.fixture
def b2b(factories) -> B2B:
    return make_b2b(factories)


def feed(client, company, lang: str = "en", **headers: str):
    token = feed_token(company).token
    db.session.commit()
    return client.get(f"/calendar/{token}.ics?lang={lang}", headers=headers)


def meetings_in(body: bytes) -> tuple[list[dict], list[dict]]:
    """The meeting events as icalendar and as vobject see them."""

    def instant(value: datetime) -> datetime:
        return value.astimezone(UTC)

    first = [
        {
            "uid": str(e["UID"]),
            "summary": str(e["SUMMARY"]),
            "start": instant(e.decoded("DTSTART")),
            "end": instant(e.decoded("DTEND")),
            "sequence": int(e["SEQUENCE"]),
            "status": str(e["STATUS"]),
            "location": str(e["LOCATION"]),
            "description": str(e["DESCRIPTION"]),
            "offset": e.decoded("DTSTART").utcoffset(),
        }
        for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
        if str(e["UID"]).startswith("meeting-")
    ]
    second = [
        {
            "uid": e.uid.value,
            "summary": e.summary.value,
            "start": instant(e.dtstart.value),
            "end": instant(e.dtend.value),
            "sequence": int(e.sequence.value),
            "status": e.status.value,
            "location": e.location.value,
            "description": e.description.value,
            "offset": e.dtstart.value.utcoffset(),
        }
        for e in vobject.readOne(body.decode("utf-8")).vevent_list
        if e.uid.value.startswith("meeting-")
    ]
    return first, second


def both(body: bytes) -> list[dict]:
    first, second = meetings_in(body)
    assert first == second
    return first


def scheduled(b2b: B2B, **kw) -> tuple[Meeting, object, object]:
    """A Belarusian company asks a Russian one, which accepts the first slot."""
    by, by_user = b2b.company(country=Country.BELARUS, region="MI", legal_name="ООО «Древ-Бел»")
    a = b2b.join(
        by,
        user=by_user,
        attendees=[{"name": "Пётр Соколов", "position": "директор"}],
        phone="+375291234567",
        email="b2b@drevbel.example",
    )
    to, to_user = b2b.company(legal_name="ООО «Вятка-Лес»")
    b = b2b.join(to, user=to_user, attendees=[{"name": "Anna Ivanova", "position": ""}])
    meeting = services.request_meeting(
        a, b, message=kw.get("message", "Hello"), slots=[b2b.slots[0]], actor=by_user
    )
    services.accept(meeting, b, slot=b2b.slots[0], actor=to_user)
    db.session.commit()
    return meeting, a, b


def test_a_scheduled_meeting_is_in_both_companies_feeds_with_one_uid(client, b2b):
    meeting, a, b = scheduled(b2b)
    mine = feed(client, a.company)
    theirs = feed(client, b.company)
    assert mine.status_code == theirs.status_code == 200
    (event,) = both(mine.data)
    (other,) = both(theirs.data)
    assert event["uid"] == other["uid"] == f"meeting-{meeting.id}@127.0.0.1"
    assert event["sequence"] == other["sequence"] == meeting.sequence == 1
    assert event["status"] == other["status"] == "CONFIRMED"
    assert event["start"] == b2b.slots[0]
    assert event["end"] == b2b.slots[0] + timedelta(minutes=30)
    assert event["offset"] == timedelta(hours=3)  # Minsk time, read through the VTIMEZONE
    # Each side sees the other as its partner, with its contacts (the meeting is agreed).
    assert event["summary"] == "B2B: ООО «Вятка-Лес»"
    assert other["summary"] == "B2B: ООО «Древ-Бел»"
    assert "Anna Ivanova" in event["description"]
    assert "Пётр Соколов (директор)" in other["description"]
    assert "+375 29 123-45-67" in other["description"]
    assert "b2b@drevbel.example" in other["description"]
    assert "Belarus" in other["description"]
    assert "Russia" in event["description"]
    assert "Hello" in other["description"]
    assert f"http://127.0.0.1:5000/fairs/{b2b.fair.slug}/b2b/my" in event["description"]
    venue = b2b.fair.venue
    assert event["location"] == f"Стол 1, Павильон 1 — {venue.name_en}, {venue.city.name_en}"
    # In Minsk time against the VTIMEZONE.
    local = b2b.slots[0].astimezone(MINSK).strftime("%Y%m%dT%H%M%S").encode()
    assert b"DTSTART;TZID=Europe/Minsk:" + local in mine.data
    assert b"BEGIN:VTIMEZONE" in mine.data


def test_the_feed_speaks_its_language(client, b2b):
    _meeting, a, _b = scheduled(b2b)
    body = feed(client, a.company, lang="ru").data
    (event,) = both(body)
    assert event["summary"].endswith(": ООО «Вятка-Лес»")
    venue = b2b.fair.venue
    assert event["location"].endswith(f"— {venue.name_ru}, {venue.city.name_ru}")


def test_a_move_reaches_both_feeds_with_a_higher_sequence(client, b2b):
    meeting, a, b = scheduled(b2b)
    before = [feed(client, side.company) for side in (a, b)]
    services.place(meeting, starts_at=b2b.slots[2], table=b2b.tables[1], actor=b2b.staff)
    db.session.commit()
    for side, old in zip((a, b), before, strict=True):
        polled = feed(client, side.company, If_None_Match=old.headers["ETag"])
        assert polled.status_code == 200
        assert polled.headers["ETag"] != old.headers["ETag"]
        (event,) = both(polled.data)
        assert event["sequence"] == 2 > both(old.data)[0]["sequence"]
        assert event["start"] == b2b.slots[2]
        assert event["location"].startswith("Стол 2, Павильон 1 — ")


def test_a_cancellation_stays_in_both_feeds_as_cancelled(client, b2b):
    meeting, a, b = scheduled(b2b)
    services.cancel(meeting, actor=b2b.member(b), by=b, reason="Рейс отменён")
    db.session.commit()
    mine, theirs = (both(feed(client, side.company).data)[0] for side in (a, b))
    assert mine["status"] == theirs["status"] == "CANCELLED"
    assert mine["sequence"] == theirs["sequence"] == 2
    assert mine["uid"] == theirs["uid"]
    assert mine["summary"].startswith("Cancelled: B2B: ")
    # Each side reads who cancelled as it concerns it, and the reason.
    assert "Cancelled by the other company" in mine["description"]
    assert "Cancelled by your company" in theirs["description"]
    assert "Рейс отменён" in mine["description"]
    # The contacts are no longer shown.
    assert "Anna Ivanova" not in mine["description"]


def test_a_request_not_yet_scheduled_is_not_in_the_feed(client, b2b):
    a, b = b2b.join(), b2b.join()
    services.request_meeting(a, b, message=None, slots=[b2b.slots[0]], actor=b2b.member(a))
    db.session.commit()
    assert both(feed(client, a.company).data) == []
    assert both(feed(client, b.company).data) == []


def test_another_companys_feed_does_not_show_it(client, b2b):
    meeting, _a, _b = scheduled(b2b)
    stranger = b2b.join()  # a participant of the same fair, not of this meeting
    body = feed(client, stranger.company).data
    assert f"meeting-{meeting.id}@".encode() not in body
    assert "Вятка-Лес".encode() not in body


def test_crlf_and_cyrillic_heavy_text_folds_and_comes_back_whole(client, b2b):
    _meeting, a, _b = scheduled(b2b, message=MESSAGE)
    body = feed(client, a.company).data
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # no character split across a fold
    assert b"\n" not in body.replace(b"\r\n", b"")
    (event,) = both(body)
    assert MESSAGE.replace("\r\n", "\n").strip() in event["description"]


def test_the_builder_escapes_what_could_end_a_property():
    entry = ical.MeetingEntry(
        id=7,
        starts_at=datetime(2027, 5, 12, 7, tzinfo=UTC),
        ends_at=datetime(2027, 5, 12, 7, 30, tzinfo=UTC),
        sequence=3,
        created_at=datetime(2027, 4, 1, tzinfo=UTC),
        updated_at=datetime(2027, 4, 2, tzinfo=UTC),
        partner="Evil\r\nSTATUS:CANCELLED;x,y",
        message="line\rUID:other",
    )
    ctx = ical.Context(lang="en", domain="example.org", base_url="", labels=ical.Labels("", "", ""))
    event = ical.meeting_event(entry, ctx)
    lines = event.split(b"\r\n")
    assert b"STATUS:CONFIRMED" in lines
    assert not any(line.startswith((b"STATUS:CANCELLED", b"UID:other")) for line in lines)
    assert b"SUMMARY:B2B: Evil\\nSTATUS:CANCELLED\\;x\\,y" in event


def test_the_etag_moves_when_the_other_side_changes_the_meeting(client, caching, b2b):
    meeting, a, b = scheduled(b2b)
    first = feed(client, b.company)
    assert feed(client, b.company, If_None_Match=first.headers["ETag"]).status_code == 304
    # The requester cancels: the recipient's next poll gets the new body.
    services.cancel(meeting, actor=b2b.member(a), by=a)
    db.session.commit()
    polled = feed(client, b.company, If_None_Match=first.headers["ETag"])
    assert polled.status_code == 200
    assert both(polled.data)[0]["status"] == "CANCELLED"
    assert polled.headers["ETag"] != first.headers["ETag"]


def test_a_partners_new_contacts_reach_the_feed(client, caching, b2b):
    _meeting, a, b = scheduled(b2b)
    first = feed(client, a.company)
    services.update_profile(
        b,
        services.Profile(offers_ru="Лес", phone="+375447654321", email="new@vyatka.example"),
        actor=b2b.member(b),
    )
    db.session.commit()
    polled = feed(client, a.company, If_None_Match=first.headers["ETag"])
    assert polled.status_code == 200
    assert "new@vyatka.example" in both(polled.data)[0]["description"]


def wide(b2b: B2B) -> None:
    """Room for 30 meetings of one company: 9:00–18:00 in 15-minute slots."""
    fair = b2b.fair
    services.save_programme(
        fair,
        services.Settings(
            days=[fair.starts_on, fair.ends_on],
            day_starts=time(9),
            day_ends=time(18),
            slot_minutes=15,
            request_deadline=datetime.combine(fair.ends_on, time(9), UTC),
            max_meetings=40,
        ),
        actor=b2b.staff,
    )
    db.session.commit()


def book(b2b: B2B, host, count: int, *, start: int = 0) -> None:
    slots = b2b.programme.slots()
    for n in range(start, start + count):
        partner = b2b.join()
        services.create_meeting(
            b2b.fair, host, partner, starts_at=slots[n], table=b2b.tables[0], actor=b2b.staff
        )
    db.session.commit()


def test_the_feeds_queries_do_not_grow_with_the_meetings(app, client, b2b, count_queries):
    wide(b2b)
    host = b2b.join()
    book(b2b, host, 3)
    company = host.company
    feed(client, company)  # the address exists

    def built() -> tuple[int, list[str]]:
        app.extensions["cache"].clear()  # built, not served from the cache
        db.session.expire_all()
        with count_queries() as counter:
            events = both(feed(client, company).data)
        return counter.count, [event["uid"] for event in events]

    few, three = built()
    book(b2b, host, 27, start=3)
    many, thirty = built()
    assert (len(three), len(thirty)) == (3, 30)
    assert many == few
