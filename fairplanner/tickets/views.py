"""The company's side of tickets: its people with their e-tickets and badges, and the e-ticket
page that a person shows at the door (public, by its code, which is the secret)."""

from __future__ import annotations

import io

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select

from fairplanner import confirm
from fairplanner.catalogue.models import FairStatus
from fairplanner.db import sqlite_write_intent
from fairplanner.display import SEPARATOR
from fairplanner.errors import DomainError
from fairplanner.extensions import db, limiter
from fairplanner.i18n import current_language, localized
from fairplanner.readonly import read_only
from fairplanner.registrations.forms import ConfirmForm
from fairplanner.registrations.models import Registration, RegistrationRole, RegistrationStatus
from fairplanner.registrations.services import lock_fair
from fairplanner.registrations.views import own_registration
from fairplanner.text import slugify
from fairplanner.tickets import printing, qr, queries, services
from fairplanner.tickets.forms import PersonForm
from fairplanner.tickets.models import Ticket

bp = Blueprint("tickets", __name__)

PEOPLE = "/my/registrations/<int(max=2147483647):registration_id>/people"
PERSON = PEOPLE + "/<int(max=2147483647):ticket_id>"
# What keeps the e-ticket page out of search engines, other sites' logs and shared caches:
# its address is the ticket.
SECRET_PAGE_HEADERS = {
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "private, no-store",
}


def closed_reason(registration: Registration) -> str | None:
    """Why the company cannot change its people now, in words (None while it can)."""
    if services.people_open(registration):
        return None
    status = registration.status
    if registration.fair.status == FairStatus.CANCELLED:
        return _("The fair was cancelled: its tickets are no longer valid.")
    if status == RegistrationStatus.WITHDRAWN:
        return _("The application was withdrawn: its tickets are no longer valid.")
    if status == RegistrationStatus.REJECTED:
        return _("The application was rejected: its tickets are no longer valid.")
    if status != RegistrationStatus.APPROVED:
        return _("You can name the people once the organizer approves the application.")
    return _("The fair is over: the list of people can no longer be changed.")


def _issue_on_first_look(registration: Registration) -> None:
    """A visitor delegation approved before tickets existed gets its tickets when the company
    first opens its people, in a transaction of its own that takes the write lock up front
    (the fair's lock on PostgreSQL), so two first looks issue them once."""
    if registration.role != RegistrationRole.VISITOR or not registration.delegates:
        return
    if registration.status != RegistrationStatus.APPROVED:
        return
    if db.session.scalar(queries.people(registration.id, with_revoked=True).limit(1)):
        return
    db.session.commit()  # end the reading transaction: the next one begins as a writer
    token = sqlite_write_intent.set(True)
    try:
        lock_fair(registration.fair_id)
        services.ensure_issued(registration)
        db.session.commit()
    finally:
        sqlite_write_intent.reset(token)


def _quota_line(registration: Registration, named: int, limit: int) -> str:
    if registration.role == RegistrationRole.EXHIBITOR:
        return ngettext(
            "%(named)d of %(num)d badge named",
            "%(named)d of %(num)d badges named",
            limit,
            named=named,
        )
    return ngettext(
        "%(named)d of at most %(num)d person named",
        "%(named)d of at most %(num)d people named",
        limit,
        named=named,
    )


def _people_page(registration: Registration, form: PersonForm, status: int = 200) -> Response:
    tickets = list(db.session.scalars(queries.people(registration.id, with_revoked=True)))
    # An application that ended (or whose fair was cancelled) shows every ticket revoked with
    # its reason; a live one its people, and those taken off the list apart.
    ended = (
        registration.status != RegistrationStatus.APPROVED
        or registration.fair.status == FairStatus.CANCELLED
    )
    people = tickets if ended else [t for t in tickets if t.active]
    removed = [] if ended else [t for t in tickets if not t.active]
    limit = services.quota(registration)
    named = len([t for t in people if t.active])
    body = render_template(
        "tickets/people.html",
        registration=registration,
        fair=registration.fair,
        people=people,
        removed=removed,
        quota_line=_quota_line(registration, named, limit),
        named=named,
        full=named >= limit,
        closed=closed_reason(registration),
        unsent=[t for t in people if t.active and t.email and t.emailed_at is None],
        addressed=[t for t in people if t.active and t.email],
        form=form,
    )
    return Response(body, status=status)


