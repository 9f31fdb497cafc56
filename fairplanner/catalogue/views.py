"""The public catalogue: fair list with filters, fair pages and the month view."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, redirect, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from fairplanner.catalogue import month as month_view
from fairplanner.catalogue import queries, structured
from fairplanner.catalogue.forms import parse_filters
from fairplanner.catalogue.models import Fair, RegistrationState
from fairplanner.catalogue.structured import json_ld
from fairplanner.compose import Slot
from fairplanner.core import sitemap
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, current_language, minsk_today
from fairplanner.media.services import media_url
from fairplanner.pagecache import CACHED_PAGES, read_parameters, render_page
from fairplanner.readonly import read_only

bp = Blueprint("catalogue", __name__)


@bp.record_once
def _sitemap(state: BlueprintSetupState) -> None:
    sitemap.provide(state.app, _sitemap_pages, generations=("catalogue",))


def _sitemap_pages() -> Iterator[sitemap.Page]:
    """The list, and every fair's page (cancelled ones too: their page says so)."""
    yield sitemap.Page(url_for("catalogue.index"))
    for slug, updated_at in db.session.execute(queries.public_fair_pages()):
        yield sitemap.Page(url_for("catalogue.fair", slug=slug), updated_at.date())


# What upper packages show on these pages (fairplanner.compose), filled at start-up: the
# Follow buttons (following: `follow`) on all three; on the fair page the places held
# (`taken`, whence `state`) and the reader's company's applications by role (`mine`) from
# registrations; the link to its exhibitor catalogue with their number (`exhibitors`: url and
# count, or None) from exhibitors.
LIST_PAGE: Slot[[]] = Slot("catalogue.list")  # the list and the month
FAIR_PAGE: Slot[[Fair]] = Slot("catalogue.fair")


@dataclass(frozen=True)
class Suggestion:
    text: str  # the corrected search
    url: str
    typed: str
    shown: bool  # whether the page lists the corrected search's fairs


FILTER_KEYS = ("q", "sector", "oblast", "city", "organizer", "kind", "from", "to", "past")


def filter_args(*, without: str | None = None) -> dict[str, str]:
    """The public filter parameters in force, minus `without`, for building links.

    Only the known keys: anything else (say `endpoint` or `_external`) would reach url_for.
    """
    return {
        key: value
        for key in FILTER_KEYS
        if key != without and (value := request.args.get(key, "")) != ""
    }


def feed_args() -> dict[str, str]:
    """The filters a calendar feed understands (no dates: a feed always runs from today)."""
    return {
        k: v
        for k, v in filter_args().items()
        if k in ("q", "sector", "city", "oblast", "organizer", "kind")
    }


@bp.app_context_processor
def _feed_args() -> dict[str, object]:
    return {"feed_args": feed_args}


@bp.get("/")
@read_only
def index() -> ResponseReturnValue:
    """Upcoming fairs, soonest first, filtered and paginated."""
    return render_page("catalogue/index.html", _index_context, reader=LIST_PAGE.reader())


def here() -> str:
    """This page's address as its stored blocks know it: the path and the parameters in the
    key (so a button's `next` never carries a stranger's junk parameters)."""
    _generations, parameters = CACHED_PAGES[request.endpoint or ""]
    pairs = [(name, value) for name, values in read_parameters(parameters) for value in values]
    return request.path + (f"?{urlencode(pairs)}" if pairs else "")


def _index_context() -> dict[str, object]:
    parsed = parse_filters(request.args, max_query=current_app.config["MAX_QUERY_LENGTH"])
    per_page = current_app.config["PER_PAGE"]
    found = queries.search_page(
        parsed.filters, today=minsk_today(), page=parsed.page, per_page=per_page
    )
    pagination = found.pagination
    if pagination.pages and parsed.page > pagination.pages:
        parsed.notices.append(
            _("There is no page %(page)d; showing the last page.", page=parsed.page)
        )
        pagination = queries.ranked_page(
            found.filters, today=minsk_today(), page=pagination.pages, per_page=per_page
        )
    return {
        "form": parsed.form,
        "filters": parsed.filters,
        "notices": parsed.notices,
        "pagination": pagination,
        "suggestion": suggestion(found.suggestion, "catalogue.index", shown=True),
        "today": minsk_today(),
        "filter_args": filter_args,
        "follow": None,
        **LIST_PAGE.context(),
        # The fairs shown are the corrected search's: so is the feed offered for them.
        "feed_args": feed_args if found.suggestion is None else corrected_feed(found.suggestion),
    }


