"""Reads for the catalogue: the filtered fair list, a fair page, the month view, choices."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, case, false, func, select
from sqlalchemy.orm import joinedload, selectinload

from fairplanner import display
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
from fairplanner.catalogue.search import fuzzy
from fairplanner.catalogue.search import query as search
from fairplanner.catalogue.search.analyzer import ASIDE, GENERIC, QueryTerm, query_terms
from fairplanner.extensions import db
from fairplanner.i18n import localized
from fairplanner.text import fold

VISIBLE = (FairStatus.PUBLISHED, FairStatus.CANCELLED)
MAX_TERMS = 8
PHRASE = 16  # the score of the typed phrase in a name: above any single word's
KIND = ASIDE  # a fair of the kind a generic word names: as much as a word in its sectors


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
    relaxed: bool = False  # the search's words need not all match (the fallback, not a filter)


def search_terms(q: str | None) -> list[QueryTerm]:
    """The analysed words of a search (stemmed, stop words out), at most MAX_TERMS of them."""
    return query_terms(q, limit=MAX_TERMS)


def fairs_matching(filters: FairFilters, *, today: date) -> Select[tuple[Fair]]:
    """Visible fairs matching `filters`; a search ranks them (name, then sector, place, venue
    and organizer, then description; the typed phrase in the name first), then soonest first."""
    return _ranked(filters, today=today).options(*CARD)


# Each row shows its venue, city, organizer and sectors: load them with the page.
CARD = (
    joinedload(Fair.venue).joinedload(Venue.city),
    joinedload(Fair.organizer),
    joinedload(Fair.logo),
    joinedload(Fair.cover),
    selectinload(Fair.sectors),
)


def _ranked(filters: FairFilters, *, today: date) -> Select[tuple[Fair]]:
    stmt = _filtered(filters, today=today)
    order = []
    terms = search_terms(filters.q)
    if terms:
        found = search.hits(terms, relaxed=filters.relaxed).subquery()
        stmt = stmt.join(found, found.c.fair_id == Fair.id)
        if filters.relaxed:
            order.append(found.c.matched.desc())  # the most of the words first
        bonus = _phrase_bonus(filters.q or "") + _kind_bonus(terms)
        order.append((found.c.score + bonus).desc())
    elif filters.q and filters.q.strip():
        stmt = stmt.where(false())  # only stop words or signs: nothing to look for
    return stmt.order_by(*order, Fair.starts_on, Fair.ends_on, Fair.id)


def _kind_bonus(terms: list[QueryTerm]) -> ColumnElement[int] | int:
    """More for a fair of the kind a generic word names ("ярмарка мебели": fairs first), as
    much as a word found in its sectors."""
    kinds = {GENERIC[t.stem] for t in terms if not t.required and GENERIC.get(t.stem)}
    if not kinds:
        return 0
    return case((Fair.kind.in_([FairKind(kind) for kind in sorted(kinds)]), KIND), else_=0)


def _phrase_bonus(q: str) -> ColumnElement[int]:
    """More for a name that holds the search as typed, most for one that begins with it."""
    phrase = " ".join(fold(q).split())
    return case(
        (Fair.search_name.startswith(phrase, autoescape=True), PHRASE * 2),
        (Fair.search_name.contains(phrase, autoescape=True), PHRASE),
        else_=0,
    )


def matching(filters: FairFilters, *, today: date) -> Select[tuple[Fair]]:
    """The filter conditions alone, with no loading options or order (for counts, feeds)."""
    stmt = _filtered(filters, today=today)
    terms = search_terms(filters.q)
    if terms:
        found = search.hits(terms, relaxed=filters.relaxed).subquery()
        stmt = stmt.where(Fair.id.in_(select(found.c.fair_id)))
    elif filters.q and filters.q.strip():
        stmt = stmt.where(false())
    return stmt


def _filtered(filters: FairFilters, *, today: date) -> Select[tuple[Fair]]:
    """Every condition but the search words."""
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
    return stmt


class RankedPagination(Pagination):
    """A page of ranked fairs: one statement gives the page's ids and, in a window count, the
    total (the search runs once, not once for the count and once for the page); a second
    loads those fairs for their cards (a third, their sectors)."""

    relaxed = False  # the relaxed fallback's fairs: some of the words, not all

    def _query_items(self) -> list[Fair]:
        ranked: Select[tuple[Fair]] = self._query_args["ranked"]
        ids_stmt = ranked.with_only_columns(Fair.id, func.count().over().label("total"))
        rows = db.session.execute(
            ids_stmt.limit(self.per_page).offset((self.page - 1) * self.per_page)
        ).all()
        self._total = rows[0].total if rows else None
        if not rows:
            return []
        loaded = db.session.scalars(
            select(Fair).where(Fair.id.in_([r.id for r in rows])).options(*CARD)
        )
        by_id = {fair.id: fair for fair in loaded.unique()}
        return [by_id[row.id] for row in rows]

    def _query_count(self) -> int:
        if self._total is not None:
            return self._total
        if self.page == 1:
            return 0
        ranked: Select[tuple[Fair]] = self._query_args["ranked"]  # past the last page
        return (
            db.session.scalar(select(func.count()).select_from(ranked.order_by(None).subquery()))
            or 0
        )


@dataclass
class SearchPage:
    """One page of the catalogue's list, and the corrected search when the typed one found
    nothing and the correction did (its fairs are then the page's)."""

    filters: FairFilters
    pagination: Pagination
    suggestion: str | None = None

    @property
    def relaxed(self) -> bool:
        """No fair has every word: the page lists those with some of them."""
        return self.filters.relaxed

    @property
    def total(self) -> int:
        return self.pagination.total or 0


def ranked_page(filters: FairFilters, *, today: date, page: int, per_page: int) -> Pagination:
    """A page of `fairs_matching(filters)`. A search is counted in the same statement as the
    page (it would otherwise run twice); a plain list is cheaper counted apart, since its page
    comes straight from the date index."""
    if not search_terms(filters.q):
        stmt = fairs_matching(filters, today=today)
        return db.paginate(stmt, page=page, per_page=per_page, error_out=False)
    ranked = _ranked(filters, today=today)
    pagination = RankedPagination(page=page, per_page=per_page, error_out=False, ranked=ranked)
    pagination.relaxed = filters.relaxed  # the page says so (catalogue/_suggestion.html)
    return pagination


def search_page(filters: FairFilters, *, today: date, page: int, per_page: int) -> SearchPage:
    """The list page of `filters`. When a search matches nothing, one more statement finds its
    words that no fair has; if the nearest known words (fuzzy) give a search that matches, its
    fairs are the page's, with the suggestion. When every word is known but no fair has them
    all, the page lists the fairs with the most of them (relaxed)."""
    found = SearchPage(filters, ranked_page(filters, today=today, page=page, per_page=per_page))
    if found.total or not filters.q:
        return found
    correction = fuzzy.correct(filters.q, limit=MAX_TERMS)
    if correction.text is not None:
        corrected = replace(filters, q=correction.text)
        pagination = ranked_page(corrected, today=today, page=page, per_page=per_page)
        return SearchPage(corrected, pagination, correction.text) if pagination.total else found
    if correction.known and sum(t.required for t in search_terms(filters.q)) > 1:
        relaxed = replace(filters, relaxed=True)
        pagination = ranked_page(relaxed, today=today, page=page, per_page=per_page)
        return SearchPage(relaxed, pagination) if pagination.total else found
    return found


def suggestion_for(filters: FairFilters) -> str | None:
    """The corrected search for a view that found nothing (the month view), or None."""
    return fuzzy.suggest(filters.q, limit=MAX_TERMS) if filters.q else None


def fair_by_slug(slug: str) -> Select[tuple[Fair]]:
    """One visible fair with everything its page shows."""
    return (
        select(Fair)
        .where(Fair.slug == slug, Fair.status.in_(VISIBLE))
        .options(
            joinedload(Fair.venue).joinedload(Venue.city),
            joinedload(Fair.organizer),
            joinedload(Fair.logo),
            joinedload(Fair.cover),
            selectinload(Fair.sectors),
            selectinload(Fair.programme),
        )
    )


def sectors() -> Select[tuple[Sector]]:
    return select(Sector).order_by(Sector.code)


def sector_names(codes: Collection[str]) -> dict[str, str]:
    """Sectors by their codes, in the current language (one query)."""
    found = db.session.scalars(select(Sector).where(Sector.code.in_(codes)))
    return {sector.code: localized(sector, "name") for sector in found}


def city_names(slugs: Collection[str]) -> dict[str, str]:
    """Cities by their slugs, in the current language (one query)."""
    found = db.session.scalars(select(City).where(City.slug.in_(slugs)))
    return {city.slug: localized(city, "name") for city in found}


# The catalogue's coded references, as templates, exports and the change log show them
# (display knows no domain: the catalogue registers them when it is imported).
display.register_many("sectors", sector_names)
display.register_many("cities", city_names)


def cities() -> Select[tuple[City]]:
    """Cities where at least one visible fair is held."""
    held = select(Venue.city_id).join(Fair, Fair.venue_id == Venue.id)
    return select(City).where(City.id.in_(held.where(Fair.status.in_(VISIBLE))))


def organizers() -> Select[tuple[Organizer]]:
    """Organizers with at least one visible fair."""
    return select(Organizer).where(
        Organizer.id.in_(select(Fair.organizer_id).where(Fair.status.in_(VISIBLE)))
    )


def venues() -> Select[tuple[Venue]]:
    """Every venue with its city, by city and name: the places a fair may be held (an
    organizer's new fair names one)."""
    return (
        select(Venue)
        .join(Venue.city)
        .options(joinedload(Venue.city))
        .order_by(City.slug, Venue.slug)
    )


def public_fair_pages() -> Select[tuple[str, datetime]]:
    """Slug and last change of every fair with a public page, soonest first (the sitemap)."""
    return (
        select(Fair.slug, Fair.updated_at)
        .where(Fair.status.in_(VISIBLE))
        .order_by(Fair.starts_on, Fair.id)
    )
