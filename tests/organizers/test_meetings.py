"""B2B meetings in the organizer console: settings and tables, the grid, requests, agendas,
numbers, exports and the organizer's changes — with access checked on every route."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from fairplanner.accounts.models import Country, Role
from fairplanner.extensions import db
from fairplanner.meetings import services
from fairplanner.meetings.models import (
    FollowUp,
    Meeting,
    MeetingState,
    MeetingTable,
    Outcome,
    Programme,
)
from fairplanner.organizers.models import FairChange
from tests.meetings.conftest import make_b2b

# The console pages and their access checks read and write through the meetings services,
# whose rules run on PostgreSQL in tests/meetings (services, races, scheduling, feeds).
pytestmark = pytest.mark.sqlite_only

EN = {"Accept-Language": "en"}


@pytest.fixture
def site(factories):
    """A programme with a Belarusian and a Russian participant meeting at 10:00 at table 1, a
    third participant, and another organizer's staff."""
    b2b = make_b2b(factories)
    wood = factories.sector("forestry", name_ru="Лесная промышленность", name_en="Forestry")
    by, by_user = b2b.company(country=Country.BELARUS, legal_name="ОАО «Гомельдрев»")
    ru, ru_user = b2b.company(country=Country.RUSSIA, legal_name="ООО «Вятка-Лес»")
    a = b2b.join(by, user=by_user, offer_sector_ids=[wood.id])
    b = b2b.join(ru, user=ru_user)
    c, d = b2b.join(), b2b.join()
    meeting = services.request_meeting(a, b, message="Hello", slots=[b2b.slots[0]], actor=by_user)
    services.accept(meeting, b, slot=b2b.slots[0], actor=ru_user)
    other = factories.organizer("other-expo", name_ru="Другой", name_en="Other")
    db.session.commit()
    return {
        "b2b": b2b,
        "fair": b2b.fair,
        "staff": b2b.staff,
        "a": a,
        "b": b,
        "c": c,
        "d": d,
        "meeting": meeting,
        "member": by_user,
        "foreign_staff": factories.user(role=Role.STAFF, organizer_id=other.id),
    }


def url(site, path: str) -> str:
    return "/organizer/fairs/" + path.format(
        fair=site["fair"].slug, meeting=site["meeting"].id, participant=site["a"].id
    )


ROUTES = [
    ("get", "{fair}/meetings"),
    ("get", "{fair}/meetings/settings"),
    ("post", "{fair}/meetings/settings"),
    ("post", "{fair}/meetings/tables"),
    ("get", "{fair}/meetings/requests"),
    ("get", "{fair}/meetings/companies"),
    ("get", "{fair}/meetings/companies/{participant}"),
    ("get", "{fair}/meetings/numbers"),
    ("get", "{fair}/meetings.xlsx"),
    ("get", "{fair}/meetings/print/tables"),
    ("get", "{fair}/meetings/print/agendas"),
    ("get", "{fair}/meetings/new"),
    ("post", "{fair}/meetings/new"),
    ("get", "{fair}/meetings/{meeting}"),
    ("post", "{fair}/meetings/{meeting}/move"),
    ("post", "{fair}/meetings/{meeting}/cancel"),
    ("post", "{fair}/meetings/{meeting}/outcome"),
    ("post", "{fair}/meetings/schedule"),
    ("post", "{fair}/meetings/schedule/apply"),
]
# What a post would change, had it been let through.
POST_DATA = {"confirmed": "1", "reason": "x", "outcome": "no-show", "tables": "X", "open": ""}


def unchanged(site) -> None:
    db.session.expire_all()
    meeting = db.session.get(Meeting, site["meeting"].id)
    assert meeting.state == MeetingState.SCHEDULED
    assert meeting.outcome is None
    assert db.session.scalar(select(func.count()).select_from(FairChange)) == 0
    assert [t.name for t in db.session.scalars(select(MeetingTable))] == ["Стол 1", "Стол 2"]


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_anonymous_users_are_sent_to_login(client, site, method, path):
    response = getattr(client, method)(url(site, path), data=POST_DATA)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
    unchanged(site)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_company_members_get_403(client, site, login_as, method, path):
    login_as(site["member"])
    assert getattr(client, method)(url(site, path), data=POST_DATA).status_code == 403
    unchanged(site)