def corrected_feed(q: str) -> Callable[[], dict[str, str]]:
    return lambda: {**feed_args(), "q": q}


def suggestion(text: str | None, endpoint: str, *, shown: bool, **values: int) -> Suggestion | None:
    """What the page says about a corrected search: the words and the link to that search."""
    if text is None:
        return None
    url = url_for(endpoint, **values, **filter_args(without="q"), q=text)
    return Suggestion(text=text, url=url, typed=request.args.get("q", ""), shown=shown)


@bp.get("/fairs/<slug>")
@read_only
def fair(slug: str) -> ResponseReturnValue:
    """One fair: dates, place, organizer, programme by day and where registration stands."""
    # The page shows whether the reader is signed in, and what its parts show of the reader
    # (the company's applications in catalogue/_register.html, whether it follows the fair).
    reader = (current_user.is_authenticated, *FAIR_PAGE.reader())
    return render_page("catalogue/fair.html", lambda: _fair_context(slug), reader=reader)


def _fair_context(slug: str) -> dict[str, object]:
    fair = db.one_or_404(queries.fair_by_slug(slug))
    today = minsk_today()
    days: dict[date, list] = {}
    for event in fair.programme:
        days.setdefault(event.starts_at.astimezone(MINSK).date(), []).append(event)
    context: dict[str, Any] = {
        "fair": fair,
        "days": days,
        "states": RegistrationState,
        "taken": 0,
        "mine": {},
        "follow": None,
        "exhibitors": None,
        "today": today,
        "previous_starts": [],  # the days it was to start on before it moved (organizers)
        **FAIR_PAGE.context(fair),
    }
    context["state"] = fair.registration_state(today, taken=context["taken"])
    context["structured"] = json_ld(
        structured.fair_event(
            fair,
            lang=current_language(),
            url=request.path,
            previous_starts=context.get("previous_starts"),
            image=media_url(fair.cover or fair.logo, "og", external=True),
        )
    )
    return context


@bp.get("/calendar")
def month_today() -> ResponseReturnValue:
    """The month view for the current month in Minsk, keeping the filters."""
    today = minsk_today()
    return redirect(url_for("catalogue.month", year=today.year, month=today.month, **filter_args()))


@bp.get("/calendar/<int:year>/<int:month>")
@read_only
def month(year: int, month: int) -> ResponseReturnValue:
    """A calendar grid of one month with every matching fair drawn across its days."""
    if not (month_view.MIN_YEAR <= year <= month_view.MAX_YEAR and 1 <= month <= 12):
        abort(404)
    return render_page(
        "catalogue/month.html", lambda: _month_context(year, month), reader=LIST_PAGE.reader()
    )


def _month_context(year: int, month: int) -> dict[str, object]:
    parsed = parse_filters(request.args, max_query=current_app.config["MAX_QUERY_LENGTH"])
    grid = month_view.build_month(year, month, parsed.filters)
    # A month with no fair taking place (none, or only cancelled ones) says when the next one
    # is: one more query, only then.
    upcoming = None if grid.held else month_view.next_fair_after(grid, parsed.filters)
    # Nothing at all for a search: perhaps a typo (the correction is offered, not applied).
    corrected = None if grid.fairs or upcoming else queries.suggestion_for(parsed.filters)
    return {
        "upcoming": upcoming,
        "suggestion": suggestion(corrected, "catalogue.month", shown=False, year=year, month=month),
        "form": parsed.form,
        "filters": parsed.filters,
        "notices": parsed.notices,
        "grid": grid,
        "today": minsk_today(),
        "filter_args": filter_args,
        "follow": None,
        **LIST_PAGE.context(),
    }
