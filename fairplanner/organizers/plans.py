"""Hall plans in the organizer console: a plan image per hall, and where the stands are on it.

The marking page is a form of x/y percentages per stand, which works without JavaScript; the
static module js/plan-marking.js adds clicking on the plan to fill them in.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from fairplanner import confirm
from fairplanner.catalogue.models import Fair
from fairplanner.errors import DomainError
from fairplanner.exhibitors import plans
from fairplanner.exhibitors.models import HallPlan
from fairplanner.extensions import db
from fairplanner.media.forms import ImageUploadForm
from fairplanner.media.services import store_image
from fairplanner.organizers import halls
from fairplanner.organizers.views import bp, scoped_fair, staff_required

MAX_ROWS = 2000  # stands of one hall on the marking form


def _page(fair: Fair, status: int = 200, error: str | None = None, hall: str | None = None):
    found = {plan.hall: plan for plan in db.session.scalars(plans.plans_of(fair.id))}
    return render_template(
        "organizers/hall_plans.html",
        fair=fair,
        halls=plans.halls(fair.id),
        plans=found,
        error=error,
        error_hall=hall,
    ), status


@bp.get("/fairs/<slug>/halls")
@staff_required
def hall_plans(slug: str) -> ResponseReturnValue:
    """The fair's halls, each with its plan (or a form to upload one)."""
    return _page(scoped_fair(slug))


@bp.post("/fairs/<slug>/halls")
@staff_required
def hall_plan_upload(slug: str) -> ResponseReturnValue:
    """Upload or replace a hall's plan; a bad file or hall name is refused on the page, and
    nothing is stored."""
    fair = scoped_fair(slug)
    form = ImageUploadForm()
    hall = request.form.get("hall", "")[:200]
    if not form.validate_on_submit():
        return _page(fair, 400, _("The form has expired. Send it again."), hall)
    upload = form.image.data
    if not upload or not getattr(upload, "filename", ""):
        return _page(fair, 422, _("Choose an image file: PNG, JPEG or WebP."), hall)
    try:
        plans.check_hall(hall)
        plan = halls.put_plan(fair, hall, store_image(upload.stream), actor=current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        return _page(fair, exc.status_code, exc.message, hall)
    flash(_("The plan of %(hall)s has been saved.", hall=plan.hall), "success")
    return redirect(url_for("organizers.hall_plan", slug=fair.slug, plan_id=plan.id))


def _scoped_plan(fair: Fair, plan_id: int) -> HallPlan:
    plan = db.session.get(HallPlan, plan_id)
    if plan is None or plan.fair_id != fair.id:
        abort(404)
    return plan


@bp.post("/fairs/<slug>/halls/<int(max=2147483647):plan_id>/remove")
@staff_required
def hall_plan_remove(slug: str, plan_id: int) -> ResponseReturnValue:
    """Take a hall's plan down with its stands' positions, after a confirmation."""
    fair = scoped_fair(slug)
    plan = _scoped_plan(fair, plan_id)
    back = url_for("organizers.hall_plans", slug=fair.slug)
    if not confirm.confirmed():
        return confirm.ask(
            title=_("Remove the plan of %(hall)s?", hall=plan.hall),
            lines=[
                _("The stands' positions on it are removed too."),
                _("The exhibitor catalogue will no longer link these stands to a plan."),
            ],
            button=_("Remove the plan"),
            back=back,
        )
    hall = plan.hall
    halls.remove_plan(fair, plan, actor=current_user)
    db.session.commit()
    flash(_("The plan of %(hall)s has been removed.", hall=hall), "success")
    return redirect(back)


def _rows() -> list[tuple[str, str, str]]:
    """The marking form's rows: stand-N, x-N, y-N for N = 0, 1, …"""
    rows = []
    for index in range(MAX_ROWS):
        stand = request.form.get(f"stand-{index}")
        if stand is None:
            break
        rows.append(
            (
                stand,
                request.form.get(f"x-{index}", "")[:20],
                request.form.get(f"y-{index}", "")[:20],
            )
        )
    return rows


def _percent(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value * 100:.1f}".rstrip("0").rstrip(".")


@bp.route("/fairs/<slug>/halls/<int(max=2147483647):plan_id>", methods=["GET", "POST"])
@staff_required
def hall_plan(slug: str, plan_id: int) -> ResponseReturnValue:
    """The plan with the hall's stands: click the plan (or type percentages) to place them."""
    fair = scoped_fair(slug)
    plan = _scoped_plan(fair, plan_id)
    error, status = None, 200
    typed: dict[str, tuple[str, str]] = {}
    if request.method == "POST":
        rows = _rows()
        typed = {stand: (x, y) for stand, x, y in rows}
        if not ImageUploadForm().validate_on_submit():
            error, status = _("The form has expired. Send it again."), 400
        else:
            try:
                points = halls.read_points(rows)
                changed = halls.place_stands(fair, plan, points, actor=current_user)
                db.session.commit()
            except DomainError as exc:
                db.session.rollback()
                error, status = exc.message, exc.status_code
            else:
                flash(
                    ngettext(
                        "%(num)d stand's position saved.",
                        "%(num)d stands' positions saved.",
                        changed,
                    )
                    if changed
                    else _("Nothing has changed."),
                    "success",
                )
                return redirect(url_for("organizers.hall_plan", slug=fair.slug, plan_id=plan.id))
    stands = plans.stands(plan, fair.id, plan.hall, public=False)
    values: dict[str, Any] = {}
    for stand in stands:
        point = stand.point or (None, None)
        values[stand.stand] = typed.get(stand.stand) or (_percent(point[0]), _percent(point[1]))
    return render_template(
        "organizers/hall_plan.html",
        fair=fair,
        plan=plan,
        stands=stands,
        values=values,
        error=error,
    ), status
