"""The statements of the exhibitor catalogue: every one reads a whole list at once."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import contains_eager

from fairplanner.accounts.models import Company, company_sectors
from fairplanner.catalogue.models import Fair, Sector
from fairplanner.catalogue.queries import VISIBLE
from fairplanner.exhibitors.models import HallPlan
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus


def public() -> ColumnElement[bool]:
    """An application the catalogue shows: an approved exhibitor whose company lists it and
    still exists, not hidden by the organizer (the fair's visibility is checked apart)."""
    return (
        (Registration.role == RegistrationRole.EXHIBITOR)
        & (Registration.status == RegistrationStatus.APPROVED)
        & Registration.listed.is_(True)
        & Registration.entry_hidden.is_(False)
        & Company.erased_at.is_(None)
    )


def visible_fair(slug: str) -> Select[tuple[Fair]]:
    return select(Fair).where(Fair.slug == slug, Fair.status.in_(VISIBLE))


def listings(fair_id: int) -> Select:
    """Every public listing of the fair with what its card shows (one row each)."""
    return (
        select(
            Registration.id,
            Registration.entry_ru,
            Registration.entry_en,
            Company.id.label("company_id"),
            Company.slug,
            Company.legal_name,
            Company.short_name,
            Company.country,
            Company.region,
            Company.website,
            Registration.hall,
            Registration.stand,
        )
        .join(Company, Company.id == Registration.company_id)
        .where(Registration.fair_id == fair_id, public())
    )


def listing_sectors(fair_id: int) -> Select[tuple[int, str, str, str]]:
    """(company id, sector code, name_ru, name_en) of every company listed at the fair."""
    listed = (
        select(Registration.company_id)
        .join(Company, Company.id == Registration.company_id)
        .where(Registration.fair_id == fair_id, public())
    )
    return (
        select(company_sectors.c.company_id, Sector.code, Sector.name_ru, Sector.name_en)
        .join(Sector, Sector.id == company_sectors.c.sector_id)
        .where(company_sectors.c.company_id.in_(listed))
    )


def public_count(fair_id: int) -> Select[tuple[int]]:
    return (
        select(func.count())
        .select_from(Registration)
        .join(Company, Company.id == Registration.company_id)
        .where(Registration.fair_id == fair_id, public())
    )


def _listed() -> ColumnElement[bool]:
    """The company has at least one public listing at a visible fair."""
    return (
        select(Registration.id)
        .join(Fair, Fair.id == Registration.fair_id)
        .where(
            Registration.company_id == Company.id,
            Fair.status.in_(VISIBLE),
            public(),
        )
        .exists()
    )


def public_company(slug: str) -> Select[tuple[Company]]:
    """A company with at least one public listing at a visible fair."""
    return select(Company).where(Company.slug == slug, _listed())


def public_company_slugs() -> Select[tuple[str]]:
    """Every company page there is (the sitemap)."""
    return select(Company.slug).where(Company.slug.is_not(None), _listed()).order_by(Company.slug)


def fairs_with_exhibitors() -> Select[tuple[str]]:
    """The visible fairs whose exhibitor catalogue lists someone (the sitemap)."""
    return (
        select(Fair.slug)
        .where(
            Fair.status.in_(VISIBLE),
            select(Registration.id)
            .join(Company, Company.id == Registration.company_id)
            .where(Registration.fair_id == Fair.id, public())
            .exists(),
        )
        .order_by(Fair.starts_on, Fair.id)
    )


def company_listings(company_id: int) -> Select[tuple[Registration]]:
    """The company's public listings at visible fairs, the latest fair first."""
    return (
        select(Registration)
        .join(Fair, Fair.id == Registration.fair_id)
        .join(Company, Company.id == Registration.company_id)
        .where(Registration.company_id == company_id, Fair.status.in_(VISIBLE), public())
        .order_by(Fair.starts_on.desc(), Fair.id)
        .options(contains_eager(Registration.fair))
    )


def approved_exhibitors(fair_id: int) -> Select[tuple[Registration]]:
    """Every approved exhibitor of the fair, listed or not (the organizer's view)."""
    return (
        select(Registration)
        .join(Company, Company.id == Registration.company_id)
        .where(
            Registration.fair_id == fair_id,
            Registration.role == RegistrationRole.EXHIBITOR,
            Registration.status == RegistrationStatus.APPROVED,
        )
    )


def upcoming(today: date) -> ColumnElement[bool]:
    return Fair.ends_on >= today


def public_hall_plans() -> Select[tuple[str, str]]:
    """Fair slug and hall of every hall plan of a visible fair (the sitemap)."""
    return (
        select(Fair.slug, HallPlan.hall)
        .join(HallPlan, HallPlan.fair_id == Fair.id)
        .where(Fair.status.in_(VISIBLE))
        .order_by(Fair.starts_on, Fair.id, HallPlan.hall)
    )
