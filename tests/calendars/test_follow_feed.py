"""The company's private feed with followed fairs, registration deadlines, the company's choice
of what it holds, and alarms (issue 14). Every calendar is read with icalendar and vobject."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import timedelta

import icalendar
import pytest
import vobject
from sqlalchemy import select

from fairplanner.accounts.models import Role
from fairplanner.calendars import private
from fairplanner.calendars.models import CalendarToken
from fairplanner.catalogue.models import Fair
from fairplanner.following import services as following
from fairplanner.i18n import minsk_today
from fairplanner.notifications.delivery import Mailer
from fairplanner.notifications.services import run_once
from fairplanner.organizers import services as organizers
from fairplanner.registrations.models import Registration, RegistrationStatus
from tests.notifications.conftest import smtp  # noqa: F401 - the real SMTP server fixture

LONG_NAME = "Международная специализированная выставка «Белагро» — сельское хозяйство " * 2


def feed_path(client) -> str:
    html = client.get("/my/fairs").get_data(as_text=True)
    return re.search(r'value="http://127\.0\.0\.1:5000(/calendar/[^"]+\.ics)\?lang=ru"', html)[1]


def blocks(body: bytes) -> dict[str, bytes]:
    """Each VEVENT's raw lines (folded as sent), by UID."""
    found = {}
    for block in re.findall(rb"BEGIN:VEVENT\r\n.*?END:VEVENT\r\n", body, re.DOTALL):
        unfolded = block.replace(b"\r\n ", b"")
        uid = re.search(rb"\r\nUID:([^\r]+)\r\n", unfolded)[1].decode()
        found[uid] = block
    return found


def both(body: bytes) -> tuple[dict[str, icalendar.Event], dict[str, object]]:
    """The events by UID as icalendar and as vobject read them."""
    first = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    second = {e.uid.value: e for e in getattr(vobject.readOne(body.decode()), "vevent_list", [])}
    assert first.keys() == second.keys()
    return first, second


def apply(db, fair: Fair, company_id: int, role: str = "visitor") -> Registration:
    registration = Registration(
        fair_id=fair.id,
        company_id=company_id,
        role=role,
        status=RegistrationStatus.SUBMITTED,
        delegates=[{"name": "А", "position": ""}],
        aims=["sales"],
    )
    db.session.add(registration)
    db.session.commit()
    return registration


def edit(db, fair: Fair, **changes) -> None:
    """The organizer's edit of the fair (the console's service), with `changes`."""
    data = organizers.FairData(
        slug=fair.slug,
        name_ru=fair.name_ru,
        name_en=fair.name_en,
        description_ru=fair.description_ru,
        description_en=fair.description_en,
        kind=fair.kind,
        starts_on=fair.starts_on,
        ends_on=fair.ends_on,
        venue_id=fair.venue_id,
        sector_codes=[s.code for s in fair.sectors],
        registration_opens_on=fair.registration_opens_on,
        registration_deadline=fair.registration_deadline,
        capacity=fair.capacity,
        capacity_unit=fair.capacity_unit,
        stand_area_min=fair.stand_area_min,
        stand_area_max=fair.stand_area_max,
        website=fair.website,
    )
    data = organizers.FairData(**{**asdict(data), **changes})
    staff = db.session.get(Fair, fair.id).organizer_id
    actor = _staff(db, staff)
    organizers.update_fair(fair, data, actor=actor, seen_revision=fair.revision)
    db.session.commit()


def _staff(db, organizer_id: int):
    from tests.factories import Factories

    return Factories(db.session).user(role=Role.STAFF, organizer_id=organizer_id, company=None)


@pytest.fixture
def watched(db, make_fair, member):
    """A followed fair with a long Cyrillic name and a programme item."""
    fair = make_fair(slug="belagro", name_ru=LONG_NAME, name_en="Belagro", programme=1)
    following.follow(member.company, fair, by=member)
    db.session.commit()
    return fair


def test_followed_fairs_are_in_the_feed_and_an_applied_one_only_once(
    app, client, db, member, watched, make_fair
):
    applied = make_fair(slug="applied")
    following.follow(member.company, applied)
    apply(db, applied, member.company_id)
    elsewhere = make_fair(slug="elsewhere")  # neither followed nor applied to
    body = app.test_client().get(feed_path(client)).data
    first, _second = both(body)
    company = member.company_id
    fairs = sorted(uid for uid in first if uid.startswith("fair-"))
    assert fairs == sorted(
        [
            f"fair-{watched.id}.c{company}-followed@127.0.0.1",
            f"fair-{applied.id}.c{company}-visitor@127.0.0.1",
        ]
    )
    deadlines = sorted(uid for uid in first if uid.startswith("deadline-"))
    assert deadlines == sorted(
        [
            f"deadline-{watched.id}.c{company}@127.0.0.1",
            f"deadline-{applied.id}.c{company}@127.0.0.1",
        ]
    )
    assert b"/fairs/elsewhere" not in body
    assert elsewhere.slug not in str(first)
    followed = first[f"fair-{watched.id}.c{company}-followed@127.0.0.1"]
    assert "[" not in str(followed["SUMMARY"])  # no application, no status


