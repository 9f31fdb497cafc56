"""Reads for the numbers pages: a fair's dashboard and the organizer's season.

Every figure is counted or summed in SQL, grouped by a few columns, so each page runs the same
few statements whether a fair has one application or three thousand. Python only folds the
grouped rows into the shapes the templates and charts read (per day, per status, per place).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Date, Integer, Select, func, null, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased, joinedload
from sqlalchemy.sql.functions import FunctionElement

from fairplanner.accounts.models import Company, Country, company_sectors
from fairplanner.catalogue.models import CapacityUnit, Fair, Sector, Venue
from fairplanner.display import label, place
from fairplanner.extensions import db
from fairplanner.i18n import localized, minsk_today
from fairplanner.registrations.models import (
    ACTIVE,
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)

S = RegistrationStatus
R = RegistrationRole
# The order statuses are shown in, everywhere on these pages.
STATUSES = (S.SUBMITTED, S.APPROVED, S.WAITLISTED, S.REJECTED, S.WITHDRAWN)


# --- Two portable SQL expressions -------------------------------------------------------------


class minsk_day(FunctionElement):
    """The Minsk calendar date of a UTC timestamp (Minsk keeps UTC+3 all year since 2011)."""

    type = Date()
    inherit_cache = True


@compiles(minsk_day, "sqlite")
def _minsk_day_sqlite(element: minsk_day, compiler: Any, **kw: Any) -> str:
    return "date(%s, '+3 hours')" % compiler.process(element.clauses, **kw)  # noqa: UP031


@compiles(minsk_day)
def _minsk_day_default(element: minsk_day, compiler: Any, **kw: Any) -> str:
    return "CAST(timezone('Europe/Minsk', %s) AS DATE)" % compiler.process(  # noqa: UP031
        element.clauses, **kw
    )


class json_length(FunctionElement):
    """The length of a JSON array column; 0 for anything that is not an array."""

    type = Integer()
    inherit_cache = True


@compiles(json_length, "sqlite")
def _json_length_sqlite(element: json_length, compiler: Any, **kw: Any) -> str:
    return "coalesce(json_array_length(%s), 0)" % compiler.process(element.clauses, **kw)  # noqa: UP031


@compiles(json_length)
def _json_length_default(element: json_length, compiler: Any, **kw: Any) -> str:
    arg = compiler.process(element.clauses, **kw)
    return (
        f"CASE WHEN json_typeof(CAST({arg} AS json)) = 'array' "
        f"THEN json_array_length(CAST({arg} AS json)) ELSE 0 END"
    )


def as_date(value: date | str) -> date:
    """SQLite hands dates computed in SQL back as ISO strings."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


# --- The statements ---------------------------------------------------------------------------


def counts_by(fair_id: int, column) -> Select:
    """How many applications per value of `column` (status, role, country, region, sector)."""
    stmt = select(column, func.count(Registration.id)).join(Registration.company)
    if column is Sector.code:
        stmt = stmt.join(Company.sectors)
    return stmt.where(Registration.fair_id == fair_id).group_by(column).order_by(column)


def area_totals(fair_id: int) -> Select:
    """Requested (all active) and approved stand area of the fair's exhibitors."""
    exhibitors = (Registration.fair_id == fair_id, Registration.role == RegistrationRole.EXHIBITOR)
    requested = func.coalesce(
        func.sum(Registration.area).filter(Registration.status.in_(ACTIVE)), 0
    )
    approved = func.coalesce(
        func.sum(Registration.area).filter(Registration.status == RegistrationStatus.APPROVED), 0
    )
    return select(requested, approved).where(*exhibitors)


def applications_per_day(fair_id: int) -> Select:
    """(Minsk day, applications received that day)."""
    day = minsk_day(Registration.created_at)
    return (
        select(day, func.count(Registration.id))
        .where(Registration.fair_id == fair_id)
        .group_by(day)
        .order_by(day)
    )


def status_totals(fair_ids: Select | list[int]) -> Select:
    """(fair id, role, status, applications, stand area, delegates) for the given fairs."""
    return (
        select(
            Registration.fair_id,
            Registration.role,
            Registration.status,
            func.count(Registration.id),
            func.coalesce(func.sum(Registration.area), 0),
            func.coalesce(func.sum(json_length(Registration.delegates)), 0),
        )
        .where(Registration.fair_id.in_(fair_ids))
        .group_by(Registration.fair_id, Registration.role, Registration.status)
    )