@pytest.mark.parametrize(("method", "path"), ROUTES)
def test_another_organizers_staff_get_404(client, site, login_as, method, path):
    login_as(site["foreign_staff"])
    assert getattr(client, method)(url(site, path), data=POST_DATA).status_code == 404
    unchanged(site)


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r[0] == "get"])
def test_the_fairs_staff_see_every_page(client, site, login_as, method, path):
    login_as(site["staff"])
    assert client.get(url(site, path), headers=EN).status_code == 200


def test_a_meeting_of_another_fair_is_a_404(client, site, factories, login_as):
    other = make_b2b(factories)  # the same organizer, another fair
    x, y = other.join(), other.join()
    foreign = services.create_meeting(other.fair, x, y, starts_at=None, actor=other.staff)
    db.session.commit()
    login_as(site["staff"])
    base = f"/organizer/fairs/{site['fair'].slug}/meetings"
    assert client.get(f"{base}/{foreign.id}").status_code == 404
    assert client.post(f"{base}/{foreign.id}/cancel", data=POST_DATA).status_code == 404
    assert client.get(f"{base}/companies/{x.id}").status_code == 404
    assert db.session.get(Meeting, foreign.id).state == MeetingState.ACCEPTED


def test_a_fair_without_programme_offers_to_set_it_up(client, factories, login_as):
    fair = factories.fair()
    staff = factories.user(role=Role.STAFF, organizer_id=fair.organizer_id)
    login_as(staff)
    html = client.get(f"/organizer/fairs/{fair.slug}/meetings", headers=EN).get_data(as_text=True)
    assert "Set up the B2B programme" in html
    assert client.get(f"/organizer/fairs/{fair.slug}/meetings/numbers").status_code == 404
    assert client.get(f"/organizer/fairs/{fair.slug}/meetings/settings").status_code == 200


# --- settings and tables ----------------------------------------------------------------------


def settings_form(fair, **changes) -> dict:
    data = {
        "days": [fair.starts_on.isoformat(), fair.ends_on.isoformat()],
        "day_starts": "10:00",
        "day_ends": "13:00",
        "breaks-0-starts": "11:00",
        "breaks-0-ends": "11:30",
        "slot_minutes": "20",
        "deadline_date": fair.starts_on.isoformat(),
        "deadline_time": "09:00",
        "max_meetings": "8",
        "max_pending": "15",
        "requests_per_hour": "6",
        "audience": "exhibitors",
        "scheduling": "organizer",
        "open": "y",
    }
    data.update(changes)
    return data


def test_the_organizer_enables_a_programme(client, factories, login_as):
    fair = factories.fair(days=3)
    login_as(factories.user(role=Role.STAFF, organizer_id=fair.organizer_id))
    path = f"/organizer/fairs/{fair.slug}/meetings/settings"
    response = client.post(path, data=settings_form(fair))
    assert response.status_code == 302
    programme = db.session.scalars(select(Programme)).one()
    assert programme.days == [fair.starts_on.isoformat(), fair.ends_on.isoformat()]
    assert programme.slot_minutes == 20
    assert programme.breaks == [["11:00", "11:30"]]
    assert programme.max_meetings == 8
    assert programme.scheduling.value == "organizer"
    # 09:00 Minsk is 06:00 UTC.
    assert programme.request_deadline.hour == 6
    # 10:00–11:00 in three 20-minute slots, then 11:30–13:00 in four more.
    times = [s.strftime("%H:%M") for s in programme.slots_of(fair.starts_on)]
    assert times == ["07:00", "07:20", "07:40", "08:30", "08:50", "09:10", "09:30"]
    log = db.session.scalars(select(FairChange)).one()
    assert log.action == "meeting programme"
    html = client.get(path, headers=EN).get_data(as_text=True)
    assert 'value="13:00"' in html
    history = client.get(f"/organizer/fairs/{fair.slug}/log", headers=EN).get_data(as_text=True)
    assert "B2B programme created" in history


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"day_ends": "09:00"}, "The meeting day must end after it starts."),
        ({"breaks-1-starts": "12:00"}, "Give both the start and the end of a break."),
        ({"breaks-1-starts": "16:00", "breaks-1-ends": "17:00"}, "within the meeting day"),
        ({"slot_minutes": "33"}, "Please correct the marked fields."),
        ({"days": ["2001-01-01"]}, "Please correct the marked fields."),
        ({"days": []}, "Choose at least one meeting day."),
        ({"max_meetings": "0"}, "Please correct the marked fields."),
        ({"max_meetings": "many"}, "Please correct the marked fields."),
        ({"deadline_date": "2099-01-01"}, "before the last meeting day ends"),
        ({"day_starts": "25:99"}, "Please correct the marked fields."),
    ],
)
def test_bad_settings_are_refused_and_nothing_is_saved(
    client, factories, login_as, changes, message
):
    fair = factories.fair(days=2)
    login_as(factories.user(role=Role.STAFF, organizer_id=fair.organizer_id))
    response = client.post(
        f"/organizer/fairs/{fair.slug}/meetings/settings",
        data=settings_form(fair, **changes),
        headers=EN,
    )
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Programme)) == 0
    assert db.session.scalar(select(func.count()).select_from(FairChange)) == 0


