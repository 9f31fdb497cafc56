"""The exhibitor catalogue page (filters, search, Russian order, letter index, pages), the
company page and the organizer's edits of an entry.

A fair's public listings are read in two statements whatever their number (the cards' columns,
and the companies' sectors), then filtered, searched and ordered here: the search uses the
catalogue's own analyzer (fairplanner.catalogue.search.analyzer: folding, stop words, Snowball
stems, synonyms), and the order is that of `fairplanner.text.fold` (case-blind, ё read as е,
then ё after е), the same on SQLite and PostgreSQL whatever the database's collation.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from fairplanner import display
from fairplanner.accounts.models import Company, User
from fairplanner.cache import cache_key, cached
from fairplanner.catalogue.models import Fair
from fairplanner.catalogue.search import analyzer
from fairplanner.errors import DomainError
from fairplanner.exhibitors import queries
from fairplanner.extensions import db
from fairplanner.i18n import current_language
from fairplanner.media.models import Image
from fairplanner.media.services import media_url
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus
from fairplanner.registrations.services import record
from fairplanner.text import fold

PER_PAGE = 30
OTHER_LETTER = "#"  # names that start with a digit or a sign


class EntryError(DomainError):
    status_code = 422


# Legal forms a name may start with: a catalogue files ООО «Вятка» under В, as printed ones do.
_FORMS = "ооо оао зао ао пао нао ип чуп уп руп куп оду одо сооо иооо чтуп чп тоо"
LEGAL_FORMS = frozenset(f"{_FORMS} llc ltd jsc cjsc ojsc pjsc inc".split())
_LEADING_FORM = re.compile(r"^\W*([^\W_]+)\b\W*(?=\w)")


def sort_key(name: str) -> tuple[str, str]:
    """A company name in Russian alphabetical order: case-blind, a legal form and quotes in
    front ignored (ООО «Вятка» with the В), ё with е and then after it (ежи, ёжик, ежиха)."""
    folded = fold(name)
    start = 0
    found = _LEADING_FORM.match(folded)
    if found and found.group(1) in LEGAL_FORMS:
        start = found.end()
    while start < len(folded) and not folded[start].isalnum():
        start += 1
    return folded[start:], name[start:].casefold()


def letter(key: str) -> str:
    first = key[:1]
    return first.upper() if first.isalpha() else OTHER_LETTER


def entry_text(
    entry_ru: str | None, entry_en: str | None, lang: str
) -> tuple[str | None, str | None]:
    """The entry in the reader's language, else the other one with its language (the page
    marks it: "(in Russian)"); (None, None) when the company wrote none."""
    own, other, other_lang = (
        (entry_ru, entry_en, "en") if lang == "ru" else (entry_en, entry_ru, "ru")
    )
    if own:
        return own, None
    if other:
        return other, other_lang
    return None, None


def logo_urls(company_ids: Iterable[int]) -> Mapping[int, str]:
    """The logos of these companies (company id -> image URL, thumbnail size), for a page at
    once: one statement for the whole page."""
    ids = sorted(set(company_ids))
    if not ids:
        return {}
    rows = db.session.execute(
        select(Company.id, Image)
        .join(Image, Company.logo_id == Image.id)
        .where(Company.id.in_(ids))
    )
    return {company_id: media_url(image, "thumb") for company_id, image in rows}


@dataclass(frozen=True)
class Card:
    registration_id: int
    company_id: int
    slug: str | None
    name: str
    country: Any
    region: str | None
    website: str | None
    sectors: list[tuple[str, str]]  # (code, name), in the reader's order
    entry: str | None
    entry_lang: str | None  # the entry's language when it is not the reader's
    hall: str | None
    stand: str | None
    key: tuple[str, str]
    terms: frozenset[str] = field(default=frozenset(), compare=False)

    @property
    def letter(self) -> str:
        return letter(self.key[0])


@dataclass(frozen=True)
class Filters:
    q: str = ""
    sector: str = ""
    country: str = ""
    hall: str = ""
    page: int = 1

    def args(self, **override: object) -> dict[str, object]:
        values = {"q": self.q, "sector": self.sector, "country": self.country, "hall": self.hall}
        values.update(override)
        return {k: v for k, v in values.items() if v not in ("", None, 1)}


@dataclass
class CataloguePage:
    fair: Fair
    filters: Filters
    cards: list[Card]  # this page's
    total: int  # matching the filters
    listed: int  # every public listing of the fair
    page: int
    pages: int
    letters: list[tuple[str, int]]  # (letter, the page where its names start)
    sectors: list[tuple[str, str]]  # the filter's choices: those of the listed companies
    countries: list[tuple[str, str]]
    halls: list[str]
    logos: Mapping[int, str] = field(default_factory=dict)

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


# What a fair's cards depend on: the fair, its sectors' names, the applications and companies.
CARDS_DEPEND_ON = ("catalogue", "registrations")


# Cards parsed from the shared cache, by key: the key holds the generations, so a key's cards
# never change (as fairplanner.pagecache keeps parsed blocks).
_PARSED_MAX = 32
_parsed_cards: dict[str, list[Card]] = {}


def _cards(fair: Fair, *, with_terms: bool) -> list[Card]:
    """Every public card of the fair in the catalogue's order (by name), kept in the shared
    cache (fairplanner.cache) under the generations they depend on: a busy catalogue reads
    its 3,000 rows once per change, and each process parses them once."""
    lang = current_language()
    parts = (fair.id, lang, with_terms)
    key = cache_key("exhibitor-cards", CARDS_DEPEND_ON, parts)
    if key is not None and key in _parsed_cards:
        return _parsed_cards[key]
    stored = cached(
        "exhibitor-cards",
        CARDS_DEPEND_ON,
        parts,
        lambda: json.dumps(
            [_stored(c) for c in _read_cards(fair, lang, with_terms=with_terms)],
            ensure_ascii=False,
        ).encode(),
    )
    cards = [_card(item) for item in json.loads(stored)]
    if key is not None:
        if len(_parsed_cards) >= _PARSED_MAX:
            _parsed_cards.clear()
        _parsed_cards[key] = cards
    return cards


def _stored(card: Card) -> dict[str, Any]:
    item = {f.name: getattr(card, f.name) for f in fields(card)}
    item["country"] = getattr(card.country, "value", card.country)
    item["terms"] = sorted(card.terms)
    return item


def _card(item: dict[str, Any]) -> Card:
    item["sectors"] = [tuple(pair) for pair in item["sectors"]]
    item["key"] = tuple(item["key"])
    item["terms"] = frozenset(item["terms"])
    return Card(**item)


def _read_cards(fair: Fair, lang: str, *, with_terms: bool) -> list[Card]:
    # Each sector named once (not once per company), then each company's in the reader's order.
    named: dict[str, tuple[str, str, str]] = {}  # code -> (name, name_ru, name_en)
    sectors: dict[int, list[str]] = {}
    for company_id, code, name_ru, name_en in db.session.execute(queries.listing_sectors(fair.id)):
        if code not in named:
            own, other = (name_ru, name_en) if lang == "ru" else (name_en, name_ru)
            named[code] = (own or other, name_ru, name_en)
        sectors.setdefault(company_id, []).append(code)
    order = {code: sort_key(value[0]) for code, value in named.items()}
    cards = []
    for row in db.session.execute(queries.listings(fair.id)).mappings():
        name = row["short_name"] or row["legal_name"]
        own = sorted(sectors.get(row["company_id"], []), key=order.__getitem__)
        text, text_lang = entry_text(row["entry_ru"], row["entry_en"], lang)
        terms: frozenset[str] = frozenset()
        if with_terms:
            names = " ".join(f"{named[code][1]} {named[code][2]}" for code in own)
            texts = (row["legal_name"], row["short_name"], row["entry_ru"], row["entry_en"], names)
            terms = frozenset(analyzer.terms(" ".join(t for t in texts if t)))
        cards.append(
            Card(
                registration_id=row["id"],
                company_id=row["company_id"],
                slug=row["slug"],
                name=name,
                country=row["country"],
                region=row["region"],
                website=row["website"],
                sectors=[(code, named[code][0]) for code in own],
                entry=text,
                entry_lang=text_lang,
                hall=_text(row.get("hall")),
                stand=_text(row.get("stand")),
                key=sort_key(name),
                terms=terms,
            )
        )
    cards.sort(key=lambda c: (c.key, c.registration_id))  # stored in this order
    return cards


def _text(value: object) -> str | None:
    return None if value in (None, "") else str(value)


def _matches(card: Card, terms: list[analyzer.QueryTerm]) -> bool:
    for term in terms:
        if not term.required:
            continue
        found = term.stem in card.terms or (
            term.prefix and any(t.startswith(term.stem) for t in card.terms)
        )
        if not found:
            return False
    return True


def catalogue_page(fair: Fair, filters: Filters, *, per_page: int = PER_PAGE) -> CataloguePage:
    """One page of the fair's exhibitor catalogue (three statements with the fair's)."""
    terms = analyzer.query_terms(filters.q) if filters.q.strip() else []
    cards = _cards(fair, with_terms=bool(terms))
    sector_names = dict(s for c in cards for s in c.sectors)
    codes = {c.country for c in cards if c.country}  # each country named once
    countries = {str(getattr(code, "value", code)): display.country_name(code) for code in codes}
    halls = sorted({c.hall for c in cards if c.hall}, key=sort_key)
    found = [
        c
        for c in cards
        if (not filters.sector or filters.sector in dict(c.sectors))
        and (not filters.country or str(getattr(c.country, "value", c.country)) == filters.country)
        and (not filters.hall or c.hall == filters.hall)
        and (not terms or _matches(c, terms))
    ]
    pages = max(1, math.ceil(len(found) / per_page))
    page = min(max(filters.page, 1), pages)
    letters: dict[str, int] = {}
    for index, card in enumerate(found):
        letters.setdefault(card.letter, index // per_page + 1)
    shown = found[(page - 1) * per_page : page * per_page]
    return CataloguePage(
        fair=fair,
        filters=filters,
        cards=shown,
        total=len(found),
        listed=len(cards),
        page=page,
        pages=pages,
        letters=list(letters.items()),
        sectors=sorted(sector_names.items(), key=lambda item: sort_key(item[1])),
        countries=sorted(countries.items(), key=lambda item: sort_key(item[1])),
        halls=halls,
        logos=logo_urls(c.company_id for c in shown),
    )


def public_count(fair: Fair) -> int:
    return db.session.scalar(queries.public_count(fair.id)) or 0


@dataclass
class CompanyPage:
    company: Company
    upcoming: list[tuple[Registration, str | None, str | None]]  # (listing, entry, its lang)
    past: list[tuple[Registration, str | None, str | None]]
    logo: str | None


def company_page(company: Company, *, today: date) -> CompanyPage:
    lang = current_language()
    upcoming, past = [], []
    for registration in db.session.scalars(queries.company_listings(company.id)):
        text, text_lang = entry_text(registration.entry_ru, registration.entry_en, lang)
        item = (registration, text, text_lang)
        (upcoming if registration.fair.ends_on >= today else past).append(item)
    upcoming.reverse()  # the soonest first
    return CompanyPage(company, upcoming, past, logo_urls([company.id]).get(company.id))


def edit_entry(
    registration: Registration,
    *,
    entry_ru: str | None,
    entry_en: str | None,
    hidden: bool,
    actor: User,
) -> dict[str, list[Any]]:
    """The organizer changes an exhibitor's catalogue entry or hides it; the application's
    history (the change log) keeps what changed and who changed it."""
    if registration.status != RegistrationStatus.APPROVED:
        raise EntryError(_("Only approved exhibitors have a catalogue entry."))
    values = {"entry_ru": entry_ru, "entry_en": entry_en, "entry_hidden": hidden}
    return _change_entry(registration, values, action="entry_edited", actor=actor)


# An application whose entry its company may still write: not withdrawn or refused.
WRITABLE = (
    RegistrationStatus.SUBMITTED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.APPROVED,
)


def write_entry(
    registration: Registration,
    *,
    listed: bool,
    entry_ru: str | None,
    entry_en: str | None,
    actor: User,
    today: date,
) -> dict[str, list[Any]]:
    """The company writes its own catalogue entry (and whether it is listed), also after
    approval and until its fair ends: the organizer's e-catalogue is due before the opening.
    Whether the organizer hid it stays the organizer's."""
    if registration.role != RegistrationRole.EXHIBITOR or registration.status not in WRITABLE:
        raise EntryError(_("Only an exhibitor's application in progress has a catalogue entry."))
    if registration.fair.ends_on < today:
        raise EntryError(_("The fair is over: its exhibitor catalogue can no longer change."))
    values = {"listed": listed, "entry_ru": entry_ru, "entry_en": entry_en}
    return _change_entry(registration, values, action="entry_written", actor=actor)


