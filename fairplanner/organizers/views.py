"""The organizer console: the organizer's fairs, attendee lists, decisions, exports, numbers."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import func, select

from fairplanner import confirm, spreadsheets
from fairplanner.accounts.models import Role
from fairplanner.cache import cached
from fairplanner.catalogue.models import (
    Fair,
)
from fairplanner.display import company_name, label
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import current_language, localized, minsk_today
from fairplanner.organizers import changelog, listing, queries, services, stats
from fairplanner.organizers import stands as stand_files
from fairplanner.organizers.forms import (
    ACTIONS,
    DecisionForm,
    NoteForm,
    StandApplyForm,
    StandForm,
    StandUploadForm,
)
from fairplanner.organizers.models import RegistrationNote
from fairplanner.registrations import services as registration_services
from fairplanner.registrations import stands as stand_services
from fairplanner.registrations.models import (
    TRANSITIONS,
    Registration,
    VisitAim,
)
from fairplanner.text import fold

bp = Blueprint("organizers", __name__, url_prefix="/organizer")
PER_PAGE = 50
# What the attendee list and its exports show: the fair, its applications and their companies
# (the generations their cached copies depend on, fairplanner.cache).
LISTED = ("catalogue", "registrations")
DIGITS = re.compile(r"[0-9]{1,9}")  # ASCII only: "²".isdigit() is True but int() refuses it


def staff_required(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    """Organizer staff (of some organizer) and admins only; everyone else gets a 403."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if current_user.role == Role.ADMIN:
            return view(*args, **kwargs)
        if current_user.role != Role.STAFF or current_user.organizer_id is None:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


def scope() -> int | None:
    """The organizer whose data the user may see; None: an admin sees every organizer."""
    return None if current_user.role == Role.ADMIN else current_user.organizer_id


def scoped_fair(slug: str) -> Fair:
    """The fair, if it is the user's organizer's; another organizer's fair is a 404."""
    return db.one_or_404(queries.fair_in_scope(slug, scope()))


@bp.get("/")
@staff_required
def index() -> ResponseReturnValue:
    """The organizer's fairs with their numbers of applications by status."""
    fairs = db.session.scalars(queries.organizer_fairs(scope(), today=minsk_today())).all()
    counts: dict[int, dict[str, int]] = {}
    stmt = (
        select(Registration.fair_id, Registration.status, func.count(Registration.id))
        .where(Registration.fair_id.in_([f.id for f in fairs]))
        .group_by(Registration.fair_id, Registration.status)
    )
    for fair_id, status, n in db.session.execute(stmt):
        counts.setdefault(fair_id, {})[status.value] = n
    today = minsk_today()
    return render_template(
        "organizers/index.html",
        upcoming=[f for f in fairs if f.ends_on >= today],
        past=[f for f in fairs if f.ends_on < today],
        counts=counts,
        season=stats.season_numbers(scope()),
    )


@bp.get("/fairs/<slug>/registrations")
@staff_required
def attendees(slug: str) -> ResponseReturnValue:
    """Every application for the fair, filtered, searched, sorted and paginated."""
    fair = scoped_fair(slug)  # access first: the cached listing is keyed by fair, not by user

    def render_listing() -> bytes:
        # (The form is only read when the listing is made: the query string is the key.)
        form = listing.filter_form(request.args)
        filters, ignored = listing.read_filters(form)
        page = form.page.data or 1
        pagination = db.paginate(
            queries.attendees(fair.id, filters),
            page=page,
            per_page=PER_PAGE,
            error_out=False,
            count=False,
        )
        pagination.total = db.session.scalar(queries.attendee_count(fair.id, filters))
        meter = queries.meter(fair, db.session.execute(queries.capacity_use(fair)).all())
        html = render_template(
            "organizers/_attendees.html",
            fair=fair,
            form=form,
            ignored=ignored,
            pagination=pagination,
            meter=meter,
            args={k: v for k, v in request.args.items() if k != "page" and v},
        )
        return html.encode()

    html = cached("attendees", LISTED, _listing_parts(fair), render_listing).decode()
    # Our own template's output, escaped when it was rendered.
    body = Markup(html)  # noqa: S704
    return render_template("organizers/attendees.html", fair=fair, listing=body)


@bp.post("/fairs/<slug>/registrations/decide")
@staff_required
def decide_many(slug: str) -> ResponseReturnValue:
    """One decision for every ticked application (each checked against its own version)."""
    fair = scoped_fair(slug)
    action = request.form.get("action", "")
    if action not in ACTIONS:
        abort(400)
    ids = [int(i) for i in request.form.getlist("ids") if DIGITS.fullmatch(i)]
    reason = (request.form.get("reason") or "").strip()[:2000] or None
    if action == "reject" and not confirm.confirmed():
        return _confirm_rejection(fair, ids, reason)
    seen = {i: int(v) for i in ids if DIGITS.fullmatch(v := request.form.get(f"v-{i}", ""))}
    try:
        batch = registration_services.decide_many(
            fair.id,
            ids,
            status=ACTIONS[action],
            actor=current_user,
            reason=reason,
            seen_versions=seen,
        )
    except DomainError as exc:
        flash(exc.message, "error")
        return redirect(url_for("organizers.attendees", slug=fair.slug))
    done = len(batch.done)
    refused = [f"{company_name(r.company)}: {message}" for r, message in batch.refused]
    db.session.commit()
    if done:
        flash(_("Decision recorded for %(n)d applications.", n=done), "success")
    for message in refused:
        flash(message, "error")
    return redirect(url_for("organizers.attendees", slug=fair.slug))


