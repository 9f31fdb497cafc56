"""The month grid: weeks of days with each fair laid out as a bar across its days."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy.orm import joinedload

from fairplanner.catalogue import queries
from fairplanner.catalogue.models import Fair, FairStatus, Venue
from fairplanner.catalogue.queries import FairFilters
from fairplanner.extensions import db

MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_LANES = 8


@dataclass
class Bar:
    """A fair's stretch within one week: columns are 1-based weekdays (Monday = 1)."""

    fair: Fair
    column: int
    span: int
    lane: int
    continues_before: bool
    continues_after: bool


@dataclass
class Week:
    days: list[date]
    bars: list[Bar] = field(default_factory=list)
    hidden: int = 0


@dataclass
class MonthGrid:
    year: int
    month: int
    weeks: list[Week]
    fairs: list[Fair]

    @property
    def first(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def previous(self) -> tuple[int, int]:
        return (self.year - 1, 12) if self.month == 1 else (self.year, self.month - 1)

    @property
    def next(self) -> tuple[int, int]:
        return (self.year + 1, 1) if self.month == 12 else (self.year, self.month + 1)

    @property
    def held(self) -> list[Fair]:
        """The month's fairs that take place (not cancelled)."""
        return [f for f in self.fairs if f.status == FairStatus.PUBLISHED]

    @property
    def has_previous(self) -> bool:
        return self.previous[0] >= MIN_YEAR

    @property
    def has_next(self) -> bool:
        return self.next[0] <= MAX_YEAR


def layout_week(days: list[date], fairs: list[Fair]) -> Week:
    """Place each fair overlapping the week in the first lane where it does not collide."""
    week = Week(days=days)
    lanes: list[int] = []  # last occupied column per lane
    for fair in fairs:
        if fair.ends_on < days[0] or fair.starts_on > days[-1]:
            continue
        start = max(fair.starts_on, days[0])
        end = min(fair.ends_on, days[-1])
        column = start.weekday() + 1
        last = end.weekday() + 1
        lane = next((i for i, used in enumerate(lanes) if used < column), len(lanes))
        if lane >= MAX_LANES:
            week.hidden += 1
            continue
        if lane == len(lanes):
            lanes.append(last)
        else:
            lanes[lane] = last
        week.bars.append(
            Bar(
                fair=fair,
                column=column,
                span=last - column + 1,
                lane=lane + 1,
                continues_before=fair.starts_on < days[0],
                continues_after=fair.ends_on > days[-1],
            )
        )
    return week


def build_month(year: int, month: int, filters: FairFilters) -> MonthGrid:
    """Load the fairs visible in the month's grid (one query) and lay them out week by week."""
    weeks = calendar.Calendar(firstweekday=calendar.MONDAY).monthdatescalendar(year, month)
    first_shown, last_shown = weeks[0][0], weeks[-1][-1]
    lower = max(filters.date_from or first_shown, first_shown)
    upper = min(filters.date_to or last_shown, last_shown)
    in_grid = replace(filters, date_from=lower, date_to=upper, include_past=True)
    stmt = queries.fairs_matching(in_grid, today=first_shown)
    stmt = stmt.order_by(None).order_by(Fair.starts_on, Fair.ends_on.desc(), Fair.id)
    fairs = list(db.session.scalars(stmt).unique())
    return MonthGrid(
        year=year,
        month=month,
        weeks=[layout_week(days, fairs) for days in weeks],
        fairs=[f for f in fairs if f.ends_on >= date(year, month, 1) and _in_month(f, year, month)],
    )


def _in_month(fair: Fair, year: int, month: int) -> bool:
    last = date(year, month, calendar.monthrange(year, month)[1])
    return fair.starts_on <= last


def next_fair_after(grid: MonthGrid, filters: FairFilters) -> Fair | None:
    """The first fair matching `filters` (their dates aside) that starts after the month, so
    that an empty month can say when the next one is. Cancelled fairs are not worth a trip."""
    later = replace(filters, date_from=None, date_to=None, include_past=True)
    stmt = (
        queries.matching(later, today=grid.last)
        .where(Fair.status == FairStatus.PUBLISHED, Fair.starts_on > grid.last)
        # The notice names the fair's city.
        .options(joinedload(Fair.venue).joinedload(Venue.city))
        .order_by(Fair.starts_on, Fair.id)
        .limit(1)
    )
    return db.session.scalar(stmt)