@pytest.mark.parametrize(
    ("lang", "words"),
    [("ru", f"Последний день регистрации: {LONG_NAME}"), ("en", "Registration closes: Belagro")],
)
def test_the_deadline_is_an_all_day_event_both_parsers_read(
    app, client, member, watched, lang, words
):
    path = f"{feed_path(client)}?lang={lang}"
    body = app.test_client().get(path).data
    first, second = both(body)
    uid = f"deadline-{watched.id}.c{member.company_id}@127.0.0.1"
    event, other = first[uid], second[uid]
    assert str(event["SUMMARY"]) == other.summary.value == words
    assert event["DTSTART"].params["VALUE"] == "DATE"
    assert event.decoded("DTSTART") == other.dtstart.value == watched.registration_deadline
    assert (
        event.decoded("DTEND") == other.dtend.value == watched.registration_deadline + timedelta(1)
    )
    assert int(event["SEQUENCE"]) == int(other.sequence.value) == 0
    assert event["STATUS"] == "CONFIRMED"
    assert event["DTSTAMP"].dt == event["LAST-MODIFIED"].dt
    assert str(event["URL"]) == "http://127.0.0.1:5000/fairs/belagro"
    assert "http://127.0.0.1:5000/fairs/belagro/register/exhibitor" in str(event["DESCRIPTION"])
    assert "VALARM" not in body.decode()  # alarms are off by default
    assert uid != f"fair-{watched.id}.c{member.company_id}-followed@127.0.0.1"


def test_cyrillic_deadline_lines_are_folded_at_75_octets(app, client, watched):
    body = app.test_client().get(feed_path(client)).data
    for line in body.split(b"\r\n"):
        assert len(line) <= 75
        line.decode("utf-8")  # never split inside a character
    summaries = [str(e["SUMMARY"]) for e in both(body)[0].values()]
    assert f"Последний день регистрации: {LONG_NAME}" in summaries


def test_a_moved_deadline_has_the_new_date_and_a_higher_sequence_and_nothing_else_changes(
    app, client, db, member, watched, make_fair
):
    other = make_fair(slug="other", programme=1)
    following.follow(member.company, other)
    db.session.commit()
    path = feed_path(client)
    feed = app.test_client()
    before = feed.get(path)
    uid = f"deadline-{watched.id}.c{member.company_id}@127.0.0.1"
    # An edit that does not move the deadline leaves its SEQUENCE alone.
    edit(db, watched, website="https://belagro.by")
    assert watched.deadline_revision == 0
    new_date = watched.registration_deadline - timedelta(days=3)
    edit(db, watched, registration_deadline=new_date)
    after = feed.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    first, second = both(after.data)
    assert first[uid].decoded("DTSTART") == second[uid].dtstart.value == new_date
    assert int(first[uid]["SEQUENCE"]) == int(second[uid].sequence.value) == 1
    # The other fair's events are the same bytes.
    old, new = blocks(before.data), blocks(after.data)
    others = [
        u for u in old if f"-{other.id}." in u or u.startswith(f"event-{other.programme[0].id}.")
    ]
    assert len(others) == 3
    for key in others:
        assert new[key] == old[key]
    # Setting the same date again is no move.
    edit(db, watched, registration_deadline=new_date, website=None)
    again = both(feed.get(path).data)[0]
    assert int(again[uid]["SEQUENCE"]) == 1


def test_a_cancelled_fair_cancels_its_deadline(app, client, db, member, watched):
    path = feed_path(client)
    uid = f"deadline-{watched.id}.c{member.company_id}@127.0.0.1"
    before = both(app.test_client().get(path).data)[0][uid]
    organizers.cancel_fair(
        watched,
        actor=_staff(db, watched.organizer_id),
        reason_ru="Площадка закрыта",
        reason_en=None,
    )
    db.session.commit()
    first, second = both(app.test_client().get(path).data)
    assert first[uid]["STATUS"] == second[uid].status.value == "CANCELLED"
    assert int(first[uid]["SEQUENCE"]) == int(before["SEQUENCE"]) + 1
    assert "Площадка закрыта" in str(first[uid]["DESCRIPTION"])


