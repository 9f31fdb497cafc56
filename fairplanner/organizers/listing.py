"""The attendee list's filters and its table for the exports and the print view.

The filter form gets its choices here (regions grouped by country, sectors by name); a value it
does not know becomes a notice on the page, never an error. `table` reads the filtered list as
plain rows with names, not codes: the exports and the print view only format them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from flask_babel import format_datetime
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from fairplanner import display, spreadsheets
from fairplanner.accounts.identifiers import regions
from fairplanner.accounts.models import Company, Country
from fairplanner.catalogue import queries as catalogue_queries
from fairplanner.extensions import db
from fairplanner.i18n import localized
from fairplanner.organizers import queries
from fairplanner.organizers.forms import AttendeeFilterForm
from fairplanner.registrations.models import (
    Registration,
    RegistrationRole,
    RegistrationStatus,
    StandType,
    VisitAim,
)
from fairplanner.text import fold

# The countries with a list of regions, in the order the filter shows them.
REGION_COUNTRIES = (Country.BELARUS, Country.RUSSIA)
# Filters a person chooses on the page: a bad value for one of these is said, not hidden.
VISIBLE_FILTERS = ("q", "status", "role", "country", "region", "sector", "sort", "dir")


def _by_name(choices: list[SelectChoice]) -> list[SelectChoice]:
    return sorted(choices, key=lambda c: fold(str(c.label)))


def filter_form(args: Mapping[str, Any]) -> AttendeeFilterForm:
    """The filter form over the query string, with its regions and sectors as names."""
    form = AttendeeFilterForm(formdata=args)
    everything = SelectChoice("", _("All"))
    form.sector.choices = [
        everything,
        *_by_name(
            [
                SelectChoice(s.code, localized(s, "name"))
                for s in db.session.scalars(catalogue_queries.sectors())
            ]
        ),
    ]
    chosen = form.country.data
    countries = [c for c in REGION_COUNTRIES if not chosen or c.value == chosen]
    form.region.choices = [everything]
    for country in countries:
        group = display.country_name(country)
        form.region.choices += _by_name(
            [
                SelectChoice(r.code, localized(r, "name"), optgroup=group)
                for r in regions().get(country, [])
            ]
        )
    return form


def read_filters(form: AttendeeFilterForm) -> tuple[queries.AttendeeFilters, list[str]]:
    """The filters as a query reads them, and the labels of those that were not understood
    (left out, so the list shows more rather than failing)."""
    form.validate()
    ignored = []
    for field in form:
        if field.errors:
            if field.name in VISIBLE_FILTERS:
                ignored.append(str(field.label.text))
            field.data = field.default if field.name in ("sort", "dir") else None
    filters = queries.AttendeeFilters(
        status=RegistrationStatus(form.status.data) if form.status.data else None,
        role=RegistrationRole(form.role.data) if form.role.data else None,
        country=Country(form.country.data) if form.country.data else None,
        region=form.region.data or None,
        sector=form.sector.data or None,
        q=(form.q.data or "").strip() or None,
        sort=form.sort.data or "created",
        descending=form.dir.data == "desc",
    )
    return filters, ignored


def _yes_no(value: bool | None) -> str:
    return _("yes") if value else _("no")


def _delegates(delegates: list[dict[str, str]] | None) -> str:
    return "; ".join(
        f"{d.get('name', '')}, {d['position']}" if d.get("position") else d.get("name", "")
        for d in delegates or ()
    )


def _company(company_id: int, legal_name: str, erased_at: datetime | None) -> str:
    """The legal name, or "Deleted company #id" for a company whose last member deleted it."""
    if erased_at is not None:
        return display.deleted_company(company_id)
    return legal_name


def header() -> list[str]:
    """The columns of the exports and the print view, in the current language."""
    return [
        _("Company"),
        _("Tax number"),
        _("Country"),
        _("Region"),
        _("Role"),
        _("Status"),
        _("Stand"),
        _("Hall"),
        _("Stand number"),
        _("Area, m²"),
        _("Electricity"),
        _("Water"),
        _("Internet"),
        _("Products to show"),
        _("Delegates"),
        _("Aims of the visit"),
        _("Note for the organizer"),
        _("Contact person"),
        _("Phone"),
        _("Email"),
        _("Sectors"),
        _("Applied"),
        _("Updated"),
    ]


# The same columns by name, for the print view.
KEYS = (
    "company",
    "tax_id",
    "country",
    "region",
    "role",
    "status",
    "stand",
    "hall",
    "stand_number",
    "area",
    "power",
    "water",
    "internet",
    "products",
    "delegates",
    "aims",
    "note",
    "contact",
    "phone",
    "email",
    "sectors",
    "applied",
    "updated",
)


def table(fair_id: int, filters: queries.AttendeeFilters) -> tuple[list[str], list[list[Any]]]:
    """The list as filtered, one row per application, read in two queries: text for names,
    `Decimal` for the area, aware `datetime` for times, `spreadsheets.Phone` for the phone."""
    stmt = queries.attendee_rows(fair_id, filters)
    sectors: dict[int, list[str]] = {}
    companies = stmt.with_only_columns(Registration.company_id).order_by(None)
    for company_id, sector in db.session.execute(queries.sectors_of(companies)):
        sectors.setdefault(company_id, []).append(localized(sector, "name"))
    rows = []
    for r in db.session.execute(stmt):
        exhibitor = r.role == RegistrationRole.EXHIBITOR
        rows.append(
            [
                _company(r.company_id, r.legal_name, r.company_erased_at),
                r.tax_id,
                display.country_name(r.country),
                display.region_name(r.country, r.region),
                display.label(r.role),
                display.label(r.status),
                display.label(r.stand_type, StandType) if r.stand_type else None,
                r.hall if r.status == RegistrationStatus.APPROVED else None,
                r.stand if r.status == RegistrationStatus.APPROVED else None,
                r.area,
                _yes_no(r.needs_power) if exhibitor else None,
                _yes_no(r.needs_water) if exhibitor else None,
                _yes_no(r.needs_internet) if exhibitor else None,
                r.products,
                _delegates(r.delegates),
                ", ".join(display.label(a, VisitAim) for a in r.aims or ()),
                r.note,
                r.contact_person,
                spreadsheets.Phone(r.phone) if r.phone else None,
                r.email,
                ", ".join(sorted(sectors.get(r.company_id, ()), key=fold)),
                r.created_at,
                r.updated_at,
            ]
        )
    return header(), rows


def printable(rows: list[list[Any]]) -> list[dict[str, str]]:
    """The rows as a person reads them on paper, by column name: the phone in international
    format, the area with its unit, times in Minsk time."""

    def cell(key: str, value: Any) -> str:
        if value is None:
            return ""
        if key == "phone":
            return display.phone(value)
        if key == "area":
            return display.area(value)
        if isinstance(value, datetime):
            return format_datetime(value, "dd.MM.y HH:mm")
        return str(value)

    return [{k: cell(k, v) for k, v in zip(KEYS, row, strict=True)} for row in rows]


def selected_companies(fair_id: int, ids: list[int]) -> list[str]:
    """The names of the companies whose applications `ids` are (for a confirmation)."""
    stmt = (
        select(Company.id, Company.legal_name, Company.erased_at, Registration.role)
        .join(Registration.company)
        .where(Registration.fair_id == fair_id, Registration.id.in_(ids))
        .order_by(Company.legal_name)
    )
    return [
        f"{_company(company_id, name, erased_at)} — {display.label(role)}"
        for company_id, name, erased_at, role in db.session.execute(stmt)
    ]
