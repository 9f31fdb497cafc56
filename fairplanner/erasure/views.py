"""Deleting one's account (and, for the last member, the company)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user

from fairplanner import confirm, display
from fairplanner.erasure import services
from fairplanner.erasure.forms import DeleteAccountForm
from fairplanner.errors import DomainError
from fairplanner.extensions import db, limiter
from fairplanner.i18n import localized, minsk_today

bp = Blueprint("erasure", __name__)


def _password_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def consequences(plan: services.Plan) -> list[str]:
    """What deleting the account does, as the pages before it say."""
    name = display.company_name(plan.company)
    if not plan.last_member:
        lines = [
            ngettext(
                "Your account will be deleted and you will be signed out. %(company)s stays "
                "with your %(num)d colleague.",
                "Your account will be deleted and you will be signed out. %(company)s stays "
                "with your %(num)d colleagues.",
                plan.colleagues,
                company=name,
            ),
            _(
                "Applications you made stay with the company; their history will show "
                "“Deleted user” instead of your address."
            ),
        ]
        if plan.clears_contact:
            lines.append(
                _(
                    "Your address is the company's contact address: it will be cleared, and a "
                    "colleague will need to give a new one before the next application."
                )
            )
    else:
        lines = [
            _(
                "You are the last member of %(company)s: your account and the company will be "
                "deleted, with its profile, invitations and calendar address.",
                company=name,
            )
        ]
        if plan.withdrawn:
            lines.append(
                ngettext(
                    "%(num)d application to a fair that has not ended will be withdrawn; the "
                    "organizer sees it at once, and the waiting list moves up.",
                    "%(num)d applications to fairs that have not ended will be withdrawn; the "
                    "organizers see them at once, and the waiting lists move up.",
                    len(plan.withdrawn),
                )
            )
        if plan.kept:
            lines.append(
                _(
                    "Organizers keep the applications and their decisions for their records, "
                    "as “%(name)s”, without your tax number, contacts, products or delegates.",
                    name=display.deleted_company(plan.company.id),
                )
            )
    lines.append(
        _("Mail to your address is deleted too, including any not sent yet. This cannot be undone.")
    )
    return lines


def _withdrawn_items(plan: services.Plan) -> list[str]:
    return [f"{localized(r.fair, 'name')} — {display.label(r.role)}" for r in plan.withdrawn]


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
@limiter.limit(_password_limit, methods=["POST"])
def delete_account() -> ResponseReturnValue:
    """Delete the current user's account: the password, a confirmation, then the erasure."""
    user = current_user._get_current_object()  # the User, not the proxy to it
    if user.company is None:
        abort(403)
    plan = services.plan(user, today=minsk_today())
    if request.method == "POST" and confirm.confirmed():
        if not services.proof_valid(user, request.form.get("proof")):
            flash(_("Enter your password again to delete the account."), "error")
            return redirect(url_for("erasure.delete_account"))
        try:
            if plan.last_member:
                services.delete_company(plan.company, actor=user, today=minsk_today())
            else:
                services.delete_member(user, actor=user)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
            return redirect(url_for("erasure.delete_account"))
        logout_user()
        flash(_("Your account has been deleted."), "success")
        return redirect(url_for("catalogue.index"))
    form = DeleteAccountForm()
    if form.validate_on_submit():
        if services.check_password(user, form.password.data):
            return confirm.ask(
                title=_("Delete the company and your account?")
                if plan.last_member
                else _("Delete your account?"),
                lines=consequences(plan),
                button=_("Delete for good"),
                back=url_for("accounts.company"),
                items=_withdrawn_items(plan),
                hidden=[("proof", services.make_proof(user))],
            )
        form.password.errors.append(_("The password is not correct."))
    status = 422 if form.errors else 200
    return render_template(
        "erasure/delete_account.html", form=form, plan=plan, lines=consequences(plan)
    ), status
