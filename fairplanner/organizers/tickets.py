"""The fair day in the organizer console: the badge quota, the badges list with its printing,
the walk-in desk, taking a ticket back, and the fair day's numbers for the numbers page.

Views are thin: the rules are fairplanner.tickets.services'; each organizer change goes into
the fair's change log ("ticket ..." actions, fairplanner.organizers.changelog).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import Select

from fairplanner import confirm
from fairplanner.catalogue.models import Fair, FairStatus
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import current_language, minsk_today
from fairplanner.organizers import charts
from fairplanner.organizers import ticket_numbers as numbers
from fairplanner.organizers.services import log_change
from fairplanner.organizers.ticket_forms import (
    BadgeFilterForm,
    QuotaForm,
    RevokeForm,
    WalkInForm,
)
from fairplanner.organizers.ticket_numbers import quota_text
from fairplanner.organizers.views import bp, scoped_fair, staff_required
from fairplanner.registrations.forms import MAX_DELEGATES
from fairplanner.registrations.models import Registration, RegistrationRole
from fairplanner.tickets import printing, services
from fairplanner.tickets.models import QuotaMode, Ticket, TicketRole, TicketSettings

PER_PAGE = 50
MAX_PRINT = 1000  # badges in one PDF; more are printed a role, company or hall at a time
EXAMPLE_AREAS = (9, 20, 50)  # m² of the stands the quota page shows the badges of
LAYOUTS = {"a6": "a6", "a4": "a4"}


def _pdf(body: bytes, filename: str) -> Response:
    return Response(
        body,
        content_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{filename}"'},
    )


def _layout() -> str:
    return LAYOUTS.get(request.args.get("layout", ""), "a6")


def _print(tickets: list[Ticket], *, layout: str) -> bytes:
    return printing.badges_pdf(tickets, lang=current_language(), layout=layout)


# --- the badge quota --------------------------------------------------------------------------


def quota_examples(settings: TicketSettings) -> list[tuple[Decimal, int]]:
    """What a few stand sizes get under `settings`: [(m², badges)]. Asked of the services'
    own rule, with unsaved applications, so the example cannot drift from what companies get."""
    examples = []
    for area in EXAMPLE_AREAS:
        stand = Registration(role=RegistrationRole.EXHIBITOR, area=Decimal(area))
        examples.append((Decimal(area), services.quota(stand, settings)))
    return examples


def _quota(settings: TicketSettings) -> list:
    return [settings.quota_mode.value, settings.quota_count, str(settings.quota_area)]


@bp.route("/fairs/<slug>/badges/settings", methods=["GET", "POST"])
@staff_required
def badge_settings(slug: str) -> ResponseReturnValue:
    """How many badges an exhibitor's application may name."""
    fair = scoped_fair(slug)
    settings = services.settings_of(fair.id)
    form = QuotaForm()
    if request.method == "GET":
        form.fill(settings)
    elif form.validate_on_submit():
        before = _quota(settings)
        saved = services.save_settings(
            fair,
            quota_mode=QuotaMode(form.quota_mode.data),
            quota_count=form.quota_count.data,
            quota_area=form.area(),
        )
        if quota_text(*_quota(saved)) != quota_text(*before):
            log_change(
                fair, "ticket quota", actor=current_user, changes={"quota": [before, _quota(saved)]}
            )
        db.session.commit()
        flash(
            _("The badge quota has been saved: %(quota)s.", quota=quota_text(*_quota(saved))),
            "success",
        )
        return redirect(url_for("organizers.badge_settings", slug=fair.slug))
    status = 200 if request.method == "GET" else (400 if "csrf_token" in form.errors else 422)
    return render_template(
        "organizers/tickets/settings.html",
        fair=fair,
        form=form,
        settings=settings,
        quota=quota_text(*_quota(settings)),
        examples=quota_examples(settings),
        max_delegates=MAX_DELEGATES,
    ), status


# --- the badges list --------------------------------------------------------------------------


def _filters(fair: Fair) -> tuple[BadgeFilterForm, list[str]]:
    form = BadgeFilterForm(formdata=request.args)
    form.company.choices = [("", _("All"))] + [
        (str(company_id), name) for company_id, name in numbers.company_choices(fair.id)
    ]
    form.hall.choices = [("", _("All"))] + [(h, h) for h in numbers.hall_choices(fair.id)]
    return form, form.read()