def status_moves(fair_id: int, role: RegistrationRole | None = None) -> Select:
    """(Minsk day, status before, status after, applications) from the applications' history.

    An application enters on the day its history starts (status before: NULL) and moves on
    the days its status changed. One with no history (loaded from elsewhere) enters on the day
    it was made, in the status it has now.
    """
    where = [Registration.fair_id == fair_id]
    if role is not None:
        where.append(Registration.role == role)
    first = aliased(RegistrationChange)
    started = (
        select(first.id)
        .where(first.registration_id == Registration.id, first.status_from.is_(None))
        .exists()
    )
    day = minsk_day(RegistrationChange.at)
    moves = (
        select(
            day.label("day"),
            RegistrationChange.status_from,
            RegistrationChange.status_to,
            func.count(RegistrationChange.id).label("n"),
        )
        .join(Registration, Registration.id == RegistrationChange.registration_id)
        .where(
            *where,
            started,
            or_(
                RegistrationChange.status_from.is_(None),
                RegistrationChange.status_from != RegistrationChange.status_to,
            ),
        )
        .group_by(day, RegistrationChange.status_from, RegistrationChange.status_to)
    )
    made = minsk_day(Registration.created_at)
    untracked = (
        select(made, null(), Registration.status, func.count(Registration.id))
        .where(*where, ~started)
        .group_by(made, Registration.status)
    )
    return moves.union_all(untracked)


def _active_in(fair_ids: Select | list[int]) -> tuple[Any, ...]:
    return (Registration.fair_id.in_(fair_ids), Registration.status.in_(ACTIVE))


def sector_counts(fair_ids: Select | list[int]) -> Select:
    """(sector, role, active applications) of companies in each sector."""
    return (
        select(Sector.id, Sector.name_ru, Sector.name_en, Registration.role, func.count())
        .select_from(Registration)
        .join(company_sectors, company_sectors.c.company_id == Registration.company_id)
        .join(Sector, Sector.id == company_sectors.c.sector_id)
        .where(*_active_in(fair_ids))
        .group_by(Sector.id, Sector.name_ru, Sector.name_en, Registration.role)
    )


def place_counts(fair_ids: Select | list[int]) -> Select:
    """(country, region, role, active applications) by where the companies are."""
    return (
        select(Company.country, Company.region, Registration.role, func.count(Registration.id))
        .join(Registration.company)
        .where(*_active_in(fair_ids))
        .group_by(Company.country, Company.region, Registration.role)
    )


def season_fairs(organizer_id: int | None, *, since: date) -> Select[tuple[Fair]]:
    """The organizer's fairs (every organizer's for None) that end on or after `since`."""
    stmt = (
        select(Fair)
        # Each row names the fair's city.
        .options(joinedload(Fair.venue).joinedload(Venue.city))
        .where(Fair.ends_on >= since)
        .order_by(Fair.starts_on, Fair.id)
    )
    if organizer_id is not None:
        stmt = stmt.where(Fair.organizer_id == organizer_id)
    return stmt


# --- What the pages read ----------------------------------------------------------------------


