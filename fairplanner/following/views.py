"""Follow and unfollow buttons (the "Followed" tab lives in "My fairs")."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_login import current_user, login_required

from fairplanner.accounts.views import company_required
from fairplanner.core.views import safe_next
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.following import (
    models,  # noqa: F401 - the table joins the metadata
    queries,
    services,
)
from fairplanner.following.forms import FollowForm
from fairplanner.i18n import localized

bp = Blueprint("following", __name__)


@bp.post("/fairs/<slug>/follow")
@login_required
def follow(slug: str) -> ResponseReturnValue:
    """The current user's company follows a fair (again: nothing changes)."""
    company = company_required()  # from the session: no company in the URL to tamper with
    fair = db.one_or_404(queries.visible_fair(slug))
    back = _back(slug)
    try:
        services.follow(company, fair, by=current_user)
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
        return redirect(back)
    flash(
        _(
            "You are following %(fair)s: it is listed in My fairs → Followed.",
            fair=localized(fair, "name"),
        ),
        "success",
    )
    return redirect(back)


@bp.post("/fairs/<slug>/unfollow")
@login_required
def unfollow(slug: str) -> ResponseReturnValue:
    """The current user's company stops following a fair (not following it: nothing changes)."""
    company = company_required()
    fair = db.one_or_404(queries.visible_fair(slug))
    back = _back(slug)
    services.unfollow(company, fair)
    db.session.commit()
    flash(_("You no longer follow %(fair)s.", fair=localized(fair, "name")), "success")
    return redirect(back)


def _back(slug: str) -> str:
    """Where the button was pressed (a path of this site), else the fair's page."""
    form = FollowForm()
    if not form.validate_on_submit():  # CSRFProtect refuses a forged post before this
        abort(400)
    return safe_next(form.next.data, url_for("catalogue.fair", slug=slug))