def _issue_old_delegations(fair: Fair) -> None:
    """Visitor delegations approved before tickets existed get theirs when the list or its
    printing is first opened (one statement once they have)."""
    if services.ensure_fair_issued(fair):
        db.session.commit()


def _listed(fair: Fair, form: BadgeFilterForm) -> Select[tuple[Ticket]]:
    return numbers.desk_list(
        fair.id,
        role=form.chosen_role,
        company_id=form.chosen_company,
        hall=form.hall.data or None,
        q=form.q.data or None,
    )


@bp.get("/fairs/<slug>/badges")
@staff_required
def badges(slug: str) -> ResponseReturnValue:
    """The fair's badges for the desk: filtered, counted, by company and name, to print."""
    fair = scoped_fair(slug)
    _issue_old_delegations(fair)
    form, ignored = _filters(fair)
    stmt = _listed(fair, form)
    pagination = db.paginate(
        stmt, page=form.page.data or 1, per_page=PER_PAGE, error_out=False, count=False
    )
    pagination.total = db.session.scalar(numbers.desk_count(stmt))
    counts = numbers.role_counts(fair.id)
    return render_template(
        "organizers/tickets/badges.html",
        fair=fair,
        form=form,
        ignored=ignored,
        args=form.args(),
        pagination=pagination,
        counts=counts,
        roles=numbers.ROLES,
        unnamed=numbers.approved_without_names(fair.id) if not counts.total else 0,
        revoke_form=RevokeForm(formdata=None),
        max_print=MAX_PRINT,
        desk_open=_desk_open(fair),
    )


@bp.get("/fairs/<slug>/badges.pdf")
@staff_required
def badges_pdf(slug: str) -> ResponseReturnValue:
    """Every badge the filters show (all pages), as one PDF: A6 each, or four per A4."""
    fair = scoped_fair(slug)
    _issue_old_delegations(fair)
    form, _ignored = _filters(fair)
    back = url_for("organizers.badges", slug=fair.slug, **form.args())
    stmt = _listed(fair, form)
    total = db.session.scalar(numbers.desk_count(stmt)) or 0
    if not total:
        flash(_("No badges to print: no active ticket matches these filters."), "info")
        return redirect(back)
    if total > MAX_PRINT:
        flash(
            _(
                "%(count)s badges are too many for one file: choose a role, a company or a hall "
                "and print them in parts of %(max)s at most.",
                count=total,
                max=MAX_PRINT,
            ),
            "error",
        )
        return redirect(back)
    tickets = list(db.session.scalars(stmt).unique())
    layout = _layout()
    return _pdf(_print(tickets, layout=layout), f"{fair.slug}-badges-{layout}.pdf")


def _ticket(fair: Fair, ticket_id: int) -> Ticket:
    """A ticket of this fair; another fair's (or none) is a 404."""
    ticket = numbers.ticket_in(fair.id, ticket_id)
    if ticket is None:
        abort(404)
    return ticket


@bp.get("/fairs/<slug>/badges/<int(max=2147483647):ticket_id>.pdf")
@staff_required
def badge_pdf(slug: str, ticket_id: int) -> ResponseReturnValue:
    """One person's badge (a reprint, a walk-in's)."""
    fair = scoped_fair(slug)
    ticket = _ticket(fair, ticket_id)
    if not ticket.active:
        abort(404)
    return _pdf(_print([ticket], layout=_layout()), f"{fair.slug}-badge-{ticket.id}.pdf")


@bp.post("/fairs/<slug>/badges/<int(max=2147483647):ticket_id>/revoke")
@staff_required
def badge_revoke(slug: str, ticket_id: int) -> ResponseReturnValue:
    """Take a ticket back after a confirmation: its badge no longer admits."""
    fair = scoped_fair(slug)
    ticket = _ticket(fair, ticket_id)
    form = RevokeForm()
    if not form.validate_on_submit():
        abort(400)
    back = url_for("organizers.badges", slug=fair.slug, **form.back_args())
    if not ticket.active:
        flash(_("This ticket had already been taken back."), "info")
        return redirect(back)
    who = _who(ticket)
    if not confirm.confirmed():
        lines = [_("The badge stops admitting: the entrance staff see that it was taken back.")]
        if ticket.registration is not None:
            lines.append(_("The company sees the person taken off its list."))
        return confirm.ask(
            title=_("Take back the ticket of %(who)s?", who=who),
            lines=lines,
            button=_("Take back the ticket"),
            back=back,
        )
    services.revoke_at_desk(ticket, actor=current_user)
    log_change(
        fair,
        "ticket revoked",
        actor=current_user,
        changes={"person": [who, None], "role": [ticket.role.value, None]},
    )
    db.session.commit()
    flash(_("The ticket of %(who)s has been taken back.", who=who), "success")
    return redirect(back)


