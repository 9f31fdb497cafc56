"""Forms of the organizer console: attendee filters, decisions, notes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional

from fairplanner.accounts.forms import COUNTRY_LABELS
from fairplanner.accounts.models import Country
from fairplanner.organizers.queries import SORTS
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus

STATUS_LABELS = {
    RegistrationStatus.SUBMITTED: _l("Submitted"),
    RegistrationStatus.APPROVED: _l("Approved"),
    RegistrationStatus.REJECTED: _l("Rejected"),
    RegistrationStatus.WAITLISTED: _l("On the waiting list"),
    RegistrationStatus.WITHDRAWN: _l("Withdrawn"),
}
ROLE_LABELS = {
    RegistrationRole.EXHIBITOR: _l("Exhibitor"),
    RegistrationRole.VISITOR: _l("Visitor / delegation"),
}
ACTIONS = {
    "approve": RegistrationStatus.APPROVED,
    "reject": RegistrationStatus.REJECTED,
    "waitlist": RegistrationStatus.WAITLISTED,
}


class AttendeeFilterForm(FlaskForm):
    class Meta:
        csrf = False

    status = SelectField(
        _l("Status"),
        validators=[Optional()],
        choices=[
            SelectChoice("", _l("All")),
            *(SelectChoice(s.value, STATUS_LABELS[s]) for s in RegistrationStatus),
        ],
    )
    role = SelectField(
        _l("Role"),
        validators=[Optional()],
        choices=[
            SelectChoice("", _l("All")),
            *(SelectChoice(r.value, ROLE_LABELS[r]) for r in RegistrationRole),
        ],
    )
    country = SelectField(
        _l("Country"),
        validators=[Optional()],
        choices=[
            SelectChoice("", _l("All")),
            *(SelectChoice(c.value, COUNTRY_LABELS[c]) for c in Country),
        ],
    )
    region = StringField(_l("Region code"), validators=[Optional(), Length(max=20)])
    sector = StringField(_l("Sector code"), validators=[Optional(), Length(max=40)])
    q = StringField(_l("Company, tax number or contact"), validators=[Optional(), Length(max=200)])
    sort = SelectField(
        _l("Sort by"),
        validators=[Optional()],
        choices=[SelectChoice(k, k) for k in SORTS],
        default="created",
    )
    dir = SelectField(
        validators=[Optional()],
        choices=[SelectChoice("asc", "↑"), SelectChoice("desc", "↓")],
        default="asc",
    )
    page = IntegerField(validators=[Optional(), NumberRange(min=1, max=100_000)])


class DecisionForm(FlaskForm):
    """One decision on one application, from a page that showed `version`."""

    action = HiddenField(validators=[DataRequired(), AnyOf(list(ACTIONS))])
    version = IntegerField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Reason (shown to the company)"), validators=[Optional(), Length(max=2000)]
    )


class NoteForm(FlaskForm):
    text = TextAreaField(_l("Internal note"), validators=[DataRequired(), Length(max=4000)])