def test_settings_that_strand_a_scheduled_meeting_are_refused(client, site, login_as):
    login_as(site["staff"])
    fair = site["fair"]
    # The meeting is at 10:00 on the first day: leaving that day out would strand it.
    response = client.post(
        f"/organizer/fairs/{fair.slug}/meetings/settings",
        data=settings_form(fair, days=[fair.ends_on.isoformat()], day_ends="12:00"),
        headers=EN,
    )
    assert response.status_code == 422
    assert "would lose their slot" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.scalars(select(Programme)).one().days[0] == fair.starts_on.isoformat()


def test_the_tables_editor(client, site, login_as):
    login_as(site["staff"])
    path = url(site, "{fair}/meetings/tables")
    text = "Стол 1; Павильон 1\nСтол 2; Павильон 1\n\nСтол 3; Павильон 2\nПереговорная"
    assert client.post(path, data={"tables": text}).status_code == 302
    tables = db.session.scalars(select(MeetingTable).order_by(MeetingTable.position)).all()
    assert [t.place for t in tables] == [
        "Стол 1, Павильон 1",
        "Стол 2, Павильон 1",
        "Стол 3, Павильон 2",
        "Переговорная",
    ]
    settings = client.get(url(site, "{fair}/meetings/settings")).get_data(as_text=True)
    assert "Стол 3; Павильон 2" in settings
    assert db.session.scalars(select(FairChange)).one().action == "meeting tables"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Стол 1\nстол 1", "Two tables have the same name."),
        ("Стол 2", "The table Стол 1 holds scheduled meetings: move them first."),
        ("; Павильон 1", "Every table needs a name."),
        ("Стол 1; " + "П" * 61, "at most 60 characters"),
    ],
)
def test_bad_tables_are_refused_and_nothing_is_saved(client, site, login_as, text, message):
    login_as(site["staff"])
    response = client.post(url(site, "{fair}/meetings/tables"), data={"tables": text}, headers=EN)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    unchanged(site)


# --- the grid, requests, agendas ----------------------------------------------------------------


def test_the_grid_shows_the_meeting_in_its_cell(client, site, login_as):
    login_as(site["staff"])
    html = client.get(url(site, "{fair}/meetings"), headers=EN).get_data(as_text=True)
    assert "Гомельдрев" in html
    assert "Вятка-Лес" in html
    assert f'/meetings/{site["meeting"].id}"' in html
    assert ">10:00</time>" in html
    assert ">11:30</time>" in html
    assert ">11:00</time>" not in html  # the break
    assert 'role="region"' in html  # the grid scrolls in a labelled region on a phone
    # Three slots × two tables on the first day, one taken: each free cell books a meeting.
    assert html.count('class="book"') == 5
    assert "Free: book a meeting at 10:30, Стол 1" in html
    assert "Стол 1" in html
    assert "Стол 2" in html
    second = site["fair"].ends_on.isoformat()
    other_day = client.get(url(site, "{fair}/meetings") + f"?day={second}", headers=EN)
    assert "Гомельдрев" not in other_day.get_data(as_text=True)
    for bad in ("nonsense", "2001-01-01", "9" * 40):
        assert client.get(url(site, "{fair}/meetings") + f"?day={bad}").status_code == 200