@dataclass
class Totals:
    """Applications by role and status, with the exhibitors' stands and area."""

    count: dict[tuple[R, S], int] = field(default_factory=dict)
    area: dict[S, Decimal] = field(default_factory=dict)
    delegates: int = 0

    def add(self, role: R, status: S, n: int, area: Any, delegates: Any) -> None:
        self.count[role, status] = self.count.get((role, status), 0) + n
        if role == R.EXHIBITOR:
            self.area[status] = self.area.get(status, Decimal(0)) + Decimal(str(area or 0))
        if role == R.VISITOR and status in ACTIVE:
            self.delegates += int(delegates or 0)

    def status(self, status: S, role: R | None = None) -> int:
        roles = (role,) if role else tuple(R)
        return sum(self.count.get((r, status), 0) for r in roles)

    def role(self, role: R, statuses: tuple[S, ...] = ACTIVE) -> int:
        return sum(self.count.get((role, s), 0) for s in statuses)

    @property
    def total(self) -> int:
        return sum(self.count.values())

    @property
    def by_status(self) -> list[tuple[S, int, int, int]]:
        """(status, exhibitors, visitors, both) in the pages' order."""
        return [
            (s, self.status(s, R.EXHIBITOR), self.status(s, R.VISITOR), self.status(s))
            for s in STATUSES
        ]

    @property
    def waitlist(self) -> int:
        return self.status(S.WAITLISTED, R.EXHIBITOR)

    def stands(self, status: S) -> Decimal:
        return Decimal(self.status(status, R.EXHIBITOR))

    def measure(self, unit: CapacityUnit, status: S) -> Decimal:
        """Stands or m² of the exhibitors in `status`, in the fair's capacity unit."""
        return (
            self.area.get(status, Decimal(0)) if unit == CapacityUnit.SQM else self.stands(status)
        )

    def requested_area(self) -> Decimal:
        return sum((self.area.get(s, Decimal(0)) for s in ACTIVE), Decimal(0))


@dataclass
class Row:
    """One bar of a list: a name, exhibitors and visitors (active applications)."""

    name: str
    exhibitors: int = 0
    visitors: int = 0
    children: list[Row] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.exhibitors + self.visitors

    def add(self, role: R, n: int) -> None:
        if role == R.EXHIBITOR:
            self.exhibitors += n
        else:
            self.visitors += n


def sector_rows(rows: list[tuple[Any, ...]]) -> list[Row]:
    """Sectors by their active applications, most first; ties by name."""
    by_id: dict[int, Row] = {}
    for sector_id, name_ru, name_en, role, n in rows:
        names = SimpleNamespace(name_ru=name_ru, name_en=name_en)
        by_id.setdefault(sector_id, Row(localized(names, "name"))).add(role, n)
    return sorted(by_id.values(), key=lambda r: (-r.total, r.name))


def place_rows(rows: list[tuple[Any, ...]]) -> list[Row]:
    """Countries by their active applications, each with its regions; names, never codes."""
    countries: dict[Any, Row] = {}
    regions: dict[tuple[Any, Any], Row] = {}
    for country, region, role, n in rows:
        top = countries.get(country)
        if top is None:
            name = label(country, Country) if country else None
            top = countries[country] = Row(name or _("Not given"))
        top.add(role, n)
        if region:
            child = regions.get((country, region))
            if child is None:
                child = regions[country, region] = Row(place(country, region))
                top.children.append(child)
            child.add(role, n)
    for top in countries.values():
        top.children.sort(key=lambda r: (-r.total, r.name))
    return sorted(countries.values(), key=lambda r: (-r.total, r.name))


def region_rows(countries: list[Row]) -> list[Row]:
    """The places of `place_rows` one level down: each region under its country's name
    ("Беларусь · г. Минск"), and a country alone for companies that named no region."""
    rows = []
    for country in countries:
        rows += country.children
        rest = Row(
            country.name,
            country.exhibitors - sum(c.exhibitors for c in country.children),
            country.visitors - sum(c.visitors for c in country.children),
        )
        if rest.total:
            rows.append(rest)
    return sorted(rows, key=lambda r: (-r.total, r.name))


@dataclass
class Timeline:
    """Per day from `days[0]` to `days[-1]`: how many applications stood in each status at the
    end of the day, and how many had been received in all. Days after `last` have no data."""

    days: list[date]
    received: list[int]
    by_status: dict[S, list[int]]
    last: date

    def received_since(self, day: date) -> int:
        """Applications received after `day`, up to the last day with data."""
        last = min(len(self.days) - 1, (self.last - self.days[0]).days)
        before = min((day - self.days[0]).days, last)
        return self.received[last] - (self.received[before] if before >= 0 else 0)

    @property
    def changes(self) -> list[int]:
        """Indexes of the days on which something changed (and the first and last day)."""
        keep = [0]
        for i in range(1, len(self.days)):
            if self.days[i] > self.last:
                break
            if self.received[i] != self.received[i - 1] or any(
                v[i] != v[i - 1] for v in self.by_status.values()
            ):
                keep.append(i)
        end = min(len(self.days) - 1, (self.last - self.days[0]).days)
        if end not in keep:
            keep.append(end)
        return keep


