"""The organizer's view of a fair's exhibitor catalogue: every approved exhibitor's entry,
editing or hiding it (kept in the application's history, the change log), the catalogue as
an Excel workbook and a print view (A4, two columns, by hall or by sector)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user

from fairplanner import spreadsheets
from fairplanner.errors import DomainError
from fairplanner.exhibitors import services
from fairplanner.exhibitors.forms import EntryForm
from fairplanner.extensions import db
from fairplanner.i18n import current_language
from fairplanner.organizers.views import bp, scoped_fair, staff_required
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus

GROUPINGS = ("sector", "hall")


@bp.get("/fairs/<slug>/exhibitors")
@staff_required
def exhibitors(slug: str) -> ResponseReturnValue:
    fair = scoped_fair(slug)
    entries = services.console_entries(fair)
    return render_template("organizers/exhibitors.html", fair=fair, entries=entries)


def _approved(fair_id: int, registration_id: int) -> Registration:
    registration = db.session.get(Registration, registration_id)
    if (
        registration is None
        or registration.fair_id != fair_id
        or registration.role != RegistrationRole.EXHIBITOR
        or registration.status != RegistrationStatus.APPROVED
    ):
        abort(404)
    return registration


@bp.route("/fairs/<slug>/exhibitors/<int(max=2147483647):registration_id>", methods=["GET", "POST"])
@staff_required
def exhibitor_entry(slug: str, registration_id: int) -> ResponseReturnValue:
    """Change an exhibitor's catalogue entry, or hide it from the public catalogue."""
    fair = scoped_fair(slug)
    registration = _approved(fair.id, registration_id)
    form = EntryForm(
        data=None
        if request.method == "POST"
        else {
            "entry_ru": registration.entry_ru,
            "entry_en": registration.entry_en,
            "hidden": registration.entry_hidden,
        }
    )
    if form.validate_on_submit():
        try:
            changes = services.edit_entry(
                registration,
                entry_ru=form.entry_ru.data,
                entry_en=form.entry_en.data,
                hidden=form.hidden.data,
                actor=current_user,
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(_("Catalogue entry saved.") if changes else _("Nothing changed."), "success")
            return redirect(url_for("organizers.exhibitors", slug=fair.slug))
    status = 422 if form.errors else 200
    return render_template(
        "organizers/exhibitor_entry.html", fair=fair, registration=registration, form=form
    ), status


@bp.get("/fairs/<slug>/exhibitors.xlsx")
@staff_required
def exhibitors_xlsx(slug: str) -> ResponseReturnValue:
    """The public catalogue as an Excel workbook."""
    fair = scoped_fair(slug)
    header, rows = services.export_table(fair)
    body = spreadsheets.to_xlsx(header, rows, title=fair.slug, lang=current_language())
    return Response(
        body,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{fair.slug}-exhibitors.xlsx"'},
    )


@bp.get("/fairs/<slug>/exhibitors/print")
@staff_required
def exhibitors_print(slug: str) -> ResponseReturnValue:
    """The public catalogue ready to print: A4, two columns, grouped by sector or hall."""
    fair = scoped_fair(slug)
    by = request.args.get("by", "sector")
    if by not in GROUPINGS:
        by = "sector"
    cards = services.public_cards(fair)
    groups = services.grouped(cards, by)
    logos = services.logo_urls(c.company_id for c in cards)
    return render_template(
        "organizers/exhibitors_print.html",
        fair=fair,
        groups=groups,
        by=by,
        total=len(cards),
        logos=logos,
    )
