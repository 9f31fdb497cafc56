"""One-click unsubscribe (RFC 8058) and the member's choice of reminder mails."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fairplanner.accounts.models import User
from fairplanner.extensions import csrf, db
from fairplanner.reminders import mails, services
from fairplanner.reminders.forms import ChoicesForm
from fairplanner.reminders.models import ReminderKind

bp = Blueprint("reminders", __name__)


def _member(token: str) -> tuple[User, ReminderKind] | None:
    found = mails.read_unsubscribe_token(token)
    if found is None:
        return None
    user = db.session.get(User, found[0])
    if user is None or user.erased_at is not None:
        return None
    return user, found[1]


@bp.get("/unsubscribe/<token>")
def unsubscribe(token: str) -> ResponseReturnValue:
    """Ask before unsubscribing: link scanners open links in mail, and must not unsubscribe."""
    found = _member(token)
    if found is None:
        return render_template("reminders/bad_link.html"), 404
    return render_template("reminders/unsubscribe.html", what=found[1].title, done=False)


@bp.post("/unsubscribe/<token>")
@csrf.exempt  # RFC 8058: the mail client's POST has no token; the signed link is the authority
def unsubscribe_now(token: str) -> ResponseReturnValue:
    """Unsubscribe the member in the link from its kind of mail, at once."""
    found = _member(token)
    if found is None:
        return render_template("reminders/bad_link.html"), 404
    user, kind = found
    services.set_choice(user, kind, False)
    db.session.commit()
    return render_template("reminders/unsubscribe.html", what=kind.title, done=True)


@bp.route("/account/notifications", methods=["GET", "POST"])
@login_required
def settings() -> ResponseReturnValue:
    """The signed-in member's reminder mails, to turn on and off."""
    user = current_user._get_current_object()
    form = ChoicesForm()
    if form.validate_on_submit():
        services.set_choices(user, {kind: bool(form[kind.value].data) for kind in ReminderKind})
        db.session.commit()
        flash(_("Your choice of emails has been saved."), "success")
        return redirect(url_for("reminders.settings"))
    if not form.is_submitted():
        for kind, wanted in services.choices(user).items():
            form[kind.value].data = wanted
    status = 422 if form.errors else 200
    return render_template("reminders/settings.html", form=form), status
