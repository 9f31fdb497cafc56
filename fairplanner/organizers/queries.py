"""Reads for the organizer console: the organizer's fairs, attendee lists, numbers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from fairplanner.accounts.models import Company, Country, company_sectors
from fairplanner.catalogue.models import CapacityUnit, Fair, Sector, Venue
from fairplanner.registrations.models import (
    ACTIVE,
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)
from fairplanner.text import fold

SORTS = {
    "company": Company.legal_name,
    "country": Company.country,
    "region": Company.region,
    "role": Registration.role,
    "status": Registration.status,
    "area": Registration.area,
    "created": Registration.created_at,
    "updated": Registration.updated_at,
}


def organizer_fairs(organizer_id: int | None, *, today: date) -> Select[tuple[Fair]]:
    """The organizer's fairs (every fair for an admin, `organizer_id=None`): the running and
    coming ones first, soonest first, then the past ones, the most recent first."""
    stmt = select(Fair).options(joinedload(Fair.venue).joinedload(Venue.city))
    if organizer_id is not None:
        stmt = stmt.where(Fair.organizer_id == organizer_id)
    past = Fair.ends_on < today
    return stmt.order_by(
        case((past, 1), else_=0),
        case((past, Fair.ends_on), else_=None).desc(),
        Fair.starts_on,
        Fair.id,
    )


def notified_on_change(fair_id: int) -> Select[tuple[int]]:
    """How many companies an email about the fair reaches (active applications, an address)."""
    return (
        select(func.count(func.distinct(Company.id)))
        .join(Registration, Registration.company_id == Company.id)
        .where(
            Registration.fair_id == fair_id,
            Registration.status.in_(ACTIVE),
            Company.email.is_not(None),
        )
    )


def fair_in_scope(slug: str, organizer_id: int | None) -> Select[tuple[Fair]]:
    stmt = select(Fair).where(Fair.slug == slug)
    if organizer_id is not None:
        stmt = stmt.where(Fair.organizer_id == organizer_id)
    return stmt


def registration_in_scope(registration_id: int, organizer_id: int | None) -> Select:
    stmt = (
        select(Registration)
        .join(Registration.fair)
        .where(Registration.id == registration_id)
        .options(
            joinedload(Registration.company).selectinload(Company.sectors),
            joinedload(Registration.fair),
            selectinload(Registration.history).joinedload(RegistrationChange.actor),
        )
    )
    if organizer_id is not None:
        stmt = stmt.where(Fair.organizer_id == organizer_id)
    return stmt


@dataclass(frozen=True)
class AttendeeFilters:
    status: RegistrationStatus | None = None
    role: RegistrationRole | None = None
    sector: str | None = None
    country: Country | None = None
    region: str | None = None
    q: str | None = None
    sort: str = "created"
    descending: bool = False


def attendees(fair_id: int, filters: AttendeeFilters) -> Select[tuple[Registration]]:
    """A fair's applications, filtered, searched and sorted by any column."""
    stmt = (
        select(Registration)
        .join(Registration.company)
        # Each row shows its company and the company's sectors (contains_eager: the join
        # above serves both the filters and the loading).
        .options(contains_eager(Registration.company).selectinload(Company.sectors))
    )
    return _ordered(_where(stmt, fair_id, filters), filters)


def attendee_count(fair_id: int, filters: AttendeeFilters) -> Select[tuple[int]]:
    """How many applications `attendees` lists; the companies are joined only when a filter
    needs them, so the usual count is read from the index alone."""
    stmt = select(func.count(Registration.id))
    if filters.country or filters.region or filters.sector or filters.q:
        stmt = stmt.join(Registration.company)
    return _where(stmt, fair_id, filters)


# What an export shows of each application, read as plain rows (3,000 of them for a big fair).
EXPORT_COLUMNS = (
    Registration.role,
    Registration.status,
    Registration.stand_type,
    Registration.hall,
    Registration.stand,
    Registration.area,
    Registration.needs_power,
    Registration.needs_water,
    Registration.needs_internet,
    Registration.products,
    Registration.delegates,
    Registration.aims,
    Registration.note,
    Registration.created_at,
    Registration.updated_at,
    Company.id.label("company_id"),
    Company.legal_name,
    Company.erased_at.label("company_erased_at"),
    Company.tax_id,
    Company.country,
    Company.region,
    Company.contact_person,
    Company.phone,
    Company.email,
)


def attendee_rows(fair_id: int, filters: AttendeeFilters) -> Select:
    """The same list as `attendees`, as plain rows for the exports."""
    stmt = select(*EXPORT_COLUMNS).join(Registration.company)
    return _ordered(_where(stmt, fair_id, filters), filters)


def sectors_of(companies: Select) -> Select:
    """(company id, sector) for the companies `companies` selects (their ids), in code order."""
    return (
        select(company_sectors.c.company_id, Sector)
        .join(Sector, Sector.id == company_sectors.c.sector_id)
        .where(company_sectors.c.company_id.in_(companies))
        .order_by(company_sectors.c.company_id, Sector.code)
    )


def _where(stmt: Select, fair_id: int, filters: AttendeeFilters) -> Select:
    stmt = stmt.where(Registration.fair_id == fair_id)
    if filters.status:
        stmt = stmt.where(Registration.status == filters.status)
    if filters.role:
        stmt = stmt.where(Registration.role == filters.role)
    if filters.country:
        stmt = stmt.where(Company.country == filters.country)
    if filters.region:
        stmt = stmt.where(Company.region == filters.region)
    if filters.sector:
        stmt = stmt.where(Company.sectors.any(Sector.code == filters.sector))
    for term in fold(filters.q or "").split()[:8]:
        stmt = stmt.where(Company.search_text.contains(term, autoescape=True))
    return stmt


def _ordered(stmt: Select, filters: AttendeeFilters) -> Select:
    column = SORTS.get(filters.sort, Registration.created_at)
    order = column.desc() if filters.descending else column.asc()
    return stmt.order_by(order, Registration.id)


@dataclass(frozen=True)
class CapacityMeter:
    unit: CapacityUnit
    capacity: int | None
    approved: Decimal
    requested: Decimal

    @property
    def free(self) -> Decimal | None:
        if self.capacity is None:
            return None
        return max(Decimal(self.capacity) - self.approved - self.requested, Decimal(0))


def capacity_use(fair: Fair) -> Select:
    """(status, stands or m²) for the approved and the requested exhibitor applications."""
    measure = (
        func.coalesce(func.sum(Registration.area), 0)
        if fair.capacity_unit == CapacityUnit.SQM
        else func.count(Registration.id)
    )
    return (
        select(Registration.status, measure)
        .where(
            Registration.fair_id == fair.id,
            Registration.role == RegistrationRole.EXHIBITOR,
            Registration.status.in_((RegistrationStatus.APPROVED, RegistrationStatus.SUBMITTED)),
        )
        .group_by(Registration.status)
    )


def meter(fair: Fair, rows: list[tuple[RegistrationStatus, object]]) -> CapacityMeter:
    used = {status: Decimal(str(amount or 0)) for status, amount in rows}
    return CapacityMeter(
        unit=fair.capacity_unit,
        capacity=fair.capacity,
        approved=used.get(RegistrationStatus.APPROVED, Decimal(0)),
        requested=used.get(RegistrationStatus.SUBMITTED, Decimal(0)),
    )