def _confirm_rejection(fair: Fair, ids: list[int], reason: str | None) -> ResponseReturnValue:
    """Rejections are final and each company is told: the staff see whom first."""
    back = url_for("organizers.attendees", slug=fair.slug)
    names = listing.selected_companies(fair.id, ids)
    if not names:
        flash(_("Select the applications first."), "error")
        return redirect(back)
    if not reason:
        flash(_("Give the companies a reason for the rejection."), "error")
        return redirect(back)
    return confirm.ask(
        title=ngettext("Reject %(num)d application?", "Reject %(num)d applications?", len(names)),
        lines=[
            _("Each company gets an email with your reason: “%(reason)s”.", reason=reason),
            _("A rejection is final: the company would have to apply again."),
        ],
        items=names,
        button=_("Reject"),
        back=back,
    )


def _scoped_registration(registration_id: int) -> Registration:
    return db.one_or_404(queries.registration_in_scope(registration_id, scope()))


@bp.get("/registrations/<int(max=2147483647):registration_id>")
@staff_required
def registration(registration_id: int) -> ResponseReturnValue:
    """An application with its full history and the staff's internal notes."""
    registration = _scoped_registration(registration_id)
    notes = db.session.scalars(
        select(RegistrationNote)
        .where(RegistrationNote.registration_id == registration.id)
        .order_by(RegistrationNote.id)
    ).all()
    company = registration.company
    return render_template(
        "organizers/registration.html",
        registration=registration,
        notes=notes,
        note_form=NoteForm(),
        sectors=", ".join(sorted((localized(s, "name") for s in company.sectors), key=fold)),
        aims=", ".join(label(a, VisitAim) for a in registration.aims or ()),
        history=changelog.registration_entries(registration.history[::-1], with_subject=False),
        stand_form=StandForm(data={"hall": registration.hall, "stand": registration.stand}),
        can_stand=stand_services.assignable(registration),
        # Only the decisions the workflow allows from here: a final state offers none.
        actions=[a for a, status in ACTIONS.items() if status in TRANSITIONS[registration.status]],
    )


@bp.post("/registrations/<int(max=2147483647):registration_id>/decide")
@staff_required
def decide(registration_id: int) -> ResponseReturnValue:
    """Approve, reject (with a reason) or put on the waiting list."""
    registration = _scoped_registration(registration_id)
    form = DecisionForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        registration_services.decide_registration(
            registration,
            status=ACTIONS[form.action.data],
            actor=current_user,
            reason=form.reason.data,
            seen_version=form.version.data,
        )
        db.session.commit()
        flash(_("Your decision has been recorded."), "success")
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    return redirect(url_for("organizers.registration", registration_id=registration_id))


@bp.post("/registrations/<int(max=2147483647):registration_id>/notes")
@staff_required
def add_note(registration_id: int) -> ResponseReturnValue:
    """An internal note; companies never see these."""
    registration = _scoped_registration(registration_id)
    form = NoteForm()
    if form.validate_on_submit():
        services.add_note(registration, author=current_user, text=form.text.data)
        db.session.commit()
        flash(_("Note added."), "success")
    else:
        flash(_("The note is empty or too long."), "error")
    return redirect(url_for("organizers.registration", registration_id=registration_id))


@bp.post("/registrations/<int(max=2147483647):registration_id>/stand")
@staff_required
def assign_stand(registration_id: int) -> ResponseReturnValue:
    """Give an approved exhibitor its hall and stand, change them, or (both empty) take it."""
    registration = _scoped_registration(registration_id)
    form = StandForm()
    back = redirect(url_for("organizers.registration", registration_id=registration_id))
    if not form.validate_on_submit():
        flash(_("A hall or stand number is at most %(n)d characters.", n=40), "error")
        return back, 303
    try:
        changed = stand_services.assign_stand(
            registration,
            hall=form.hall.data,
            stand=form.stand.data,
            actor=current_user,
            seen_version=form.version.data,
        )
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return back, 303
    if changed:
        flash(_("The stand has been saved; the company is told by email."), "success")
    else:
        flash(_("Nothing has changed."), "info")
    return back, 303


def _stand_preview(
    fair: Fair, cells: list[tuple[int, str, str, str]], status: int = 200
) -> ResponseReturnValue:
    rows = stand_services.check_rows(fair.id, cells)
    errors = sum(1 for row in rows if row.error)
    apply_form = StandApplyForm(formdata=None, data={"rows": json.dumps(cells, ensure_ascii=False)})
    return render_template(
        "organizers/stands_preview.html",
        fair=fair,
        rows=rows,
        errors=errors,
        changes=sum(1 for row in rows if not row.error and not row.unchanged),
        apply_form=apply_form,
        upload_form=StandUploadForm(formdata=None),
    ), (status if not errors else 422)


