"""Reads for registrations."""

from __future__ import annotations

from sqlalchemy import Select, func, select
from sqlalchemy.orm import aliased, joinedload, selectinload

from fairplanner.catalogue.models import CapacityUnit, Fair, Venue
from fairplanner.registrations.models import (
    ACTIVE,
    HOLDING,
    Registration,
    RegistrationChange,
    RegistrationRole,
    RegistrationStatus,
)


def active_registration(company_id: int, fair_id: int, role: RegistrationRole) -> Select:
    return select(Registration.id).where(
        Registration.company_id == company_id,
        Registration.fair_id == fair_id,
        Registration.role == role,
        Registration.status.in_(ACTIVE),
    )


def capacity_taken(
    fair: Fair,
    *,
    ignoring: Registration | None = None,
    counting: tuple[RegistrationStatus, ...] = HOLDING,
) -> Select:
    """Stands or m² held by exhibitor requests (submitted and approved, unless `counting`)."""
    measure = (
        func.coalesce(func.sum(Registration.area), 0)
        if fair.capacity_unit == CapacityUnit.SQM
        else func.count(Registration.id)
    )
    stmt = select(measure).where(
        Registration.fair_id == fair.id,
        Registration.role == RegistrationRole.EXHIBITOR,
        Registration.status.in_(counting),
    )
    if ignoring is not None:
        stmt = stmt.where(Registration.id != ignoring.id)
    return stmt


def next_waitlist_number(fair_id: int) -> Select:
    return select(func.coalesce(func.max(Registration.waitlist_number), 0) + 1).where(
        Registration.fair_id == fair_id
    )


def waitlist(fair_id: int) -> Select:
    return (
        select(Registration)
        .where(
            Registration.fair_id == fair_id,
            Registration.role == RegistrationRole.EXHIBITOR,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.waitlist_number)
    )


def waitlist_rank(registration: Registration) -> Select:
    """1 for the first on the waiting list, and so on."""
    return select(func.count(Registration.id)).where(
        Registration.fair_id == registration.fair_id,
        Registration.role == RegistrationRole.EXHIBITOR,
        Registration.status == RegistrationStatus.WAITLISTED,
        Registration.waitlist_number <= registration.waitlist_number,
    )


def company_registrations(company_id: int) -> Select:
    """A company's applications, soonest fair first, each with its waiting-list rank."""
    ahead = aliased(Registration)
    rank = (
        select(func.count(ahead.id))
        .where(
            ahead.fair_id == Registration.fair_id,
            ahead.role == RegistrationRole.EXHIBITOR,
            ahead.status == RegistrationStatus.WAITLISTED,
            ahead.waitlist_number <= Registration.waitlist_number,
        )
        .scalar_subquery()
    )
    return (
        select(Registration, rank.label("rank"))
        .join(Registration.fair)
        .where(Registration.company_id == company_id)
        .options(
            # Each row shows its fair, place and city.
            joinedload(Registration.fair).joinedload(Fair.venue).joinedload(Venue.city),
        )
        .order_by(Fair.starts_on, Registration.id)
    )


def company_registration(company_id: int, registration_id: int) -> Select:
    """One of the company's own applications; another company's id finds nothing (404)."""
    return (
        select(Registration)
        .where(Registration.id == registration_id, Registration.company_id == company_id)
        .options(
            joinedload(Registration.fair).joinedload(Fair.venue).joinedload(Venue.city),
            selectinload(Registration.history).joinedload(RegistrationChange.actor),
        )
    )


def company_registrations_for_fair(company_id: int, fair_id: int) -> Select:
    return select(Registration).where(
        Registration.company_id == company_id,
        Registration.fair_id == fair_id,
        Registration.status.in_(ACTIVE),
    )
