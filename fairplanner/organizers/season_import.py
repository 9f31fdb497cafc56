"""Import of season plans in the organizer console: upload a file or give a calendar address,
look at what each row would do, confirm. fairplanner.organizers.imports does the work; these
views commit."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from fairplanner.extensions import db
from fairplanner.i18n import current_language
from fairplanner.imports import template_xlsx
from fairplanner.imports.rows import MAX_BYTES
from fairplanner.imports.tables import COLUMNS
from fairplanner.organizers import imports
from fairplanner.organizers.changelog import FAIR_FIELDS
from fairplanner.organizers.models import FairImport
from fairplanner.organizers.views import bp, staff_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
URL_LENGTH = 2000


def _organizer_id() -> int:
    """Imports fill an organizer's season: an admin without one has none to fill."""
    if current_user.organizer_id is None:
        abort(404)
    return current_user.organizer_id


def _batch(import_id: int) -> FairImport:
    """The import, if it is the user's organizer's; another's is a 404."""
    batch = db.session.get(FairImport, import_id)
    if batch is None or batch.organizer_id != _organizer_id():
        abort(404)
    return batch


def _page(status: int = 200, error: str | None = None, url: str = "") -> ResponseReturnValue:
    batches = db.session.scalars(imports.history(_organizer_id())).all()
    lang = current_language()
    columns = [ru if lang == "ru" else en for ru, en, _others in COLUMNS.values()]
    return render_template(
        "organizers/import.html",
        batches=batches,
        error=error,
        url=url,
        columns=columns,
        max_mb=MAX_BYTES // (1024 * 1024),
        expired=imports.expired,
    ), status


@bp.get("/imports")
@staff_required
def imports_page() -> ResponseReturnValue:
    """The import form, the template, and the organizer's earlier imports."""
    return _page()


@bp.get("/imports/template.xlsx")
@staff_required
def import_template() -> ResponseReturnValue:
    """An empty season plan with the columns named in the reader's language."""
    lang = current_language()
    name = "plan-vystavok.xlsx" if lang == "ru" else "season-plan.xlsx"
    return Response(
        template_xlsx(lang),
        mimetype=XLSX,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/imports")
@staff_required
def import_upload() -> ResponseReturnValue:
    """Read a file or a calendar address into a pending import, and show its preview."""
    organizer_id = _organizer_id()
    upload = request.files.get("file")
    url = request.form.get("url", "").strip()[:URL_LENGTH]
    try:
        if upload is not None and upload.filename:
            if url:
                raise imports.ImportRefused(
                    _("Choose a file or give a calendar address, not both.")
                )
            with upload.stream:  # a large upload is a temporary file: close it now
                data = upload.stream.read(MAX_BYTES + 1)
            source = upload.filename[:300]
            rows = imports.read_upload(source, data)
        elif url:
            source = url
            rows = imports.read_address(url)
        else:
            raise imports.ImportRefused(_("Choose a file or give a calendar address."))
        batch = imports.store_batch(organizer_id, user=current_user, source=source, rows=rows)
        imports.set_counts(batch, imports.count(imports.batch_plan(batch)))
    except imports.ImportRefused as exc:
        db.session.rollback()
        return _page(422, exc.message, url)
    db.session.commit()
    return redirect(url_for("organizers.import_preview", import_id=batch.id), 303)


def _preview(batch: FairImport, status: int = 200) -> ResponseReturnValue:
    pending = batch.status == imports.PENDING
    plans = imports.batch_plan(batch) if pending else []
    return render_template(
        "organizers/import_preview.html",
        batch=batch,
        plans=plans,
        outcomes=[] if pending else imports.outcomes(batch),
        counts=imports.count(plans),
        digest=imports.digest(plans),
        expired=imports.expired(batch),
        labels={name: label for name, (label, _format) in FAIR_FIELDS.items()},
    ), status


@bp.get("/imports/<int(max=2147483647):import_id>")
@staff_required
def import_preview(import_id: int) -> ResponseReturnValue:
    """Each row as confirming would apply it (pending), or what the import did (applied)."""
    batch = _batch(import_id)
    return _preview(batch, 410 if imports.expired(batch) else 200)


@bp.post("/imports/<int(max=2147483647):import_id>/confirm")
@staff_required
def import_confirm(import_id: int) -> ResponseReturnValue:
    """Apply the valid rows, once."""
    batch = _batch(import_id)
    try:
        counts = imports.apply_batch(batch, actor=current_user, seen=request.form.get("seen", ""))
    except (imports.ImportGone, imports.ImportRefused) as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _preview(db.get_or_404(FairImport, import_id), exc.status_code)
    db.session.commit()
    flash(
        _(
            "The plan is imported: %(created)s, %(updated)s.",
            created=ngettext(
                "%(num)d new fair (a draft)", "%(num)d new fairs (drafts)", counts.created
            ),
            updated=ngettext("%(num)d fair updated", "%(num)d fairs updated", counts.updated),
        ),
        "success",
    )
    return redirect(url_for("organizers.import_preview", import_id=batch.id), 303)