def _change_entry(
    registration: Registration, values: dict[str, Any], *, action: str, actor: User
) -> dict[str, list[Any]]:
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        old = getattr(registration, name)
        if old != value:
            changes[name] = [old, value]
            setattr(registration, name, value)
    if changes:
        record(registration, action, actor=actor, status_from=registration.status, changes=changes)
        db.session.flush()
    return changes


@dataclass(frozen=True)
class ConsoleEntry:
    """One approved exhibitor as the organizer sees it in the console."""

    registration: Registration
    name: str
    public: bool


def console_entries(fair: Fair) -> list[ConsoleEntry]:
    """Every approved exhibitor of the fair by name, with whether the catalogue shows it."""
    found = db.session.scalars(
        queries.approved_exhibitors(fair.id).options(contains_eager(Registration.company))
    ).all()
    entries = [
        ConsoleEntry(
            registration=r,
            name=display.company_name(r.company),
            public=r.listed and not r.entry_hidden and r.company.erased_at is None,
        )
        for r in found
    ]
    return sorted(entries, key=lambda e: (sort_key(e.name), e.registration.id))


def public_cards(fair: Fair) -> list[Card]:
    """The whole public catalogue of the fair, by name (exports and the print view)."""
    return _cards(fair, with_terms=False)


def grouped(cards: list[Card], by: str) -> list[tuple[str, list[Card]]]:
    """The print view's groups: by hall (those without one last) or by sector (a company of
    two sectors is in both, as in a printed catalogue; those of none last)."""
    groups: dict[str, list[Card]] = {}
    if by == "hall":
        for card in cards:
            groups.setdefault(card.hall or "", []).append(card)
        named = sorted((k for k in groups if k), key=sort_key)
        rest = _("Hall not assigned yet")
    else:
        for card in cards:
            for _code, name in card.sectors or [("", "")]:
                groups.setdefault(name, []).append(card)
        named = sorted((k for k in groups if k), key=sort_key)
        rest = _("No sector given")
    out = [(name, groups[name]) for name in named]
    if "" in groups:
        out.append((rest, groups[""]))
    return out


def export_table(fair: Fair) -> tuple[list[str], list[list[object]]]:
    """The public catalogue as a sheet: what the public page shows, one row per exhibitor."""
    header = [
        _("Company"),
        _("Country"),
        _("Region"),
        _("Sectors"),
        _("Catalogue entry in Russian"),
        _("Catalogue entry in English"),
        _("Website"),
        _("Hall"),
        _("Stand"),
    ]
    entries = {
        r.id: r
        for r in db.session.scalars(
            queries.approved_exhibitors(fair.id).where(Registration.listed.is_(True))
        )
    }
    rows: list[list[object]] = []
    for card in public_cards(fair):
        registration = entries.get(card.registration_id)
        rows.append(
            [
                card.name,
                display.country_name(card.country),
                display.region_name(card.country, card.region),
                ", ".join(name for _code, name in card.sectors),
                registration.entry_ru if registration else "",
                registration.entry_en if registration else "",
                card.website or "",
                card.hall or "",
                card.stand or "",
            ]
        )
    return header, rows
