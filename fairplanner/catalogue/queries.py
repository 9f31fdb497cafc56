"""Reads for the catalogue: the filtered fair list, a fair page, the month view, choices."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, case, literal, or_, select
from sqlalchemy.orm import joinedload, selectinload

from fairplanner.catalogue.models import (
    City,
    Fair,
    FairKind,
    FairStatus,
    Oblast,
    Organizer,
    Sector,
    Venue,
)
from fairplanner.text import fold

VISIBLE = (FairStatus.PUBLISHED, FairStatus.CANCELLED)
MAX_TERMS = 8


@dataclass(frozen=True)
class FairFilters:
    """The public catalogue filters (the query parameters of `/`, the month view and feeds)."""

    q: str | None = None
    sector: str | None = None
    city: str | None = None
    oblast: Oblast | None = None
    organizer: str | None = None
    kind: FairKind | None = None
    date_from: date | None = None
    date_to: date | None = None
    include_past: bool = False


def search_terms(q: str | None) -> list[str]:
    """The folded words of a search, at most MAX_TERMS of them."""
    return fold(q or "").split()[:MAX_TERMS]


def fairs_matching(filters: FairFilters, *, today: date) -> Select[tuple[Fair]]:
    """Visible fairs matching `filters`: name matches first, then soonest first."""
    stmt = matching(filters, today=today)
    rank = literal(0)
    for term in search_terms(filters.q):
        rank = rank + case((Fair.search_name.contains(term, autoescape=True), 1), else_=0)
    return stmt.options(
        # Each row shows its venue, city, organizer and sectors: load them with the page.
        joinedload(Fair.venue).joinedload(Venue.city),
        joinedload(Fair.organizer),
        selectinload(Fair.sectors),
    ).order_by(rank.desc(), Fair.starts_on, Fair.ends_on, Fair.id)


def matching(filters: FairFilters, *, today: date) -> Select[tuple[Fair]]:
    """The filter conditions alone, with no loading options or order (for counts, feeds)."""
    stmt = select(Fair).where(Fair.status.in_(VISIBLE))
    lower = filters.date_from or (None if filters.include_past else today)
    if lower is not None:
        stmt = stmt.where(Fair.ends_on >= lower)
    if filters.date_to is not None:
        stmt = stmt.where(Fair.starts_on <= filters.date_to)
    if filters.kind is not None:
        stmt = stmt.where(Fair.kind == filters.kind)
    if filters.sector:
        stmt = stmt.where(Fair.sectors.any(Sector.code == filters.sector))
    if filters.organizer:
        stmt = stmt.where(Fair.organizer.has(Organizer.slug == filters.organizer))
    if filters.city or filters.oblast:
        city_cond = []
        if filters.city:
            city_cond.append(City.slug == filters.city)
        if filters.oblast:
            city_cond.append(City.oblast == filters.oblast)
        stmt = stmt.where(Fair.venue.has(Venue.city.has(and_(*city_cond))))
    for term in search_terms(filters.q):
        in_name = Fair.search_name.contains(term, autoescape=True)
        stmt = stmt.where(or_(in_name, Fair.search_body.contains(term, autoescape=True)))
    return stmt


def fair_by_slug(slug: str) -> Select[tuple[Fair]]:
    """One visible fair with everything its page shows."""
    return (
        select(Fair)
        .where(Fair.slug == slug, Fair.status.in_(VISIBLE))
        .options(
            joinedload(Fair.venue).joinedload(Venue.city),
            joinedload(Fair.organizer),
            selectinload(Fair.sectors),
            selectinload(Fair.programme),
        )
    )


def sectors() -> Select[tuple[Sector]]:
    return select(Sector).order_by(Sector.code)


def cities() -> Select[tuple[City]]:
    """Cities where at least one visible fair is held."""
    held = select(Venue.city_id).join(Fair, Fair.venue_id == Venue.id)
    return select(City).where(City.id.in_(held.where(Fair.status.in_(VISIBLE))))


def organizers() -> Select[tuple[Organizer]]:
    """Organizers with at least one visible fair."""
    return select(Organizer).where(
        Organizer.id.in_(select(Fair.organizer_id).where(Fair.status.in_(VISIBLE)))
    )