def test_the_grid_takes_as_many_queries_with_many_meetings(client, site, login_as, count_queries):
    login_as(site["staff"])
    path = url(site, "{fair}/meetings")
    client.get(path)
    with count_queries() as few:
        assert client.get(path).status_code == 200
    b2b = site["b2b"]
    extra = [b2b.join() for _ in range(6)]
    for i, (x, y) in enumerate(zip(extra[::2], extra[1::2], strict=True)):
        services.create_meeting(
            b2b.fair, x, y, starts_at=b2b.slots[i], table=b2b.tables[1], actor=b2b.staff
        )
    db.session.commit()
    with count_queries() as many:
        html = client.get(path).get_data(as_text=True)
    assert html.count('class="taken') == 4
    assert many.count == few.count


def test_requests_by_state_with_counts(client, site, login_as):
    b2b = site["b2b"]
    services.request_meeting(
        site["c"], site["a"], message=None, slots=[b2b.slots[1]], actor=b2b.member(site["c"])
    )
    db.session.commit()
    login_as(site["staff"])
    html = client.get(url(site, "{fair}/meetings/requests"), headers=EN).get_data(as_text=True)
    assert "Requested: 1" in html
    assert "Вятка-Экспорт" in html
    assert "Гомельдрев" in html
    scheduled = client.get(url(site, "{fair}/meetings/requests?state=scheduled"), headers=EN)
    assert "Scheduled: 1" in scheduled.get_data(as_text=True)
    assert client.get(url(site, "{fair}/meetings/requests?state=bogus")).status_code == 200


def test_a_companys_agenda(client, site, login_as):
    login_as(site["staff"])
    html = client.get(url(site, "{fair}/meetings/companies/{participant}"), headers=EN).get_data(
        as_text=True
    )
    assert "Вятка-Лес" in html  # the partner
    assert "Стол 1, Павильон 1" in html
    assert "10:00</time>" in html
    companies = client.get(url(site, "{fair}/meetings/companies"), headers=EN)
    assert "1 / 5" in companies.get_data(as_text=True)


# --- numbers and exports ----------------------------------------------------------------------


def test_the_numbers(client, site, login_as):
    meeting = site["meeting"]
    services.mark_outcome(meeting, Outcome.HELD, actor=site["staff"])
    meeting.requester_follow_up = FollowUp.CONTRACT
    b2b = site["b2b"]
    services.create_meeting(b2b.fair, site["c"], site["d"], starts_at=None, actor=b2b.staff)
    db.session.commit()
    login_as(site["staff"])
    html = client.get(url(site, "{fair}/meetings/numbers"), headers=EN).get_data(as_text=True)
    assert "Belarus — Russia" in html
    assert "Forestry" in html
    numbers = dict(
        (dt.split("</dt>")[0], dt.split("<dd>")[1].split("</dd>")[0])
        for dt in html.split("<dt>")[1:]
    )
    assert numbers["Participants"] == "4"
    assert numbers["Requests sent"] == "1"  # the organizer's booking is no request
    assert numbers["Accepted"] == "2"
    assert numbers["Scheduled"] == "1"
    assert numbers["Held"] == "1"
    assert numbers["No-shows"] == "0"
    assert numbers["Led to a contract"] == "1"


def test_the_xlsx_has_every_meeting_and_a_sheet_per_table(client, site, login_as):
    login_as(site["staff"])
    response = client.get(url(site, "{fair}/meetings.xlsx"), headers=EN)
    assert response.status_code == 200
    book = load_workbook(BytesIO(response.data))
    assert book.sheetnames == ["Meetings", "Стол 1", "Стол 2"]
    rows = list(book["Meetings"].values)
    assert rows[0][:5] == ("Day", "Time", "Table", "Hall", "Company")
    assert rows[1][1:5] == ("10:00", "Стол 1", "Павильон 1", "ОАО «Гомельдрев»")
    assert rows[1][5] == "Belarus"
    assert rows[1][8] == "Scheduled"
    assert len(list(book["Стол 1"].values)) == 2
    assert len(list(book["Стол 2"].values)) == 1


