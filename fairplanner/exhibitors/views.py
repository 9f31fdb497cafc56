"""The public exhibitor catalogue of a fair and the companies' public pages."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, current_app, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue

from fairplanner.catalogue.structured import json_ld
from fairplanner.core import sitemap
from fairplanner.exhibitors import plans, queries, services, structured
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.readonly import read_only

bp = Blueprint("exhibitors", __name__)
FILTER_MAX = 60  # a sector code, a country code or a hall name


def _arg(name: str, limit: int = FILTER_MAX) -> str:
    return request.args.get(name, "").strip()[:limit]


def _page() -> int:
    value = request.args.get("page", "1")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 7 else 1


@bp.get("/fairs/<slug>/exhibitors")
@read_only
def listing(slug: str) -> ResponseReturnValue:
    """The fair's approved and listed exhibitors, by name, filtered and searched."""
    fair = db.one_or_404(queries.visible_fair(slug))
    filters = services.Filters(
        q=_arg("q", current_app.config["MAX_QUERY_LENGTH"]),
        sector=_arg("sector"),
        country=_arg("country"),
        hall=_arg("hall"),
        page=_page(),
    )
    page = services.catalogue_page(fair, filters)
    return render_template(
        "exhibitors/list.html", fair=fair, catalogue=page, planned=plans.planned_halls(fair.id)
    )


@bp.get("/fairs/<slug>/halls/<path:hall>")
@read_only
def hall(slug: str, hall: str) -> ResponseReturnValue:
    """A hall's plan with a marker at each placed stand (an SVG: no script), and its stands."""
    fair = db.one_or_404(queries.visible_fair(slug))
    plan = db.one_or_404(plans.plan_of(fair.id, hall))
    stands = plans.stands(plan, fair.id, plan.hall, public=True)
    return render_template("exhibitors/hall.html", fair=fair, plan=plan, stands=stands)


@bp.get("/companies/<slug>")
@read_only
def company(slug: str) -> ResponseReturnValue:
    """A company's public page: only once it is listed at a fair the catalogue shows."""
    found = db.one_or_404(queries.public_company(slug))
    page = services.company_page(found, today=minsk_today())
    data = structured.organization(found, url=request.path)
    return render_template(
        "exhibitors/company.html", page=page, company=found, structured=json_ld(data)
    )


@bp.record_once
def _sitemap(state: BlueprintSetupState) -> None:
    sitemap.provide(state.app, _sitemap_pages, generations=("catalogue", "registrations"))


def _sitemap_pages() -> Iterator[sitemap.Page]:
    """The exhibitor catalogues that list someone, and every company page."""
    for slug in db.session.scalars(queries.fairs_with_exhibitors()):
        yield sitemap.Page(url_for("exhibitors.listing", slug=slug))
    for slug in db.session.scalars(queries.public_company_slugs()):
        yield sitemap.Page(url_for("exhibitors.company", slug=slug))
