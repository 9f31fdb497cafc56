"""Register for a fair, follow and change the company's applications ("My fairs")."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fairplanner import confirm
from fairplanner.accounts.models import Company
from fairplanner.accounts.views import company_required
from fairplanner.catalogue import queries as catalogue_queries
from fairplanner.compose import Slot
from fairplanner.display import SEPARATOR, label
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.following import queries as following_queries
from fairplanner.i18n import format_date_range, localized, minsk_today
from fairplanner.registrations import queries, services
from fairplanner.registrations.forms import ConfirmForm, ExhibitorForm, VisitorForm
from fairplanner.registrations.models import HOLDING, Registration, RegistrationRole

bp = Blueprint("registrations", __name__)

# What upper packages show on these pages (fairplanner.compose), filled at start-up: the
# company's calendar feed on "My fairs" (calendars: `feed`), and on an application's page
# the messages its company received from the organizer about the fair (organizers:
# `messages`).
MY_FAIRS: Slot[[Company]] = Slot("registrations.mine")
APPLICATION_PAGE: Slot[[Registration]] = Slot("registrations.show")


def _form_for(role: RegistrationRole, fair, **kwargs):
    form_class = ExhibitorForm if role == RegistrationRole.EXHIBITOR else VisitorForm
    return form_class(fair=fair, **kwargs)


def _role(value: str) -> RegistrationRole:
    try:
        return RegistrationRole(value)
    except ValueError:
        abort(404)


@bp.route("/fairs/<slug>/register/<role>", methods=["GET", "POST"])
@login_required
def new(slug: str, role: str) -> ResponseReturnValue:
    """Apply to exhibit at or visit a fair."""
    company = company_required()
    role_ = _role(role)
    fair = db.one_or_404(catalogue_queries.fair_by_slug(slug))
    if not company.profile_complete:
        flash(_("Complete your company profile before registering."), "error")
        return redirect(url_for("accounts.company", next=request.path))
    form = _form_for(role_, fair)
    if form.validate_on_submit():
        try:
            registration = services.submit_registration(
                company,
                fair,
                role=role_,
                request=form.request(),
                actor=current_user,
                today=minsk_today(),
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_template(
                "registrations/new.html", fair=fair, form=form, role=role_
            ), exc.status_code
        flash(
            _("Your application has been sent.")
            if registration.status.value == "submitted"
            else _("The fair is full: your application is on the waiting list."),
            "success",
        )
        return redirect(url_for("registrations.show", registration_id=registration.id))
    status = 422 if form.errors else 200
    return render_template("registrations/new.html", fair=fair, form=form, role=role_), status


@bp.get("/my/fairs")
@login_required
def mine() -> ResponseReturnValue:
    """The company's applications, or (`?tab=followed`) the fairs it follows."""
    company = company_required()
    tab = "followed" if request.args.get("tab") == "followed" else "applications"
    parts = MY_FAIRS.context(company)
    # Both lists are the company's own and short: both tabs show both counts.
    rows = db.session.execute(queries.company_registrations(company.id)).all()
    followed = list(db.session.scalars(following_queries.watch_list(company.id)))
    today = minsk_today()
    return render_template(
        "registrations/mine.html",
        tab=tab,
        rows=rows,
        upcoming=[fair for fair in followed if fair.ends_on >= today],
        past=[fair for fair in followed if fair.ends_on < today],
        applied=_active_by_fair(rows),
        follow=following_queries.FollowState(
            frozenset(fair.id for fair in followed), url_for("registrations.mine", tab="followed")
        ),
        company=company,
        today=today,
        confirm=ConfirmForm(),
        **parts,
    )


def _active_by_fair(rows: list) -> dict[int, list[Registration]]:
    """The company's live applications (exhibitor, visitor) per fair, for the Followed tab."""
    found: dict[int, list[Registration]] = {}
    for registration, _rank in rows:
        if registration.is_active:
            found.setdefault(registration.fair_id, []).append(registration)
    return found


def own_registration(registration_id: int) -> Registration:
    """One of the reader's company's applications, else 404 (403 without a company)."""
    company = company_required()
    return db.one_or_404(queries.company_registration(company.id, registration_id))


@bp.get("/my/registrations/<int(max=2147483647):registration_id>")
@login_required
def show(registration_id: int) -> ResponseReturnValue:
    """One application: what was asked for, where it stands, and its history."""
    registration = own_registration(registration_id)
    rank = None
    if registration.status.value == "waitlisted":
        rank = db.session.scalar(queries.waitlist_rank(registration))
    parts = {"messages": [], **APPLICATION_PAGE.context(registration)}
    return render_template(
        "registrations/show.html",
        registration=registration,
        rank=rank,
        confirm=ConfirmForm(),
        today=minsk_today(),
        **parts,
    )


@bp.route("/my/registrations/<int(max=2147483647):registration_id>/edit", methods=["GET", "POST"])
@login_required
def edit(registration_id: int) -> ResponseReturnValue:
    """Change an application until the organizer decides on it."""
    registration = own_registration(registration_id)
    if not registration.editable:
        flash(_("This application can no longer be changed."), "error")
        return redirect(url_for("registrations.show", registration_id=registration.id))
    obj = registration if request.method == "GET" else None
    form = _form_for(registration.role, registration.fair, obj=obj)
    if form.validate_on_submit():
        try:
            services.update_registration(
                registration, request=form.request(), actor=current_user, today=minsk_today()
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return render_template(
                "registrations/edit.html", form=form, registration=registration
            ), exc.status_code
        flash(_("Your changes have been saved."), "success")
        return redirect(url_for("registrations.show", registration_id=registration.id))
    status = 422 if form.errors else 200
    return render_template("registrations/edit.html", form=form, registration=registration), status


def _ask_to_withdraw(registration: Registration) -> ResponseReturnValue:
    """The confirmation page: what withdrawing does and who is told."""
    fair = registration.fair
    name = localized(fair, "name")
    lines = [
        _(
            "Your application for %(fair)s will be withdrawn. This cannot be undone: to take "
            "part after all, you would apply again.",
            fair=name,
        ),
        # Staff get no mail of their own: the attendee list and its history tell them.
        _("The organizer sees at once, in the list of applications, that you have withdrawn."),
    ]
    if registration.role == RegistrationRole.EXHIBITOR and registration.status in HOLDING:
        lines.append(_("If companies are waiting for space, the first in line gets yours."))
    company = registration.company
    if company.email and company.notify_confirmations:
        lines.append(_("A confirmation goes to %(email)s.", email=company.email))
    back = url_for("registrations.show", registration_id=registration.id)
    return confirm.ask(
        title=_("Withdraw your application?"),
        lines=lines,
        button=_("Withdraw application"),
        back=back,
        items=[
            SEPARATOR.join(
                (name, format_date_range(fair.starts_on, fair.ends_on), label(registration.role))
            )
        ],
    )


@bp.post("/my/registrations/<int(max=2147483647):registration_id>/withdraw")
@login_required
def withdraw(registration_id: int) -> ResponseReturnValue:
    """Withdraw an application, once the company has confirmed it on the page this shows."""
    registration = own_registration(registration_id)
    if ConfirmForm().validate_on_submit():
        if registration.withdrawable and not confirm.confirmed():
            return _ask_to_withdraw(registration)
        try:
            services.withdraw_registration(registration, actor=current_user)
            db.session.commit()
            flash(_("Your application has been withdrawn."), "success")
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
    return redirect(url_for("registrations.show", registration_id=registration.id))