def test_the_print_views_give_a_page_per_table_and_per_company(client, site, login_as):
    login_as(site["staff"])
    tables = client.get(url(site, "{fair}/meetings/print/tables"), headers=EN)
    html = tables.get_data(as_text=True)
    assert html.count('class="sheet"') == 2
    assert "meetings-print.css" in html
    assert "Гомельдрев" in html
    agendas = client.get(url(site, "{fair}/meetings/print/agendas"), headers=EN)
    assert agendas.get_data(as_text=True).count('class="sheet"') == 4


# --- the organizer's changes ------------------------------------------------------------------


def test_the_organizer_books_a_meeting_with_a_time_and_table(client, site, login_as):
    b2b = site["b2b"]
    login_as(site["staff"])
    response = client.post(
        url(site, "{fair}/meetings/new"),
        data={
            "first": str(site["c"].id),
            "second": str(site["a"].id),
            "slot": b2b.slots[1].isoformat(),
            "table": str(b2b.tables[1].id),
        },
    )
    assert response.status_code == 302
    made = db.session.scalars(select(Meeting).where(Meeting.requester_id == site["c"].id)).one()
    assert made.state == MeetingState.SCHEDULED
    assert made.starts_at == b2b.slots[1]
    assert made.table_id == b2b.tables[1].id
    log = db.session.scalars(select(FairChange)).one()
    assert log.action == "meeting created"
    history = client.get(url(site, "{fair}/log"), headers=EN).get_data(as_text=True)
    assert "B2B meeting" in history
    assert "booked" in history


def test_a_free_cell_opens_the_booking_form_with_its_time_and_table(client, site, login_as):
    b2b = site["b2b"]
    login_as(site["staff"])
    slot, table = b2b.slots[1], b2b.tables[0]
    html = client.get(
        url(site, "{fair}/meetings/new"), query_string={"slot": slot.isoformat(), "table": table.id}
    ).get_data(as_text=True)
    assert f'<option selected value="{slot.isoformat()}">' in html
    assert f'<option selected value="{table.id}">' in html


def test_the_organizer_books_a_meeting_without_a_time(client, site, login_as):
    login_as(site["staff"])
    data = {"first": str(site["c"].id), "second": str(site["b"].id), "slot": "", "table": ""}
    assert client.post(url(site, "{fair}/meetings/new"), data=data).status_code == 302
    made = db.session.scalars(select(Meeting).where(Meeting.requester_id == site["c"].id)).one()
    assert made.state == MeetingState.ACCEPTED


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"slot": "2030-01-01T07:00:00+00:00"}, 422, "Please correct the marked fields."),
        ({"slot": "nonsense"}, 422, "Please correct the marked fields."),
        ({"table": "999999"}, 422, "Please correct the marked fields."),
        ({"second": "999999"}, 422, "Please correct the marked fields."),
        ({"second": "{c}"}, 422, "Choose two different companies."),
        ({"second": "{a}"}, 422, "There is already a request or a meeting"),
        ({"second": "{d}", "table": "{table1}"}, 409, "This table is taken at this time."),
        ({"first": "{b}", "second": "{c}", "table": ""}, 409, "already has a meeting"),
    ],
)
def test_a_bad_booking_is_refused_and_nothing_is_saved(
    client, site, login_as, change, status, message
):
    b2b = site["b2b"]
    login_as(site["staff"])
    ids = {
        "a": site["a"].id,
        "b": site["b"].id,
        "c": site["c"].id,
        "d": site["d"].id,
        "table1": b2b.tables[0].id,
    }
    data = {
        "first": str(site["c"].id),
        "second": str(site["a"].id) if "second" not in change else "",
        "slot": b2b.slots[0].isoformat(),
        "table": str(b2b.tables[1].id),
    }
    if change.get("second") == "{a}":
        data["first"] = str(site["b"].id)
    data.update({key: value.format(**ids) for key, value in change.items()})
    response = client.post(url(site, "{fair}/meetings/new"), data=data, headers=EN)
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Meeting)) == 1
    unchanged(site)


