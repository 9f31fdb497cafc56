"""The organizer console: the organizer's fairs, attendee lists, decisions, exports, numbers."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import func, select

from fairplanner.accounts.models import Country, Role
from fairplanner.cache import cached
from fairplanner.catalogue.models import (
    Fair,
)
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import current_language, localized
from fairplanner.organizers import exports, queries
from fairplanner.organizers.forms import (
    ACTIONS,
    ROLE_LABELS,
    STATUS_LABELS,
    AttendeeFilterForm,
    DecisionForm,
    NoteForm,
)
from fairplanner.organizers.models import RegistrationNote
from fairplanner.registrations import services as registration_services
from fairplanner.registrations.models import (
    Registration,
    RegistrationRole,
    RegistrationStatus,
)

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
    fairs = db.session.scalars(queries.organizer_fairs(scope())).all()
    counts: dict[int, dict[str, int]] = {}
    stmt = (
        select(Registration.fair_id, Registration.status, func.count(Registration.id))
        .where(Registration.fair_id.in_([f.id for f in fairs]))
        .group_by(Registration.fair_id, Registration.status)
    )
    for fair_id, status, n in db.session.execute(stmt):
        counts.setdefault(fair_id, {})[status.value] = n
    return render_template("organizers/index.html", fairs=fairs, counts=counts)


def _filters(form: AttendeeFilterForm) -> queries.AttendeeFilters:
    form.validate()
    for field in form:
        if field.errors:
            field.data = None
    return queries.AttendeeFilters(
        status=RegistrationStatus(form.status.data) if form.status.data else None,
        role=RegistrationRole(form.role.data) if form.role.data else None,
        country=Country(form.country.data) if form.country.data else None,
        region=form.region.data or None,
        sector=form.sector.data or None,
        q=(form.q.data or "").strip() or None,
        sort=form.sort.data or "created",
        descending=form.dir.data == "desc",
    )


@bp.get("/fairs/<slug>/registrations")
@staff_required
def attendees(slug: str) -> ResponseReturnValue:
    """Every application for the fair, filtered, searched, sorted and paginated."""
    fair = scoped_fair(slug)  # access first: the cached listing is keyed by fair, not by user

    def listing() -> bytes:
        # (The form is only read when the listing is made: the query string is the key.)
        form = AttendeeFilterForm(formdata=request.args)
        filters = _filters(form)
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
            pagination=pagination,
            meter=meter,
            args={k: v for k, v in request.args.items() if k != "page" and v},
            statuses=STATUS_LABELS,
            roles=ROLE_LABELS,
        )
        return html.encode()

    html = cached("attendees", LISTED, _listing_parts(fair), listing).decode()
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
    done, refused = 0, []
    for registration in db.session.scalars(
        select(Registration).where(Registration.fair_id == fair.id, Registration.id.in_(ids))
    ):
        seen = request.form.get(f"v-{registration.id}", "")
        try:
            with db.session.begin_nested():
                registration_services.decide_registration(
                    registration,
                    status=ACTIONS[action],
                    actor=current_user,
                    reason=reason,
                    seen_version=int(seen) if DIGITS.fullmatch(seen) else -1,
                    promote=False,
                )
            done += 1
        except DomainError as exc:
            refused.append(f"{registration.company.display_name}: {exc.message}")
    # Once for the whole batch, leaving alone what was just put on the list on purpose.
    registration_services.promote_waitlist(
        registration_services.lock_fair(fair.id), skip=frozenset(ids)
    )
    db.session.commit()
    if done:
        flash(_("Decision recorded for %(n)d applications.", n=done), "success")
    for message in refused:
        flash(message, "error")
    return redirect(url_for("organizers.attendees", slug=fair.slug))


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
    return render_template(
        "organizers/registration.html",
        registration=registration,
        notes=notes,
        decide=DecisionForm(),
        note_form=NoteForm(),
        statuses=STATUS_LABELS,
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
        db.session.add(
            RegistrationNote(
                registration_id=registration.id, author_id=current_user.id, text=form.text.data
            )
        )
        db.session.commit()
        flash(_("Note added."), "success")
    else:
        flash(_("The note is empty or too long."), "error")
    return redirect(url_for("organizers.registration", registration_id=registration_id))


def _export(kind: str, fair: Fair, make: Callable[[], bytes]) -> bytes:
    """An export file, made once per generation of the applications (and of the catalogue),
    language and query; the caller has checked access to the fair."""
    return cached(f"export-{kind}", LISTED, _listing_parts(fair), make)


def _listing_parts(fair: Fair) -> tuple[Any, ...]:
    """Everything else a cached listing or export depends on: the fair, the language and the
    query string as given (the filters, sort and page are read from it)."""
    return (fair.id, current_language(), sorted(request.args.items(multi=True)))


def _export_rows(fair: Fair) -> tuple[list[str], list[list[Any]]]:
    """The attendee list as filtered, one row per application: three queries, plain rows."""
    form = AttendeeFilterForm(formdata=request.args)
    stmt = queries.attendee_rows(fair.id, _filters(form))
    sectors: dict[int, list[str]] = {}
    lang = current_language()
    companies = stmt.with_only_columns(Registration.company_id).order_by(None)
    for company_id, sector in db.session.execute(queries.sectors_of(companies)):
        sectors.setdefault(company_id, []).append(localized(sector, "name", lang))
    roles = {role: str(label) for role, label in ROLE_LABELS.items()}
    statuses = {status: str(label) for status, label in STATUS_LABELS.items()}
    header = [
        _("Company"),
        _("Tax number"),
        _("Country"),
        _("Region"),
        _("Role"),
        _("Status"),
        _("Stand"),
        _("Area, m²"),
        _("Delegates"),
        _("Contact person"),
        _("Phone"),
        _("Email"),
        _("Sectors"),
        _("Applied"),
        _("Updated"),
    ]
    rows = [
        [
            r.legal_name,
            r.tax_id,
            r.country.value if r.country else None,
            r.region,
            roles[r.role],
            statuses[r.status],
            r.stand_type.value if r.stand_type else None,
            r.area,
            "; ".join(d["name"] for d in r.delegates or []),
            r.contact_person,
            r.phone,
            r.email,
            ", ".join(sectors.get(r.company_id, ())),
            r.created_at,
            r.updated_at,
        ]
        for r in db.session.execute(stmt)
    ]
    return header, rows


@bp.get("/fairs/<slug>/registrations.csv")
@staff_required
def export_csv(slug: str) -> ResponseReturnValue:
    """The list as filtered, for Excel (UTF-8 with a BOM) and every other tool."""
    fair = scoped_fair(slug)
    return Response(
        _export("csv", fair, lambda: exports.to_csv(*_export_rows(fair))),
        content_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{fair.slug}-registrations.csv"'},
    )


@bp.get("/fairs/<slug>/registrations.xlsx")
@staff_required
def export_xlsx(slug: str) -> ResponseReturnValue:
    fair = scoped_fair(slug)
    return Response(
        _export("xlsx", fair, lambda: exports.to_xlsx(*_export_rows(fair), title=fair.slug)),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{fair.slug}-registrations.xlsx"'},
    )


@bp.get("/fairs/<slug>/registrations/print")
@staff_required
def print_view(slug: str) -> ResponseReturnValue:
    """A printable list (A4, the header row repeated on every page)."""
    fair = scoped_fair(slug)
    header, rows = _export_rows(fair)
    return render_template("organizers/print.html", fair=fair, header=header, rows=rows)