@bp.route(PEOPLE, methods=["GET", "POST"])
@login_required
def people(registration_id: int) -> ResponseReturnValue:
    """The application's people: each one's ticket, e-ticket mail and badge; add a person."""
    registration = own_registration(registration_id)
    if request.method == "GET":
        _issue_on_first_look(registration)
        return _people_page(registration, PersonForm(formdata=None))
    form = PersonForm()
    if not form.validate_on_submit():
        return _people_page(registration, form, 422)
    try:
        ticket = services.add_person(registration, **form.values(), actor=current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return _people_page(registration, form, exc.status_code)
    flash(_("%(name)s is on the list and has a ticket.", name=ticket.name), "success")
    return redirect(url_for("tickets.people", registration_id=registration.id))


def _person(registration: Registration, ticket_id: int) -> Ticket:
    """One of the application's people, else 404 (another application's is not found here)."""
    stmt = select(Ticket).where(Ticket.id == ticket_id, Ticket.registration_id == registration.id)
    return db.one_or_404(stmt)


def _back(registration: Registration) -> Response:
    return redirect(url_for("tickets.people", registration_id=registration.id))


def _refused(registration: Registration, message: str, status: int) -> Response:
    """The people page again with what was refused and why (409: not now, 422: bad input)."""
    db.session.rollback()
    flash(message, "error")
    return _people_page(registration, PersonForm(formdata=None), status)


@bp.route(PERSON + "/edit", methods=["GET", "POST"])
@login_required
def edit_person(registration_id: int, ticket_id: int) -> ResponseReturnValue:
    """Correct a person's name, position or address (the ticket's code stays)."""
    registration = own_registration(registration_id)
    ticket = _person(registration, ticket_id)
    reason = closed_reason(registration) or (
        None if ticket.active else _("This ticket is no longer valid and cannot be changed.")
    )
    if reason and request.method == "POST":
        return _refused(registration, reason, 409)
    if reason:
        flash(reason, "error")
        return _back(registration)
    form = PersonForm(obj=ticket if request.method == "GET" else None)
    status = 200
    if form.validate_on_submit():
        try:
            services.change_person(ticket, **form.values(), actor=current_user)
            db.session.commit()
        except DomainError as exc:
            return _refused(registration, exc.message, exc.status_code)
        flash(_("The changes to %(name)s are saved.", name=ticket.name), "success")
        return _back(registration)
    if form.errors:
        status = 422
    page = render_template(
        "tickets/person.html", registration=registration, ticket=ticket, form=form
    )
    return page, status


@bp.post(PERSON + "/remove")
@login_required
def remove_person(registration_id: int, ticket_id: int) -> ResponseReturnValue:
    """Take a person off the list, once confirmed: their ticket stops admitting them."""
    registration = own_registration(registration_id)
    ticket = _person(registration, ticket_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    if ticket.active and services.people_open(registration) and not confirm.confirmed():
        return confirm.ask(
            title=_("Take %(name)s off the list?", name=ticket.name),
            lines=[
                _(
                    "Their ticket stops admitting them at once: the entrance staff will see "
                    "that it was revoked, also on a badge already printed or an e-ticket "
                    "already sent."
                ),
                _("To name them again later, add them as a new person: they get a new code."),
            ],
            button=_("Take off the list"),
            back=url_for("tickets.people", registration_id=registration.id),
            items=[SEPARATOR.join(p for p in (ticket.name, ticket.position) if p)],
        )
    try:
        services.remove_person(ticket, actor=current_user)
        db.session.commit()
    except DomainError as exc:
        return _refused(registration, exc.message, exc.status_code)
    flash(_("%(name)s is off the list; their ticket is revoked.", name=ticket.name), "success")
    return _back(registration)


def _send(registration: Registration, tickets: list[Ticket]) -> ResponseReturnValue:
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        if not services.people_open(registration):
            raise services.PeopleClosed(closed_reason(registration) or "")
        sent = services.mail_tickets(tickets, actor=current_user)
        db.session.commit()
    except DomainError as exc:
        return _refused(registration, exc.message, exc.status_code)
    if sent:
        flash(ngettext("%(num)d e-ticket sent.", "%(num)d e-tickets sent.", sent), "success")
    else:
        flash(_("Nobody to send to: add an email address to a person first."), "error")
    return _back(registration)


@bp.post(PEOPLE + "/send")
@login_required
def send_all(registration_id: int) -> ResponseReturnValue:
    """E-mail their e-tickets to the people who have not had them (`again`: to everyone with
    an address)."""
    registration = own_registration(registration_id)
    tickets = list(db.session.scalars(queries.people(registration.id)))
    if request.form.get("again") != "1":
        tickets = [t for t in tickets if t.emailed_at is None]
    return _send(registration, tickets)


@bp.post(PERSON + "/send")
@login_required
def send_one(registration_id: int, ticket_id: int) -> ResponseReturnValue:
    """E-mail one person their e-ticket (again)."""
    registration = own_registration(registration_id)
    ticket = _person(registration, ticket_id)
    if not ticket.active:
        return _refused(registration, _("This ticket is no longer valid."), 409)
    return _send(registration, [ticket])


def _pdf(data: bytes, filename: str) -> Response:
    response = send_file(
        io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=filename
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/my/registrations/<int(max=2147483647):registration_id>/badges.pdf")
@login_required
@read_only
def badges(registration_id: int) -> ResponseReturnValue:
    """All the application's badges as a PDF: A6 (one per page) or A4 (`layout=a4`, four per
    sheet), in the reader's language."""
    registration = own_registration(registration_id)
    tickets = list(db.session.scalars(queries.people(registration.id)))
    if not tickets:
        flash(_("No one is named yet: add the people first."), "error")
        return _back(registration)
    layout = request.args.get("layout", "a6")
    layout = layout if layout in printing.LAYOUTS else "a6"
    data = printing.badges_pdf(tickets, lang=current_language(), layout=layout)
    return _pdf(data, f"{registration.fair.slug}-badges-{layout}.pdf")


@bp.get(PERSON + "/badge.pdf")
@login_required
@read_only
def badge(registration_id: int, ticket_id: int) -> ResponseReturnValue:
    """One person's badge (A6)."""
    registration = own_registration(registration_id)
    ticket = _person(registration, ticket_id)
    if not ticket.active:
        abort(404)
    data = printing.badges_pdf([ticket], lang=current_language(), layout="a6")
    name = slugify(ticket.name, max_length=40) or str(ticket.id)
    return _pdf(data, f"{registration.fair.slug}-badge-{name}.pdf")


def _eticket_limit() -> str:
    return current_app.config["TICKET_PAGE_RATE_LIMIT"]


@bp.get("/tickets/<code>")
@limiter.limit(_eticket_limit)
@read_only
def eticket(code: str) -> ResponseReturnValue:
    """The e-ticket a person shows at the entrance: the QR code, whose it is, the fair, where
    and when; a revoked ticket says so and why, without the QR code."""
    code = services.normalize(code)
    ticket = queries.eticket(code) if services.well_formed(code) else None
    if ticket is None:
        abort(404)
    fair = ticket.fair
    body = render_template(
        "tickets/eticket.html",
        ticket=ticket,
        fair=fair,
        registration=ticket.registration,
        qr_svg=qr.svg(ticket.code, label=_("QR code of the ticket")) if ticket.active else None,
        over=services.fair_over(fair),
        fair_name=localized(fair, "name"),
    )
    return Response(body, headers=SECRET_PAGE_HEADERS)