def test_the_organizer_moves_a_meeting(client, site, login_as):
    b2b = site["b2b"]
    meeting = site["meeting"]
    login_as(site["staff"])
    response = client.post(
        url(site, "{fair}/meetings/{meeting}/move"),
        data={"slot": b2b.slots[3].isoformat(), "table": str(b2b.tables[1].id)},
    )
    assert response.status_code == 302
    db.session.expire_all()
    moved = db.session.get(Meeting, meeting.id)
    assert moved.starts_at == b2b.slots[3]
    assert moved.table_id == b2b.tables[1].id
    assert moved.sequence == 2
    assert db.session.scalars(select(FairChange)).one().action == "meeting moved"
    history = client.get(url(site, "{fair}/log"), headers=EN).get_data(as_text=True)
    assert "moved" in history
    assert "Стол 2, Павильон 1" in history


def test_moving_onto_a_taken_table_is_refused(client, site, login_as):
    b2b = site["b2b"]
    other = services.create_meeting(
        b2b.fair,
        site["c"],
        b2b.join(),
        starts_at=b2b.slots[1],
        table=b2b.tables[0],
        actor=b2b.staff,
    )
    db.session.commit()
    login_as(site["staff"])
    for data, status, message in [
        ({"slot": b2b.slots[1].isoformat(), "table": str(b2b.tables[0].id)}, 409, "taken"),
        ({"slot": "bogus", "table": ""}, 422, "Please correct"),
        ({"slot": "", "table": ""}, 422, "Please correct"),
    ]:
        response = client.post(url(site, "{fair}/meetings/{meeting}/move"), data=data, headers=EN)
        assert response.status_code == status
        assert message in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Meeting, site["meeting"].id).starts_at == b2b.slots[0]
    assert db.session.get(Meeting, other.id).starts_at == b2b.slots[1]
    assert db.session.scalar(select(func.count()).select_from(FairChange)) == 0


