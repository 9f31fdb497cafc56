"""What the organizer console reads of a fair's tickets and scans: the badges list for the desk,
its filters and counts, and the fair day's numbers (entries by day, hour and role, companies
that came, no-shows, refused scans).

Reads only. Every figure is counted in SQL, grouped, so a page runs the same few statements
whether the fair has ten tickets or ten thousand scans.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import ngettext
from sqlalchemy import Integer, Select, and_, distinct, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import joinedload
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from fairplanner.accounts.models import Company
from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.db import utcnow
from fairplanner.display import area as display_area
from fairplanner.display import company_name
from fairplanner.extensions import db
from fairplanner.organizers.stats import as_date, minsk_day
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus
from fairplanner.text import fold
from fairplanner.tickets import queries
from fairplanner.tickets.models import CheckIn, QuotaMode, ScanResult, Ticket, TicketRole

ROLES = tuple(TicketRole)
REFUSED = (ScanResult.REVOKED, ScanResult.WRONG_FAIR, ScanResult.WRONG_DAY, ScanResult.UNKNOWN)
NO_SHOWS_LISTED = 50  # the rest is counted, not named


class minsk_hour(FunctionElement):
    """The hour (0–23) of a UTC timestamp on Minsk's clock (UTC+3 all year since 2011)."""

    type = Integer()
    inherit_cache = True


@compiles(minsk_hour, "sqlite")
def _minsk_hour_sqlite(element: minsk_hour, compiler: Any, **kw: Any) -> str:
    return (
        "CAST(strftime('%H', "
        + compiler.process(element.clauses, **kw)
        + ", '+3 hours') AS INTEGER)"
    )