def test_unfollowing_removes_the_fair_and_its_deadline(app, client, db, member, watched, caching):
    path = feed_path(client)
    feed = app.test_client()
    before = feed.get(path)
    assert f"deadline-{watched.id}.c{member.company_id}@127.0.0.1" in both(before.data)[0]
    following.unfollow(member.company, watched)
    db.session.commit()
    # Even with the validators cached: the unfollow replaced their generation.
    after = feed.get(path, headers={"If-None-Match": before.headers["ETag"]})
    assert after.status_code == 200
    assert both(after.data)[0] == {}
    following.follow(member.company, watched)
    db.session.commit()
    again = feed.get(path, headers={"If-None-Match": after.headers["ETag"]})
    assert again.status_code == 200
    assert len(both(again.data)[0]) == 3  # the fair, its deadline and its programme item


def test_a_company_never_sees_another_companys_followed_fairs(
    app, client, db, member, watched, make_fair, make_user, login_as
):
    theirs = make_fair(slug="theirs")
    rival = make_user()
    following.follow(rival.company, theirs, by=rival)
    db.session.commit()
    mine = app.test_client().get(feed_path(client)).data
    assert b"/fairs/theirs" not in mine
    assert f"-{theirs.id}.".encode() not in mine
    login_as(rival)
    their_feed = app.test_client().get(feed_path(client)).data
    assert b"/fairs/belagro" not in their_feed
    assert b"/fairs/theirs" in their_feed