def test_cancelling_asks_first_then_cancels_with_the_reason(client, site, login_as):
    login_as(site["staff"])
    path = url(site, "{fair}/meetings/{meeting}/cancel")
    asked = client.post(path, data={"reason": "Стол занят"}, headers=EN)
    assert asked.status_code == 200
    assert "Both companies are told" in asked.get_data(as_text=True)
    unchanged(site)
    done = client.post(path, data={"reason": "Стол занят", "confirmed": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    meeting = db.session.get(Meeting, site["meeting"].id)
    assert meeting.state == MeetingState.CANCELLED
    assert meeting.cancel_reason == "Стол занят"
    assert meeting.cancel_cause.value == "organizer"
    assert db.session.scalars(select(FairChange)).one().action == "meeting cancelled"
    again = client.post(path, data={"confirmed": "1"}, headers=EN)
    assert again.status_code == 422
    assert "no longer open" in again.get_data(as_text=True)


def test_marking_held_and_no_show(client, site, login_as):
    login_as(site["staff"])
    path = url(site, "{fair}/meetings/{meeting}/outcome")
    assert client.post(path, data={"outcome": "no-show"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, site["meeting"].id).outcome == Outcome.NO_SHOW
    assert client.post(path, data={"outcome": "bogus"}).status_code == 422
    assert db.session.get(Meeting, site["meeting"].id).outcome == Outcome.NO_SHOW
    history = client.get(url(site, "{fair}/log"), headers=EN).get_data(as_text=True)
    assert "no-show" in history


def test_an_unscheduled_meeting_cannot_be_marked(client, site, login_as):
    b2b = site["b2b"]
    waiting = services.create_meeting(
        b2b.fair, site["c"], b2b.join(), starts_at=None, actor=b2b.staff
    )
    db.session.commit()
    login_as(site["staff"])
    path = f"/organizer/fairs/{b2b.fair.slug}/meetings/{waiting.id}/outcome"
    response = client.post(path, data={"outcome": "held"}, headers=EN)
    assert response.status_code == 422
    assert "Only scheduled meetings can be marked." in response.get_data(as_text=True)
    assert db.session.get(Meeting, waiting.id).outcome is None


def test_posts_need_the_csrf_token(app, client, site, login_as, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    login_as(site["staff"])
    for path in (
        "{fair}/meetings/{meeting}/cancel",
        "{fair}/meetings/{meeting}/outcome",
        "{fair}/meetings/{meeting}/move",
        "{fair}/meetings/tables",
        "{fair}/meetings/new",
    ):
        response = client.post(url(site, path), data=POST_DATA)
        assert response.status_code == 400, path
    unchanged(site)


def test_meeting_days_are_a_fairs_days(site):
    from fairplanner.organizers.meeting_forms import fair_days

    fair = site["fair"]
    assert fair_days(fair) == [fair.starts_on, fair.starts_on + timedelta(days=1)]
    assert isinstance(fair_days(fair)[0], date)


# --- automatic scheduling ---------------------------------------------------------------------


@pytest.fixture
def waiting(factories):
    """An organizer-scheduled programme with three accepted meetings without a time, one of
    them between companies with no free time in common."""
    from fairplanner.meetings.models import Scheduling

    b2b = make_b2b(factories, scheduling=Scheduling.ORGANIZER)
    a, b, c, d = (b2b.join() for _ in range(4))
    services.update_profile(
        d, services.Profile(offers_ru="x", unavailable=b2b.slots), actor=b2b.member(d)
    )
    made = []
    for x, y in ((a, b), (c, a), (b, d)):
        meeting = services.request_meeting(x, y, message=None, actor=b2b.member(x))
        services.accept(meeting, y, slot=None, actor=b2b.member(y))
        made.append(meeting)
    db.session.commit()
    return b2b, made


def test_the_grid_offers_the_scheduler_while_meetings_wait(client, login_as, waiting):
    b2b, _made = waiting
    login_as(b2b.staff)
    page = client.get(f"/organizer/fairs/{b2b.fair.slug}/meetings", headers=EN).text
    assert "3 accepted meetings wait for a time and a table." in page
    assert "Run the scheduler" in page


def test_the_scheduler_previews_then_applies(client, login_as, waiting):
    import re

    b2b, made = waiting
    login_as(b2b.staff)
    base = f"/organizer/fairs/{b2b.fair.slug}/meetings"
    preview = client.post(f"{base}/schedule", headers=EN)
    assert preview.status_code == 200
    text = preview.text
    assert "2 of 3 accepted meetings can be placed." in text
    assert "No schedule could place more." in text
    assert "The two companies have no free time in common." in text
    # The preview wrote nothing.
    assert (
        db.session.scalar(
            select(func.count()).select_from(Meeting).where(Meeting.state == MeetingState.SCHEDULED)
        )
        == 0
    )
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', text)
    token = token or re.search(r'id="token" name="token" type="hidden" value="([^"]+)"', text)
    assert token is not None
    applied = client.post(f"{base}/schedule/apply", data={"token": token.group(1)}, headers=EN)
    assert applied.status_code == 302
    db.session.expire_all()
    states = [db.session.get(Meeting, m.id).state for m in made]
    assert states == [MeetingState.SCHEDULED, MeetingState.SCHEDULED, MeetingState.ACCEPTED]
    log = db.session.scalars(select(FairChange.action)).all()
    assert "meeting scheduler" in log
    assert "2 meetings scheduled" in client.get(base, headers=EN).text


def test_a_tampered_preview_changes_nothing(client, login_as, waiting):
    b2b, made = waiting
    login_as(b2b.staff)
    base = f"/organizer/fairs/{b2b.fair.slug}/meetings"
    response = client.post(f"{base}/schedule/apply", data={"token": "x.y"}, headers=EN)
    assert response.status_code == 302
    assert "The preview could not be read." in client.get(base, headers=EN).text
    db.session.expire_all()
    assert all(db.session.get(Meeting, m.id).state == MeetingState.ACCEPTED for m in made)
