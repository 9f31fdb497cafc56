"""Public reads, no token: the catalogue's fairs, sectors, cities and organizers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _
from flask_smorest import Blueprint, abort

from fairplanner.api import cursors
from fairplanner.api.schemas import (
    DEFAULT_LIMIT,
    PROBLEM,
    CitySchema,
    FairDetailSchema,
    FairPageSchema,
    FairQuerySchema,
    OrganizerSchema,
    SectorSchema,
    VenueSchema,
)
from fairplanner.catalogue import queries
from fairplanner.catalogue.forms import parse_filters
from fairplanner.catalogue.models import City, Organizer
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.readonly import read_only

blp = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    description="The public catalogue (no token; CORS open).",
)


def _problem_responses(*codes: int):  # type: ignore[no-untyped-def]
    """The problems a read may answer with, and 304 (ETag and If-None-Match, see headers)."""

    def decorate(view):  # type: ignore[no-untyped-def]
        view = blp.alt_response(304, description="Not modified (If-None-Match)")(view)
        for code in codes:
            view = blp.alt_response(code, **PROBLEM)(view)
        return view

    return decorate


@blp.get("/fairs")
@blp.arguments(FairQuerySchema, location="query", as_kwargs=True)
@blp.response(200, FairPageSchema)
@_problem_responses(422)
@read_only
def fairs(**_checked: Any) -> dict[str, Any]:
    """Published and cancelled fairs, filtered and searched as the catalogue page does."""
    parsed = parse_filters(request.args, max_query=current_app.config["MAX_QUERY_LENGTH"])
    errors = {field.name: list(field.errors) for field in parsed.form if field.errors}
    errors.pop("page", None)  # the page's own numbering: the API pages by cursor
    if parsed.filters.date_from and parsed.filters.date_to is None and request.args.get("to"):
        errors.setdefault("to", []).append(_("The end date is before the start date."))
    if errors:
        abort(422, errors=errors)
    filters, today = parsed.filters, minsk_today()
    position = cursors.read(request.args.get("cursor"))
    corrected = None
    if position is None:
        limit = request.args.get("limit", DEFAULT_LIMIT, type=int)
        found = queries.search_page(filters, today=today, page=1, per_page=limit)
        page, corrected = found.pagination, found.suggestion
        filters = found.filters
    else:
        limit = position.limit
        filters = replace(filters, q=position.q or filters.q, relaxed=position.relaxed)
        page = queries.ranked_page(filters, today=today, page=position.page, per_page=limit)
        corrected = position.q
    following = None
    if page.has_next:
        following = cursors.write(
            cursors.Position(page.page + 1, limit, corrected, filters.relaxed)
        )
    return {"items": list(page.items), "next_cursor": following, "corrected_q": corrected}


@blp.get("/fairs/<slug>")
@blp.response(200, FairDetailSchema)
@_problem_responses(404)
@read_only
def fair(slug: str) -> Any:
    """One fair with its programme, sectors, city, venue and organizer; drafts are 404."""
    return db.one_or_404(queries.fair_by_slug(slug))


@blp.get("/sectors")
@blp.response(200, SectorSchema(many=True))
@_problem_responses()
@read_only
def sectors() -> Any:
    """Every sector, by code."""
    return db.session.scalars(queries.sectors()).all()


@blp.get("/cities")
@blp.response(200, CitySchema(many=True))
@_problem_responses()
@read_only
def cities() -> Any:
    """Cities where at least one published fair is held."""
    return db.session.scalars(queries.cities().order_by(City.slug)).all()


@blp.get("/venues")
@blp.response(200, VenueSchema(many=True))
@_problem_responses()
@read_only
def venues() -> Any:
    """Every venue with its city and address: the places a fair may be held. An organizer's
    new fair (POST /organizer/fairs) names one by its slug."""
    return db.session.scalars(queries.venues()).all()


@blp.get("/organizers")
@blp.response(200, OrganizerSchema(many=True))
@_problem_responses()
@read_only
def organizers() -> Any:
    """Organizers with at least one published fair."""
    return db.session.scalars(queries.organizers().order_by(Organizer.slug)).all()