def test_the_company_chooses_deadlines_and_programme_items(app, client, db, member, watched):
    path = feed_path(client)
    feed = app.test_client()
    page = client.get("/my/fairs").get_data(as_text=True)
    assert re.search(r'<input checked id="feed-deadlines" name="feed-deadlines"', page)
    assert re.search(r'<input checked id="feed-programme" name="feed-programme"', page)
    full = feed.get(path)
    assert {uid.split("-")[0] for uid in both(full.data)[0]} == {"fair", "deadline", "event"}
    response = client.post("/my/calendar/options", data={"feed-programme": "y"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/my/fairs#calendar")
    lean = feed.get(path, headers={"If-None-Match": full.headers["ETag"]})
    assert lean.status_code == 200
    assert {uid.split("-")[0] for uid in both(lean.data)[0]} == {"fair", "event"}
    client.post("/my/calendar/options", data={"feed-deadlines": "y"})
    bare = feed.get(path, headers={"If-None-Match": lean.headers["ETag"]})
    assert {uid.split("-")[0] for uid in both(bare.data)[0]} == {"fair", "deadline"}
    assert b"BEGIN:VTIMEZONE" not in bare.data  # no timed events left
    page = client.get("/my/fairs").get_data(as_text=True)
    assert re.search(r'<input checked id="feed-deadlines"', page)
    assert re.search(r'<input id="feed-programme"', page)
    # A new address keeps the choice.
    client.post("/my/calendar/regenerate")
    token = db.session.scalar(select(CalendarToken).where(CalendarToken.revoked_at.is_(None)))
    assert (token.include_deadlines, token.include_programme) == (True, False)


def test_feed_options_need_a_company(client, make_user, login_as):
    login_as(make_user(role=Role.ADMIN, company=None))
    assert client.post("/my/calendar/options", data={"feed-deadlines": "y"}).status_code == 403


def test_alarms_are_off_by_default_and_the_profile_turns_them_on(client, db, member):
    assert member.company.calendar_alarms is False
    page = client.get("/company").get_data(as_text=True)
    assert re.search(r'<input id="calendar_alarms" name="calendar_alarms" type="checkbox"', page)
    company = member.company
    form = {
        "country": company.country.value,
        "region": company.region,
        "legal_name": company.legal_name,
        "tax_id": company.tax_id,
        "contact_person": company.contact_person,
        "phone": company.phone,
        "email": company.email,
        "language": "ru",
        "calendar_alarms": "y",
    }
    response = client.post("/company", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(company)
    assert company.calendar_alarms is True


def alarms_of(event) -> list[str]:
    return [str(a.decoded("TRIGGER")) for a in event.walk("VALARM")]


def test_alarms_in_the_feed_and_the_signed_in_download_never_in_public_ones(
    app, client, db, member, watched
):
    member.company.calendar_alarms = True
    db.session.commit()
    company = member.company_id
    body = app.test_client().get(feed_path(client)).data
    first, second = both(body)
    deadline = first[f"deadline-{watched.id}.c{company}@127.0.0.1"]
    assert [a.decoded("TRIGGER") for a in deadline.walk("VALARM")] == [
        -timedelta(days=7),
        -timedelta(days=1),
    ]
    assert all(a["ACTION"] == "DISPLAY" for a in deadline.walk("VALARM"))
    assert "Последний день регистрации" in str(deadline.walk("VALARM")[0]["DESCRIPTION"])
    other = second[f"deadline-{watched.id}.c{company}@127.0.0.1"]
    assert [a.trigger.value for a in other.valarm_list] == [-timedelta(days=7), -timedelta(1)]
    opening = first[f"fair-{watched.id}.c{company}-followed@127.0.0.1"]
    assert [a.decoded("TRIGGER") for a in opening.walk("VALARM")] == [-timedelta(days=1)]
    items = [e for uid, e in first.items() if uid.startswith("event-")]
    assert items
    assert all(not e.walk("VALARM") for e in items)
    # The member's download of the fair: alarms and the deadline they remind of.
    download = client.get("/fairs/belagro.ics")
    assert download.headers["Cache-Control"].startswith("private")
    mine = both(download.data)[0]
    assert len(mine[f"deadline-{watched.id}@127.0.0.1"].walk("VALARM")) == 2
    assert len(mine[f"fair-{watched.id}@127.0.0.1"].walk("VALARM")) == 1
    # Nobody else's calendars carry them.
    anonymous = app.test_client()
    for path in (
        "/fairs/belagro.ics",
        "/calendar.ics",
        "/calendar.ics?detail=programme",
        f"/fairs/belagro/events/{watched.programme[0].id}.ics",
    ):
        public = anonymous.get(path).data
        assert b"BEGIN:VEVENT" in public
        assert b"VALARM" not in public
        assert b"deadline-" not in public
    for path in ("/calendar.ics", "/calendar.ics?detail=programme"):
        assert b"VALARM" not in client.get(path).data  # the signed-in member's public feed too


def test_fair_calendar_for_a_company(app, db, member, watched, make_fair, factories):
    with app.test_request_context():
        followed = both(private.fair_calendar_for(member.company, watched, "en"))[0]
        assert set(followed) == {
            f"fair-{watched.id}.c{member.company_id}-followed@127.0.0.1",
            f"deadline-{watched.id}.c{member.company_id}@127.0.0.1",
            f"event-{watched.programme[0].id}.c{member.company_id}-followed@127.0.0.1",
        }
        stranger = make_fair(slug="stranger")
        unrelated = both(private.fair_calendar_for(member.company, stranger, "ru"))[0]
        assert set(unrelated) == {
            f"fair-{stranger.id}@127.0.0.1",
            f"deadline-{stranger.id}@127.0.0.1",
        }
        assert all(not e.walk("VALARM") for e in unrelated.values())


def test_the_mail_attachment_carries_the_alarms(
    app,
    client,
    db,
    member,
    smtp,  # noqa: F811 - the fixture imported above
    make_fair,
    make_user,
    login_as,
):
    inbox, config = smtp
    fair = make_fair(slug="belagro", name_ru="Белагро", starts_on=minsk_today() + timedelta(40))
    member.company.calendar_alarms = True
    db.session.commit()
    client.post("/fairs/belagro/register/exhibitor", data={"stand_type": "indoor", "area": "12"})
    registration = db.session.scalar(select(Registration))
    login_as(make_user(role=Role.STAFF, organizer_id=fair.organizer_id))
    client.post(
        f"/organizer/registrations/{registration.id}/decide",
        data={"action": "approve", "version": registration.version},
    )
    run_once(Mailer({**app.config, **config}, app.instance_path))
    approved = inbox.messages[-1]
    (part,) = [p for p in approved.iter_attachments() if p.get_content_type() == "text/calendar"]
    first, second = both(part.get_content().encode())
    company = member.company_id
    deadline = f"deadline-{fair.id}.c{company}@127.0.0.1"
    entry = f"fair-{fair.id}.c{company}-exhibitor@127.0.0.1"
    assert [a.decoded("TRIGGER") for a in first[deadline].walk("VALARM")] == [
        -timedelta(days=7),
        -timedelta(days=1),
    ]
    assert [a.trigger.value for a in second[entry].valarm_list] == [-timedelta(days=1)]


def test_building_the_private_feed_does_not_grow_with_it(
    app, client, db, member, make_fair, count_queries
):
    def add(n: int) -> None:
        for i in range(n):
            followed = make_fair(programme=2, sectors=["a", "b"], city=f"c{n}-{i}")
            applied = make_fair(programme=1, city=f"d{n}-{i}")
            following.follow(member.company, followed)
            following.follow(member.company, applied)
            apply(db, applied, member.company_id)

    path = feed_path(client)
    feed = app.test_client()
    add(1)
    db.session.expire_all()
    with count_queries() as small:
        assert feed.get(path).data.count(b"BEGIN:VEVENT") == 2 * 2 + 2 + 1
    add(5)
    db.session.expire_all()
    with count_queries() as big:
        assert feed.get(path).data.count(b"BEGIN:VEVENT") == 6 * 7
    assert small.count == big.count
