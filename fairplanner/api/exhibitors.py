"""A fair's public exhibitor catalogue: what its page (/fairs/<slug>/exhibitors) shows, with the
page's own filters, search and order (fairplanner.exhibitors.services.catalogue_page, whose
cards sit in the shared cache), in both languages and paged by cursor."""

from __future__ import annotations

from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_smorest import abort
from itsdangerous import BadSignature, URLSafeSerializer
from marshmallow import EXCLUDE, Schema, fields, validate
from sqlalchemy import select

from fairplanner import display
from fairplanner.accounts.models import Country
from fairplanner.api import headers
from fairplanner.api.schemas import DEFAULT_LIMIT, MAX_LIMIT, Answer, SectorSchema
from fairplanner.api.views import _problem_responses, blp
from fairplanner.catalogue.models import Sector
from fairplanner.core.urls import public_url
from fairplanner.exhibitors import queries, services
from fairplanner.extensions import db
from fairplanner.readonly import read_only
from fairplanner.registrations.models import Registration

CURSOR_SALT = "api-exhibitor-cursor"
MAX_PAGE = 100_000
FILTER_MAX = 60  # as the page's filters (fairplanner.exhibitors.views)


class EntryTextSchema(Answer):
    """A catalogue entry as its company wrote it: either language may be missing."""

    ru = fields.String(allow_none=True, required=True)
    en = fields.String(allow_none=True, required=True)


class ExhibitorSchema(Answer):
    """One exhibitor's card, as the fair's exhibitor catalogue shows it."""

    name = fields.String(required=True, metadata={"description": "The company's short name"})
    company_slug = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "The company's public page is at /companies/{company_slug}"},
    )
    company_url = fields.String(allow_none=True, required=True)
    country = fields.Enum(Country, by_value=True, allow_none=True, required=True)
    region = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "A Belarusian oblast or Russian federal subject code"},
    )
    place = fields.Nested(
        EntryTextSchema,
        allow_none=True,
        required=True,
        metadata={"description": "Country and region in words"},
    )
    website = fields.String(allow_none=True, required=True)
    logo = fields.String(allow_none=True, required=True, metadata={"description": "Image URL"})
    sectors = fields.List(fields.Nested(SectorSchema), required=True)
    entry = fields.Nested(EntryTextSchema, allow_none=True, required=True)
    hall = fields.String(allow_none=True, required=True)
    stand = fields.String(allow_none=True, required=True)


class ExhibitorPageSchema(Answer):
    items = fields.List(fields.Nested(ExhibitorSchema), required=True)
    total = fields.Integer(required=True, metadata={"description": "Matching the filters"})
    next_cursor = fields.String(
        allow_none=True,
        required=True,
        metadata={"description": "Pass as `cursor` for the next page; null on the last one."},
    )


class ExhibitorQuerySchema(Schema):
    """The exhibitor catalogue page's filters, a cursor and a limit."""

    class Meta:
        unknown = EXCLUDE

    q = fields.String(
        validate=validate.Length(max=200),
        metadata={"description": "Search in names, entries and sectors (Russian or English)"},
    )
    sector = fields.String(
        validate=validate.Length(max=FILTER_MAX), metadata={"description": "A sector code"}
    )
    country = fields.String(
        validate=validate.OneOf([c.value for c in Country]),
        metadata={"enum": [c.value for c in Country]},
    )
    hall = fields.String(validate=validate.Length(max=FILTER_MAX))
    cursor = fields.String(
        metadata={"description": "next_cursor of the previous page (it keeps that page's limit)"}
    )
    limit = fields.Integer(
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Exhibitors per page (default {DEFAULT_LIMIT})"},
    )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=CURSOR_SALT)


def _position(cursor: str | None, limit: int | None) -> tuple[int, int]:
    """(page, limit) from a cursor this endpoint gave, else the first page; 422 for another."""
    if cursor is None:
        return 1, limit or DEFAULT_LIMIT
    try:
        page, size = (int(n) for n in _serializer().loads(cursor))
    except (BadSignature, ValueError, TypeError):
        page = size = 0
    if not (1 <= page <= MAX_PAGE and 1 <= size <= MAX_LIMIT):
        abort(422, errors={"cursor": [_("This is not a cursor that this API gave.")]})
    return page, size


def _both(value: Any) -> dict[str, str | None] | None:
    """A text the display layer words in the current language, in Russian and in English."""
    texts = {}
    for lang in ("ru", "en"):
        with force_locale(lang):
            texts[lang] = value() or None
    return None if not any(texts.values()) else texts


@blp.get("/fairs/<slug>/exhibitors")
@blp.arguments(ExhibitorQuerySchema, location="query", as_kwargs=True)
@blp.response(200, ExhibitorPageSchema)
@_problem_responses(404, 422)
@read_only
def exhibitors(slug: str, **args: Any) -> dict[str, Any]:
    """The fair's public exhibitor catalogue: approved exhibitors whose companies list them,
    by name in Russian alphabetical order; drafts and unknown fairs are 404."""
    fair = db.one_or_404(queries.visible_fair(slug))
    page_number, limit = _position(args.get("cursor"), args.get("limit"))
    filters = services.Filters(
        q=args.get("q", "").strip(),
        sector=args.get("sector", "").strip(),
        country=args.get("country", ""),
        hall=args.get("hall", "").strip(),
        page=page_number,
    )
    page = services.catalogue_page(fair, filters, per_page=limit)
    # catalogue_page shows its last page for one past the end: a cursor there has no more.
    cards = page.cards if page.page == page_number else []
    following = None
    if cards and page.has_next:
        following = _serializer().dumps([page.page + 1, limit])
    return {"items": _items(cards, page.logos), "total": page.total, "next_cursor": following}


def _items(cards: list[services.Card], logos: Any) -> list[dict[str, Any]]:
    """The cards in both languages: their entries and sectors' names read for the page at
    once (two statements whatever its size)."""
    ids = [card.registration_id for card in cards]
    entries = {
        row.id: row
        for row in db.session.execute(
            select(Registration.id, Registration.entry_ru, Registration.entry_en).where(
                Registration.id.in_(ids)
            )
        )
    }
    codes = {code for card in cards for code, _name in card.sectors}
    sectors = {s.code: s for s in db.session.scalars(select(Sector).where(Sector.code.in_(codes)))}
    items = []
    for card in cards:
        row = entries.get(card.registration_id)
        entry = {"ru": row.entry_ru or None, "en": row.entry_en or None} if row else None
        logo = logos.get(card.company_id)
        items.append(
            {
                "name": card.name,
                "company_slug": card.slug,
                "company_url": public_url(url_for("exhibitors.company", slug=card.slug))
                if card.slug
                else None,
                "country": Country(card.country) if card.country else None,
                "region": card.region,
                "place": _both(lambda c=card: display.place(c.country, c.region)),
                "website": card.website,
                "logo": public_url(logo) if logo else None,
                "sectors": [sectors[code] for code, _name in card.sectors if code in sectors],
                "entry": entry if entry and any(entry.values()) else None,
                "hall": card.hall,
                "stand": card.stand,
            }
        )
    return items


# The cards depend on the applications and companies too, not on the catalogue alone.
headers.depend("api.exhibitors", services.CARDS_DEPEND_ON)
