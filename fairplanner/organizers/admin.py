"""Admin screens: organizers and their staff accounts."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Regexp

from fairplanner.accounts import services as account_services
from fairplanner.accounts.forms import email_field, new_password_field
from fairplanner.accounts.models import Role, User
from fairplanner.catalogue.models import Organizer
from fairplanner.db import utcnow
from fairplanner.errors import DomainError
from fairplanner.extensions import db
from fairplanner.i18n import localized
from fairplanner.notifications.models import OutboxMessage, OutboxStatus
from fairplanner.organizers.forms import SLUG
from fairplanner.organizers.views import bp
from fairplanner.text import fold


def admin_required(view: Callable[..., ResponseReturnValue]) -> Callable[..., ResponseReturnValue]:
    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> ResponseReturnValue:
        if current_user.role != Role.ADMIN:
            abort(403)
        return view(*args, **kwargs)

    return wrapper


class OrganizerForm(FlaskForm):
    slug = StringField(
        _l("Address (slug)"), validators=[DataRequired(), Length(max=60), Regexp(SLUG)]
    )
    name_ru = StringField(_l("Name (Russian)"), validators=[DataRequired(), Length(max=300)])
    name_en = StringField(_l("Name (English)"), validators=[Length(max=300)])


class StaffForm(FlaskForm):
    email = email_field()
    password = new_password_field(_l("Password"))
    organizer = SelectField(_l("Organizer"), choices=[], validate_choice=True)


@bp.route("/admin", methods=["GET", "POST"])
@admin_required
def admin() -> ResponseReturnValue:
    """Organizers and staff: an admin adds both here (or with `flask create-user`)."""
    organizer_form = OrganizerForm(prefix="org")
    staff_form = StaffForm(prefix="staff")
    organizers = sorted(
        db.session.scalars(select(Organizer)), key=lambda o: fold(localized(o, "name"))
    )
    staff_form.organizer.choices = [
        SelectChoice(str(o.id), localized(o, "name")) for o in organizers
    ]
    # Both forms post here; the one whose fields came is the one meant.
    if organizer_form.slug.data and organizer_form.validate_on_submit():
        db.session.add(
            Organizer(
                slug=organizer_form.slug.data,
                name_ru=organizer_form.name_ru.data,
                name_en=organizer_form.name_en.data or None,
            )
        )
        try:
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            flash(_("Another organizer already has this address (slug)."), "error")
        else:
            flash(_("Organizer added."), "success")
            return redirect(url_for("organizers.admin"))
    elif staff_form.email.data and staff_form.validate_on_submit():
        organizer = db.session.get(Organizer, int(staff_form.organizer.data))
        try:
            account_services.create_user(
                staff_form.email.data,
                staff_form.password.data,
                role=Role.STAFF,
                organizer=organizer,
            )
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            flash(exc.message, "error")
        else:
            flash(_("Staff account created."), "success")
            return redirect(url_for("organizers.admin"))
    staff = db.session.scalars(
        select(User).where(User.role == Role.STAFF).order_by(User.email)
    ).all()
    names = {o.id: localized(o, "name") for o in organizers}
    return render_template(
        "organizers/admin.html",
        organizers=organizers,
        staff=staff,
        names=names,
        organizer_form=organizer_form,
        staff_form=staff_form,
    )


@bp.route("/admin/outbox", methods=["GET", "POST"])
@admin_required
def outbox() -> ResponseReturnValue:
    """Outgoing mail: counts by status, the parked messages and a way to send them again."""
    if request.method == "POST" and FlaskForm().validate_on_submit():
        retried = db.session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.status == OutboxStatus.PARKED)
            .values(status=OutboxStatus.PENDING, attempts=0, next_attempt_at=utcnow())
        ).rowcount
        db.session.commit()
        flash(_("%(n)d parked messages will be sent again.", n=retried), "success")
        return redirect(url_for("organizers.outbox"))
    counts = dict(
        db.session.execute(
            select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
                OutboxMessage.status
            )
        ).all()
    )
    parked = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PARKED)
        .order_by(OutboxMessage.id.desc())
        .limit(100)
    ).all()
    return render_template(
        "organizers/outbox.html",
        counts=counts,
        parked=parked,
        statuses={s: s.title for s in OutboxStatus},
        form=FlaskForm(),
    )