@bp.route("/fairs/<slug>/stands", methods=["GET", "POST"])
@staff_required
def stands_upload(slug: str) -> ResponseReturnValue:
    """Upload a list of tax number → hall, stand; a preview with each row's problem follows."""
    fair = scoped_fair(slug)
    form = StandUploadForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        upload = form.file.data
        try:
            cells = stand_files.read(
                getattr(upload, "filename", "") or "", upload.read() if upload else b""
            )
        except DomainError as exc:
            flash(exc.message, "error")
            return render_template("organizers/stands.html", fair=fair, form=form), 422
        return _stand_preview(fair, cells)
    return render_template("organizers/stands.html", fair=fair, form=form)


def _cells(raw: str) -> list[tuple[int, str, str, str]]:
    """The preview's rows as it sent them back: anything malformed is a 400."""
    try:
        data = json.loads(raw)
        cells = [(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in data]
    except (ValueError, TypeError, IndexError, KeyError):
        abort(400)
    if not cells or len(cells) > stand_files.MAX_ROWS:
        abort(400)
    return cells


@bp.post("/fairs/<slug>/stands/apply")
@staff_required
def stands_apply(slug: str) -> ResponseReturnValue:
    """Apply a previewed list: every row is checked again; one error and nothing is saved."""
    fair = scoped_fair(slug)
    form = StandApplyForm()
    if not form.validate_on_submit():
        abort(400)
    cells = _cells(form.rows.data)
    rows = stand_services.check_rows(fair.id, cells)
    if any(row.error for row in rows):
        flash(_("Nothing was saved: correct the rows below and upload the file again."), "error")
        return _stand_preview(fair, cells, 409)
    assignments = [
        stand_services.Assignment(row.registration, row.hall, row.stand)
        for row in rows
        if row.registration is not None
    ]
    try:
        changed = stand_services.assign_many(fair.id, assignments, actor=current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _stand_preview(fair, cells, 409)
    flash(
        ngettext(
            "Stands saved for %(num)d exhibitor; each is told by email.",
            "Stands saved for %(num)d exhibitors; each is told by email.",
            changed,
        ),
        "success",
    )
    return redirect(url_for("organizers.attendees", slug=fair.slug), 303)


def _export(kind: str, fair: Fair, make: Callable[[], bytes]) -> bytes:
    """An export file, made once per generation of the applications (and of the catalogue),
    language and query; the caller has checked access to the fair."""
    return cached(f"export-{kind}", LISTED, _listing_parts(fair), make)


def _listing_parts(fair: Fair) -> tuple[Any, ...]:
    """Everything else a cached listing or export depends on: the fair, the language and the
    query string as given (the filters, sort and page are read from it)."""
    return (fair.id, current_language(), sorted(request.args.items(multi=True)))


def _table(fair: Fair) -> tuple[list[str], list[list[Any]]]:
    """The attendee list as filtered, as rows of names (the query string holds the filters)."""
    filters, _ignored = listing.read_filters(listing.filter_form(request.args))
    return listing.table(fair.id, filters)


def _csv(fair: Fair, dialect: spreadsheets.Dialect) -> ResponseReturnValue:
    suffix = "" if dialect == spreadsheets.Dialect.EXCEL else "-comma"
    return Response(
        _export(
            f"csv-{dialect}", fair, lambda: spreadsheets.to_csv(*_table(fair), dialect=dialect)
        ),
        content_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{fair.slug}-registrations{suffix}.csv"'
        },
    )


@bp.get("/fairs/<slug>/registrations.csv")
@staff_required
def export_csv(slug: str) -> ResponseReturnValue:
    """The list as filtered, for Excel: `;`-separated UTF-8 with a BOM (see spreadsheets.py)."""
    return _csv(scoped_fair(slug), spreadsheets.Dialect.EXCEL)


@bp.get("/fairs/<slug>/registrations-comma.csv")
@staff_required
def export_csv_comma(slug: str) -> ResponseReturnValue:
    """The list as filtered, comma-separated with a decimal point, for other tools."""
    return _csv(scoped_fair(slug), spreadsheets.Dialect.COMMA)


@bp.get("/fairs/<slug>/registrations.xlsx")
@staff_required
def export_xlsx(slug: str) -> ResponseReturnValue:
    """The list as filtered, as an Excel workbook."""
    fair = scoped_fair(slug)

    def make() -> bytes:
        return spreadsheets.to_xlsx(*_table(fair), title=fair.slug, lang=current_language())

    return Response(
        _export("xlsx", fair, make),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{fair.slug}-registrations.xlsx"'},
    )


@bp.get("/fairs/<slug>/registrations/print")
@staff_required
def print_view(slug: str) -> ResponseReturnValue:
    """A printable list (A4 landscape, the header row repeated on every page)."""
    fair = scoped_fair(slug)
    header, rows = _table(fair)
    return render_template(
        "organizers/print.html", fair=fair, header=header, rows=listing.printable(rows)
    )