@compiles(minsk_hour)
def _minsk_hour_default(element: minsk_hour, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return f"CAST(EXTRACT(HOUR FROM timezone('Europe/Minsk', {arg})) AS INTEGER)"


def quota_text(mode: str, count: int, area: str | Decimal | None) -> str:
    """A badge quota in words: "3 badges per stand", "1 badge per 9 m² of stand"."""
    if mode == QuotaMode.PER_AREA.value:
        return ngettext(
            "%(num)d badge per %(area)s of stand",
            "%(num)d badges per %(area)s of stand",
            count,
            area=display_area(Decimal(str(area or 0))),
        )
    return ngettext("%(num)d badge per stand", "%(num)d badges per stand", count)


# --- the badges list ------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [w for w in text.casefold().split() if w][:5]


def desk_list(
    fair_id: int,
    *,
    role: TicketRole | None = None,
    company_id: int | None = None,
    hall: str | None = None,
    q: str | None = None,
) -> Select[tuple[Ticket]]:
    """The fair's active tickets as the desk reads them: by company name (people with no
    company last), then by name; each word of `q` in the name or company, any case."""
    stmt = queries.fair_tickets(fair_id, role=role, company_id=company_id, hall=hall)
    for word in _words(q or ""):
        escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        stmt = stmt.where(Ticket.search_key.like(f"%{escaped}%", escape="\\"))
    listed = func.coalesce(Company.short_name, Company.legal_name, Ticket.company_label)
    return (
        stmt.outerjoin(Company, Company.id == Ticket.company_id)
        .order_by(None)
        .order_by(listed.is_(None), listed, Ticket.company_id, Ticket.name, Ticket.id)
    )


def desk_count(stmt: Select[tuple[Ticket]]) -> Select[tuple[int]]:
    """How many tickets `desk_list` finds (one statement, without the eager loads)."""
    ids = stmt.order_by(None).options().with_only_columns(Ticket.id).subquery()
    return select(func.count()).select_from(ids)


@dataclass
class RoleCounts:
    active: dict[TicketRole, int] = field(default_factory=dict)
    revoked: int = 0

    @property
    def total(self) -> int:
        return sum(self.active.values())


def role_counts(fair_id: int) -> RoleCounts:
    """Active tickets by role and the number taken back (one statement)."""
    stmt = (
        select(
            Ticket.role,
            func.count(Ticket.id).filter(Ticket.revoked_at.is_(None)),
            func.count(Ticket.id).filter(Ticket.revoked_at.is_not(None)),
        )
        .where(Ticket.fair_id == fair_id)
        .group_by(Ticket.role)
    )
    counts = RoleCounts()
    for role, active, revoked in db.session.execute(stmt):
        if active:
            counts.active[role] = active
        counts.revoked += revoked
    return counts


def company_choices(fair_id: int) -> list[tuple[int, str]]:
    """The companies with active tickets at the fair, by name, for the filter."""
    stmt = select(Company).where(
        Company.id.in_(
            select(Ticket.company_id).where(Ticket.fair_id == fair_id, Ticket.revoked_at.is_(None))
        )
    )
    named = [(c.id, company_name(c)) for c in db.session.scalars(stmt)]
    return sorted(named, key=lambda pair: fold(pair[1]))


def hall_choices(fair_id: int) -> list[str]:
    """The halls of the fair's approved applications, for the filter."""
    stmt = (
        select(distinct(Registration.hall))
        .where(
            Registration.fair_id == fair_id,
            Registration.status == RegistrationStatus.APPROVED,
            Registration.hall.is_not(None),
            Registration.hall != "",
        )
        .order_by(Registration.hall)
    )
    return sorted(db.session.scalars(stmt), key=fold)


def ticket_in(fair_id: int, ticket_id: int) -> Ticket | None:
    """One of the fair's tickets with what its badge prints (another fair's is None)."""
    return db.session.scalar(
        select(Ticket)
        .where(Ticket.id == ticket_id, Ticket.fair_id == fair_id)
        .options(joinedload(Ticket.company), joinedload(Ticket.registration))
    )


def approved_without_names(fair_id: int) -> int:
    """Approved applications of the fair that name nobody yet (what the empty list says)."""
    named = select(Ticket.id).where(Ticket.registration_id == Registration.id).exists()
    return (
        db.session.scalar(
            select(func.count(Registration.id)).where(
                Registration.fair_id == fair_id,
                Registration.status == RegistrationStatus.APPROVED,
                ~named,
            )
        )
        or 0
    )


# --- the fair day's numbers ---------------------------------------------------------------


@dataclass
class Hour:
    hour: int
    by_role: dict[TicketRole, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_role.values())


@dataclass
class Day:
    day: date
    hours: dict[int, Hour] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(h.total for h in self.hours.values())

    def at(self, hour: int) -> Hour:
        return self.hours.get(hour) or Hour(hour)


@dataclass
class NoShow:
    registration_id: int
    company: str
    role: RegistrationRole


@dataclass
class FairDay:
    """Everything the numbers page shows of the fair day."""

    started: bool
    live: bool  # the fair is on today: the page refreshes its figures
    as_of: datetime
    tickets: dict[TicketRole, int] = field(default_factory=dict)  # active, by role
    scans: dict[ScanResult, int] = field(default_factory=dict)
    days: list[Day] = field(default_factory=list)
    people: dict[TicketRole, int] = field(default_factory=dict)  # who came, by role
    companies: int = 0  # companies with an application whose people came
    approved: dict[RegistrationRole, int] = field(default_factory=dict)
    no_shows: dict[RegistrationRole, int] = field(default_factory=dict)
    no_show_list: list[NoShow] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.tickets and not self.scans

    @property
    def issued(self) -> int:
        return sum(self.tickets.values())

    @property
    def entries(self) -> int:
        """First entries of a day (a person who came on two days counts twice)."""
        return self.scans.get(ScanResult.VALID, 0)

    @property
    def re_entries(self) -> int:
        return self.scans.get(ScanResult.ALREADY_ENTERED, 0)

    @property
    def refused(self) -> int:
        return sum(self.scans.get(r, 0) for r in REFUSED)

    @property
    def came(self) -> int:
        return sum(self.people.values())

    @property
    def hours(self) -> list[int]:
        """Every hour from the earliest to the latest with an entry on any day."""
        used = [h for d in self.days for h in d.hours]
        return list(range(min(used), max(used) + 1)) if used else []

    def entries_by_role(self) -> dict[TicketRole, int]:
        totals: dict[TicketRole, int] = defaultdict(int)
        for day in self.days:
            for hour in day.hours.values():
                for role, n in hour.by_role.items():
                    totals[role] += n
        return dict(totals)

    @property
    def refusals(self) -> list[tuple[ScanResult, int]]:
        return [(r, self.scans[r]) for r in REFUSED if self.scans.get(r)]

    @property
    def missing(self) -> int:
        return sum(self.no_shows.values())

    @property
    def busiest(self) -> int:
        return max((d.at(h).total for d in self.days for h in d.hours), default=0)


def _entered(fair_id: int) -> ColumnElement[bool]:
    return and_(CheckIn.fair_id == fair_id, CheckIn.result == ScanResult.VALID)


def fair_day(fair: Fair, *, today: date) -> FairDay:
    """The fair day's numbers: two statements for a fair with no ticket and no scan, seven
    at most otherwise, whatever their number."""
    started = today >= fair.starts_on
    live = fair.status != FairStatus.CANCELLED and fair.starts_on <= today <= fair.ends_on
    data = FairDay(started=started, live=live, as_of=utcnow())
    issued = (
        select(Ticket.role, func.count(Ticket.id))
        .where(Ticket.fair_id == fair.id, Ticket.revoked_at.is_(None))
        .group_by(Ticket.role)
    )
    data.tickets = dict(db.session.execute(issued).tuples().all())
    scans = (
        select(CheckIn.result, func.count(CheckIn.id))
        .where(CheckIn.fair_id == fair.id)
        .group_by(CheckIn.result)
    )
    data.scans = dict(db.session.execute(scans).tuples().all())
    if data.empty:
        return data
    if data.entries:
        _entries(fair.id, data)
    if started:
        _no_shows(fair.id, data)
    return data


def _entries(fair_id: int, data: FairDay) -> None:
    day, hour = minsk_day(CheckIn.scanned_at), minsk_hour(CheckIn.scanned_at)
    by_hour = (
        select(day, hour, Ticket.role, func.count(CheckIn.id))
        .join(Ticket, Ticket.id == CheckIn.ticket_id)
        .where(_entered(fair_id))
        .group_by(day, hour, Ticket.role)
    )
    days: dict[date, Day] = {}
    for on, at, role, n in db.session.execute(by_hour):
        on = as_date(on)
        slot = days.setdefault(on, Day(on)).hours.setdefault(int(at), Hour(int(at)))
        slot.by_role[role] = n
    data.days = [days[d] for d in sorted(days)]
    people = (
        select(Ticket.role, func.count(distinct(CheckIn.ticket_id)))
        .join(Ticket, Ticket.id == CheckIn.ticket_id)
        .where(_entered(fair_id))
        .group_by(Ticket.role)
    )
    data.people = dict(db.session.execute(people).tuples().all())
    companies = (
        select(func.count(distinct(Ticket.company_id)))
        .join(CheckIn, CheckIn.ticket_id == Ticket.id)
        .where(_entered(fair_id), Ticket.company_id.is_not(None))
    )
    data.companies = db.session.scalar(companies) or 0


def _no_shows(fair_id: int, data: FairDay) -> None:
    came = (
        select(CheckIn.id)
        .join(Ticket, Ticket.id == CheckIn.ticket_id)
        .where(
            Ticket.registration_id == Registration.id,
            CheckIn.result == ScanResult.VALID,
        )
        .exists()
    )
    approved = (Registration.fair_id == fair_id, Registration.status == RegistrationStatus.APPROVED)
    counts = (
        select(
            Registration.role,
            func.count(Registration.id),
            func.count(Registration.id).filter(~came),
        )
        .where(*approved)
        .group_by(Registration.role)
    )
    for role, n, missing in db.session.execute(counts):
        data.approved[role] = n
        data.no_shows[role] = missing
    if not any(data.no_shows.values()):
        return
    listed = func.coalesce(Company.short_name, Company.legal_name)
    stmt = (
        select(Registration.id, Company, Registration.role)
        .join(Company, Company.id == Registration.company_id)
        .where(*approved, ~came)
        .order_by(listed, Registration.id)
        .limit(NO_SHOWS_LISTED)
    )
    data.no_show_list = [
        NoShow(registration_id, company_name(company), role)
        for registration_id, company, role in db.session.execute(stmt)
    ]