def timeline(rows: list[tuple[Any, ...]], *, start: date, end: date, today: date) -> Timeline:
    """Fold (day, status before, status after, n) rows into cumulative series per day.

    The axis runs from `start` to `end`, stretched to take in every day with a change; the
    series stop at `today` (or at `end` when that comes first).
    """
    delta: dict[date, dict[str | None, int]] = defaultdict(lambda: defaultdict(int))
    entered: dict[date, int] = defaultdict(int)
    for day, before, after, n in rows:
        day = as_date(day)
        if before is None:
            entered[day] += n
        else:
            delta[day][str(before)] -= n
        delta[day][str(after)] += n
    seen = list(delta)
    start = min([start, *seen])
    end = max([end, *seen])
    last = max(min(today, end), max(seen, default=start))
    days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
    running = dict.fromkeys(STATUSES, 0)
    total = 0
    received: list[int] = []
    by_status: dict[S, list[int]] = {s: [] for s in STATUSES}
    for day in days:
        total += entered.get(day, 0)
        for status, n in delta.get(day, {}).items():
            running[S(status)] += n
        received.append(total)
        for status in STATUSES:
            by_status[status].append(running[status])
    return Timeline(days=days, received=received, by_status=by_status, last=last)


@dataclass
class FairNumbers:
    fair: Fair
    totals: Totals
    timeline: Timeline
    sectors: list[Row]
    places: list[Row]
    role: R | None = None

    @property
    def empty(self) -> bool:
        return self.totals.total == 0


def fair_numbers(fair: Fair, *, today: date, role: R | None = None) -> FairNumbers:
    """Everything the fair's numbers page shows: four statements."""
    totals = Totals()
    for _fair_id, r, status, n, area, delegates in db.session.execute(status_totals([fair.id])):
        totals.add(r, status, n, area, delegates)
    window_end = max(fair.registration_deadline, min(today, fair.ends_on))
    return FairNumbers(
        fair=fair,
        totals=totals,
        timeline=timeline(
            db.session.execute(status_moves(fair.id, role)).all(),
            start=fair.registration_opens_on,
            end=window_end,
            today=today,
        ),
        sectors=sector_rows(db.session.execute(sector_counts([fair.id])).all()),
        places=place_rows(db.session.execute(place_counts([fair.id])).all()),
        role=role,
    )


@dataclass
class SeasonFair:
    fair: Fair
    totals: Totals

    @property
    def approved(self) -> Decimal:
        """Approved stands or m², in the fair's capacity unit."""
        return self.totals.measure(self.fair.capacity_unit, S.APPROVED)

    @property
    def share(self) -> float | None:
        """Approved part of the capacity, 0..1 (more when it was lowered); None: no capacity."""
        if not self.fair.capacity:
            return None
        return float(self.approved) / self.fair.capacity


@dataclass
class SeasonNumbers:
    since: date
    fairs: list[SeasonFair]
    totals: Totals
    sectors: list[Row]
    places: list[Row]

    @property
    def empty(self) -> bool:
        return self.totals.total == 0


def season_numbers(organizer_id: int | None, *, since: date | None = None) -> SeasonNumbers:
    """The organizer's season (every organizer's for None: an admin): fairs ending on or after
    `since` (1 January of this year in Minsk), each with its applications; four statements."""
    since = since or minsk_today().replace(month=1, day=1)
    fairs = db.session.scalars(season_fairs(organizer_id, since=since)).unique().all()
    ids = [f.id for f in fairs]
    per_fair = {f.id: Totals() for f in fairs}
    totals = Totals()
    for fair_id, r, status, n, area, delegates in db.session.execute(status_totals(ids)):
        per_fair[fair_id].add(r, status, n, area, delegates)
        totals.add(r, status, n, area, delegates)
    sectors = db.session.execute(sector_counts(ids)).all()
    places = db.session.execute(place_counts(ids)).all()
    return SeasonNumbers(
        since=since,
        fairs=[SeasonFair(f, per_fair[f.id]) for f in fairs],
        totals=totals,
        sectors=sector_rows(sectors),
        places=place_rows(places),
    )
