"""The fair day's numbers for the console (organizers.ticket_numbers.fair_day): entries by day,
hour and role, people and companies that came, no-shows and refused scans, counted in SQL on
both databases in a fixed number of statements."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from fairplanner.i18n import MINSK, minsk_today
from fairplanner.organizers import ticket_numbers
from fairplanner.registrations.models import RegistrationRole
from fairplanner.tickets import services
from fairplanner.tickets.models import ScanResult, TicketRole

R = ScanResult
EXHIBITOR, VISITOR = RegistrationRole.EXHIBITOR, RegistrationRole.VISITOR


def at(day, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), MINSK).astimezone(UTC)


class Door:
    """Scans at the fair's entrance, each with its own id, judged as of late today."""

    def __init__(self, fair) -> None:
        self.fair, self.n = fair, 0
        self.now = at(minsk_today(), 23, 30)

    def scan(self, code: str, moment: datetime) -> ScanResult:
        self.n += 1
        scan = services.Scan(
            scan_id=f"00000000-0000-4000-8000-{self.n:012d}", code=code, scanned_at=moment
        )
        return services.check_in(self.fair, scan, staff=None, now=self.now).result


@pytest.fixture
def fair_day(factories):
    """A fair in its second day: two exhibitors and two delegations approved (one of each
    never came), a journalist from the desk, and scans of both days."""
    today = minsk_today()
    yesterday = today - timedelta(days=1)
    fair = factories.fair(starts_on=yesterday, days=3)
    came = factories.registration(fair, factories.company(legal_name="ОАО «Пришли»"), area=20)
    stayed = factories.registration(fair, factories.company(legal_name="ОАО «Не пришли»"))
    visit = factories.registration(
        fair, factories.company(legal_name="ООО «Делегация»"), role=VISITOR, delegates=[]
    )
    absent = factories.registration(
        fair, factories.company(legal_name="ООО «Отсутствие»"), role=VISITOR, delegates=[]
    )
    a1 = services.add_person(came, name="Анна", actor=None)
    a2 = services.add_person(came, name="Борис", actor=None)
    gone = services.add_person(came, name="Ушедший", actor=None)
    services.add_person(stayed, name="Дома", actor=None)
    v1 = services.add_person(visit, name="Вера", actor=None)
    services.add_person(absent, name="Никто", actor=None)
    press = services.register_at_desk(fair, name="Пресса", role=TicketRole.PRESS, actor=None)
    services.remove_person(gone, actor=None)
    elsewhere = services.register_at_desk(
        factories.fair(starts_on=today, days=1), name="Чужой", role=TicketRole.VISITOR, actor=None
    )
    door = Door(fair)
    answers = [
        door.scan(a1.code, at(yesterday, 10, 15)),
        door.scan(a1.code, at(yesterday, 10, 40)),
        door.scan(v1.code, at(yesterday, 11, 5)),
        door.scan(press.code, at(yesterday, 11, 30)),
        door.scan(a1.code, at(today, 9, 10)),
        door.scan(a2.code, at(today, 9, 20)),
        door.scan(services.new_code(), at(today, 9, 30)),
        door.scan(gone.code, at(today, 9, 40)),
        door.scan(elsewhere.code, at(today, 9, 50)),
    ]
    assert answers == [
        R.VALID,
        R.ALREADY_ENTERED,
        R.VALID,
        R.VALID,
        R.VALID,
        R.VALID,
        R.UNKNOWN,
        R.REVOKED,
        R.WRONG_FAIR,
    ]
    return {
        "fair": fair,
        "today": today,
        "yesterday": yesterday,
        "door": door,
        "stayed": stayed,
        "absent": absent,
    }


def test_entries_by_day_hour_and_role(db, fair_day):
    data = ticket_numbers.fair_day(fair_day["fair"], today=fair_day["today"])
    assert (data.started, data.live, data.empty) == (True, True, False)
    assert [d.day for d in data.days] == [fair_day["yesterday"], fair_day["today"]]
    assert data.hours == [9, 10, 11]
    yesterday, today = data.days
    assert {h: dict(yesterday.at(h).by_role) for h in data.hours} == {
        9: {},
        10: {TicketRole.EXHIBITOR: 1},
        11: {TicketRole.VISITOR: 1, TicketRole.PRESS: 1},
    }
    assert {h: today.at(h).total for h in data.hours} == {9: 2, 10: 0, 11: 0}
    assert (data.entries, data.re_entries) == (5, 1)
    assert data.entries_by_role() == {
        TicketRole.EXHIBITOR: 3,
        TicketRole.VISITOR: 1,
        TicketRole.PRESS: 1,
    }
    assert data.busiest == 2


def test_who_came_who_did_not_and_what_was_refused(db, fair_day):
    data = ticket_numbers.fair_day(fair_day["fair"], today=fair_day["today"])
    # Active tickets: Анна, Борис, Дома (exhibitors); Вера, Никто (visitors); the journalist.
    assert data.tickets == {TicketRole.EXHIBITOR: 3, TicketRole.VISITOR: 2, TicketRole.PRESS: 1}
    assert data.people == {TicketRole.EXHIBITOR: 2, TicketRole.VISITOR: 1, TicketRole.PRESS: 1}
    assert data.came == 4
    assert data.companies == 2  # the journalist came with no company account
    assert data.approved == {EXHIBITOR: 2, VISITOR: 2}
    assert data.no_shows == {EXHIBITOR: 1, VISITOR: 1}
    assert [(n.registration_id, n.company) for n in data.no_show_list] == [
        (fair_day["stayed"].id, "ОАО «Не пришли»"),
        (fair_day["absent"].id, "ООО «Отсутствие»"),
    ]
    assert data.refusals == [(R.REVOKED, 1), (R.WRONG_FAIR, 1), (R.UNKNOWN, 1)]
    assert data.refused == 3


def test_before_the_fair_there_are_tickets_and_no_no_shows(db, factories):
    fair = factories.fair(starts_on=minsk_today() + timedelta(days=10))
    services.register_at_desk(fair, name="Гость", role=TicketRole.VISITOR, actor=None)
    factories.registration(fair, factories.company())
    data = ticket_numbers.fair_day(fair, today=minsk_today())
    assert (data.started, data.live, data.empty) == (False, False, False)
    assert data.tickets == {TicketRole.VISITOR: 1}
    assert (data.days, data.approved, data.no_shows) == ([], {}, {})


def test_the_same_statements_for_few_and_many_scans(db, factories, fair_day, count_queries):
    fair, today = fair_day["fair"], fair_day["today"]
    with count_queries() as few:
        ticket_numbers.fair_day(fair, today=today)
    door = fair_day["door"]
    for n in range(6):
        group = factories.registration(fair, factories.company(), role=VISITOR, delegates=[])
        person = services.add_person(group, name=f"Гость {n}", actor=None)
        door.scan(person.code, at(today, 12 + n % 3, n))
        door.scan(person.code, at(fair_day["yesterday"], 15, n))
    with count_queries() as many:
        data = ticket_numbers.fair_day(fair, today=today)
    assert data.entries == 5 + 12
    assert few.count == many.count == 7
    empty = factories.fair()
    assert empty.starts_on  # loaded before counting (the factory's commit expired it)
    with count_queries() as nothing:
        assert ticket_numbers.fair_day(empty, today=today).empty
    assert nothing.count == 2