def _desk_open(fair: Fair) -> bool:
    """Whether the desk still registers people (services.register_at_desk says the same)."""
    return fair.status != FairStatus.CANCELLED and not services.fair_over(fair)


def _who(ticket: Ticket) -> str:
    company = ticket.company_title
    return f"{ticket.name} ({company})" if company else ticket.name


# --- the walk-in desk -------------------------------------------------------------------------


@bp.route("/fairs/<slug>/badges/new", methods=["GET", "POST"])
@staff_required
def badge_new(slug: str) -> ResponseReturnValue:
    """Register a walk-in visitor, a journalist or a member of staff and print their badge."""
    fair = scoped_fair(slug)
    form = WalkInForm()
    error, status = None, 200
    if request.method == "POST":
        if form.validate_on_submit():
            try:
                ticket = services.register_at_desk(
                    fair,
                    name=form.name.data,
                    role=TicketRole(form.role.data),
                    company_label=form.company.data,
                    email=form.email.data,
                    actor=current_user,
                )
                if ticket.email:
                    services.mail_tickets([ticket], actor=current_user)
                log_change(
                    fair,
                    "ticket issued",
                    actor=current_user,
                    changes={
                        "person": [None, _who(ticket)],
                        "role": [None, ticket.role.value],
                    },
                )
                db.session.commit()
                return redirect(
                    url_for("organizers.badge_issued", slug=fair.slug, ticket_id=ticket.id)
                )
            except DomainError as exc:
                db.session.rollback()
                error, status = exc.message, exc.status_code
        else:
            status = 400 if "csrf_token" in form.errors else 422
    return render_template(
        "organizers/tickets/new.html", fair=fair, form=form, error=error, desk_open=_desk_open(fair)
    ), status


@bp.get("/fairs/<slug>/badges/<int(max=2147483647):ticket_id>/issued")
@staff_required
def badge_issued(slug: str, ticket_id: int) -> ResponseReturnValue:
    """A walk-in's ticket, just made: print the badge, then register the next person."""
    fair = scoped_fair(slug)
    ticket = _ticket(fair, ticket_id)
    return render_template("organizers/tickets/issued.html", fair=fair, ticket=ticket)


# --- the fair day's numbers -------------------------------------------------------------------


@bp.get("/fairs/<slug>/numbers/fair-day")
@staff_required
def fair_day_numbers(slug: str) -> ResponseReturnValue:
    """The numbers page's fair-day part alone: what its 30-second refresh fetches."""
    fair = scoped_fair(slug)
    return render_template(
        "organizers/tickets/_fair_day.html",
        fair=fair,
        fair_day=numbers.fair_day(fair, today=minsk_today()),
        partial=True,
    )


@bp.app_context_processor
def ticket_enums() -> dict[str, Any]:
    """The fair-day part of the numbers page lists the roles in their order."""
    return {"TicketRole": TicketRole}


@bp.app_template_global()
def hour_label(hour: int) -> str:
    """ "10:00–11:00": an hour of the day on Minsk's clock."""
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


@bp.app_template_global()
def fair_day_bars(data: numbers.FairDay) -> list[tuple[numbers.Day, list[charts.BarRow]]]:
    """Each day's entries per hour as bars by role, on one scale for every day."""
    top = data.busiest or 1
    days = []
    for day in data.days:
        rows = []
        for hour in data.hours:
            slot = day.at(hour)
            parts = [(f"role-{r.value}", str(r.title), slot.by_role.get(r, 0)) for r in TicketRole]
            rows.append(
                charts.BarRow(hour_label(hour), slot.total, charts.stacked(parts, scale=top))
            )
        days.append((day, rows))
    return days
