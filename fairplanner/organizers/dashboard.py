"""The numbers pages of the organizer console: a fair's dashboard and the organizer's season.

The reads are in `stats`, the chart geometry in `charts`; this module turns one into the other
with the user's language (Babel formats every number and date) and renders the pages.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask import render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import format_date, ngettext, pgettext
from flask_babel import gettext as _

from fairplanner.catalogue.models import CapacityUnit, Fair
from fairplanner.display import area, number
from fairplanner.i18n import minsk_today
from fairplanner.organizers import charts, stats, ticket_numbers
from fairplanner.organizers.views import bp, scope, scoped_fair, staff_required
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus

S = RegistrationStatus
R = RegistrationRole


@bp.get("/fairs/<slug>/numbers")
@staff_required
def numbers(slug: str) -> ResponseReturnValue:
    """The fair's dashboard: applications over time, stands and area, sectors, places, and
    the fair day (tickets, entries, no-shows)."""
    fair = scoped_fair(slug)
    chosen = request.args.get("role", "")
    role = R(chosen) if chosen in tuple(R) else None
    today = minsk_today()
    data = stats.fair_numbers(fair, today=today, role=role)
    return render_template(
        "organizers/numbers.html",
        fair=fair,
        numbers=data,
        charts=fair_charts(data, today),
        statuses=stats.STATUSES,
        window=registration_window(fair, today),
        recent=None if role else data.timeline.received_since(today - timedelta(days=7)),
        fair_day=ticket_numbers.fair_day(fair, today=today),
    )


@bp.get("/numbers")
@staff_required
def season_numbers() -> ResponseReturnValue:
    """Every fair of the organizer's season side by side, with the season's totals."""
    return render_template("organizers/season_numbers.html", season=stats.season_numbers(scope()))


@bp.app_context_processor
def enums() -> dict[str, Any]:
    """The numbers templates name statuses and roles (`RegistrationStatus.APPROVED|label`)."""
    return {"RegistrationStatus": RegistrationStatus, "RegistrationRole": RegistrationRole}


def registration_window(fair: Fair, today: date) -> str:
    """Where registration stands by the calendar: "not_open", "open" or "closed"."""
    if today < fair.registration_opens_on:
        return "not_open"
    return "open" if today <= fair.registration_deadline else "closed"


def day_label(day: date) -> str:
    """ "12 нояб." / "12 Nov": a tick on a time axis."""
    return format_date(day, "d MMM")


@bp.app_template_global()
def count_label(status: RegistrationStatus) -> str:
    """A status as a heading over a count: "Одобрены", where `|label` says "Одобрена"."""
    return {
        S.SUBMITTED: pgettext("applications", "Awaiting a decision"),
        S.APPROVED: pgettext("applications", "Approved"),
        S.WAITLISTED: pgettext("applications", "On the waiting list"),
        S.REJECTED: pgettext("applications", "Rejected"),
        S.WITHDRAWN: pgettext("applications", "Withdrawn"),
    }[status]


def status_series(timeline: stats.Timeline) -> list[charts.SeriesIn]:
    series = [charts.SeriesIn("received", _("Received in all"), timeline.received)]
    series += [
        charts.SeriesIn(status.value, count_label(status), timeline.by_status[status])
        for status in stats.STATUSES
        if any(timeline.by_status[status])
    ]
    return series


@dataclass
class FairCharts:
    wide: charts.LineChart
    narrow: charts.LineChart
    stands: charts.Bar
    area: charts.Bar
    roles: charts.Bar
    sectors: list[charts.BarRow]
    places: list[charts.BarRow]
    capacity_on_timeline: bool


def fair_charts(data: stats.FairNumbers, today: date) -> FairCharts:
    """The geometry of every chart on the fair's page, labelled in the user's language."""
    fair, totals, timeline = data.fair, data.totals, data.timeline
    series = status_series(timeline)
    upto = (timeline.last - timeline.days[0]).days
    markers = [
        charts.MarkerIn(fair.registration_opens_on, _("Registration opens"), "opens"),
        charts.MarkerIn(fair.registration_deadline, _("Deadline"), "deadline"),
    ]
    if fair.starts_on <= timeline.days[-1]:
        markers.append(charts.MarkerIn(fair.starts_on, _("Fair opens"), "fair"))
    if timeline.days[0] <= today <= timeline.days[-1]:
        markers.append(charts.MarkerIn(today, _("Today"), "today"))
    on_timeline = (
        data.role == R.EXHIBITOR
        and fair.capacity is not None
        and fair.capacity_unit == CapacityUnit.STANDS
    )
    reference = (fair.capacity, _("Capacity")) if on_timeline else None
    common: dict[str, Any] = {
        "upto": upto,
        "markers": markers,
        "reference": reference,
        "day_label": day_label,
        "number": number,
    }
    return FairCharts(
        wide=charts.line_chart(timeline.days, series, **common),
        narrow=charts.line_chart(
            timeline.days,
            series,
            **common,
            width=340,
            height=280,
            most_ticks=4,
            end_labels=False,
        ),
        stands=_capacity_bar(totals, fair.capacity, CapacityUnit.STANDS, fair.capacity_unit),
        area=_capacity_bar(totals, fair.capacity, CapacityUnit.SQM, fair.capacity_unit),
        roles=charts.stacked(
            [
                ("exhibitor", _("Exhibitors"), totals.role(R.EXHIBITOR)),
                ("visitor", _("Visitors"), totals.role(R.VISITOR)),
            ]
        ),
        sectors=_bars(data.sectors),
        places=_bars(stats.region_rows(data.places)),
        capacity_on_timeline=on_timeline,
    )


def _capacity_bar(
    totals: stats.Totals, capacity: int | None, unit: CapacityUnit, fair_unit: CapacityUnit
) -> charts.Bar:
    """Approved, awaiting a decision and waiting, against the capacity when it is in `unit`."""
    parts = [
        (s.value, count_label(s), totals.measure(unit, s))
        for s in (S.APPROVED, S.SUBMITTED, S.WAITLISTED)
    ]
    return charts.stacked(parts, marker=capacity if unit == fair_unit else None)


def _bars(rows: list[stats.Row]) -> list[charts.BarRow]:
    return charts.bar_list(rows, other=_("Other"), labels=(_("Exhibitors"), _("Visitors")))


@dataclass
class SeasonCharts:
    fairs: list[charts.Bar]  # approved against capacity, one per fair
    sectors: list[charts.BarRow]
    places: list[charts.BarRow]


@bp.app_template_global()
def season_charts(season: stats.SeasonNumbers) -> SeasonCharts:
    """The geometry of the season's charts (templates/organizers/_season.html calls it)."""
    return SeasonCharts(
        fairs=[
            charts.stacked(
                [(S.APPROVED.value, count_label(S.APPROVED), row.approved)],
                marker=row.fair.capacity,
                scale=max(row.fair.capacity or 0, row.approved) or 1,
            )
            for row in season.fairs
        ],
        sectors=_bars(season.sectors),
        places=_bars(stats.region_rows(season.places)),
    )


@bp.app_template_global()
def measure(value: Any, unit: CapacityUnit | str) -> str:
    """A quantity in a fair's capacity unit: "36,5 м²" or "12 стендов"."""
    if unit == CapacityUnit.SQM:
        return area(value)
    return ngettext("%(num)d stand", "%(num)d stands", int(value))
