"""The public exhibitor catalogue of a fair and the companies' public pages."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask.blueprints import BlueprintSetupState
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fairplanner.catalogue.structured import json_ld
from fairplanner.core import sitemap
from fairplanner.errors import DomainError
from fairplanner.exhibitors import plans, queries, services, structured
from fairplanner.exhibitors.forms import OwnEntryForm
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.readonly import read_only
from fairplanner.registrations.views import own_registration

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
    """The exhibitor catalogues that list someone, every company page and hall plan."""
    for slug in db.session.scalars(queries.fairs_with_exhibitors()):
        yield sitemap.Page(url_for("exhibitors.listing", slug=slug))
    for slug in db.session.scalars(queries.public_company_slugs()):
        yield sitemap.Page(url_for("exhibitors.company", slug=slug))
    for slug, hall in db.session.execute(queries.public_hall_plans()):
        yield sitemap.Page(url_for("exhibitors.hall", slug=slug, hall=hall))


@bp.route("/my/registrations/<int(max=2147483647):registration_id>/entry", methods=["GET", "POST"])
@login_required
def own_entry(registration_id: int) -> ResponseReturnValue:
    """The company writes its catalogue entry, also after approval, until the fair ends."""
    registration = own_registration(registration_id)
    form = OwnEntryForm(obj=None if request.method == "POST" else registration)
    if not form.validate_on_submit():
        status = 422 if form.errors else 200
        return render_template(
            "exhibitors/own_entry.html", registration=registration, form=form
        ), status
    try:
        changes = services.write_entry(
            registration,
            listed=form.listed.data,
            entry_ru=form.entry_ru.data,
            entry_en=form.entry_en.data,
            actor=current_user,
            today=minsk_today(),
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        flash(_("Catalogue entry saved.") if changes else _("Nothing changed."), "success")
    return redirect(url_for("registrations.show", registration_id=registration.id))
