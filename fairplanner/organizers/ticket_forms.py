"""Forms of the fair day in the organizer console: the badge quota, the badges list's filters,
the walk-in desk and taking a ticket back. They only read what was typed; the rules are
fairplanner.tickets.services'."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, IntegerField, RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from fairplanner.organizers.forms import StandAreaField, _finite
from fairplanner.text import blank_to_none, strip
from fairplanner.tickets.models import COMPANY_MAX, NAME_MAX, QuotaMode, TicketRole, TicketSettings
from fairplanner.tickets.services import DESK_ROLES

QUOTA_COUNT_MAX = 100
QUOTA_AREA_MAX = 1000


class QuotaForm(FlaskForm):
    """An exhibitor's badge quota: N badges per stand, or N per so many m² of stand."""

    quota_mode = RadioField(
        _l("How exhibitors' badges are counted"),
        choices=[SelectChoice(m.value, m.title) for m in QuotaMode],
        validators=[InputRequired(message=_l("Choose how badges are counted."))],
    )
    quota_count = IntegerField(
        _l("Number of badges"),
        validators=[
            InputRequired(message=_l("Enter a number of badges.")),
            NumberRange(1, QUOTA_COUNT_MAX, message=_l("From 1 to 100 badges.")),
        ],
        render_kw={"inputmode": "numeric"},
    )
    quota_area = StandAreaField(
        _l("Square metres per block of badges"),
        places=1,
        filters=[_finite],
        validators=[
            Optional(),
            NumberRange(1, QUOTA_AREA_MAX, message=_l("From 1 to 1000 m².")),
        ],
        render_kw={"inputmode": "decimal"},
    )

    def validate(self, extra_validators: Any = None) -> bool:
        # Not a validate_quota_area: Optional() ends the field's chain on an empty box.
        valid = super().validate(extra_validators)
        per_area = self.quota_mode.data == QuotaMode.PER_AREA.value
        if per_area and self.quota_area.data is None and not self.quota_area.errors:
            self.quota_area.errors = [
                *self.quota_area.errors,
                _l("Enter the square metres that one block of badges is for."),
            ]
            return False
        return valid

    def fill(self, settings: TicketSettings) -> None:
        self.quota_mode.data = settings.quota_mode.value
        self.quota_count.data = settings.quota_count
        self.quota_area.data = Decimal(str(settings.quota_area))

    def area(self) -> Decimal | None:
        return self.quota_area.data if self.quota_mode.data == QuotaMode.PER_AREA.value else None


class BadgeFilterForm(FlaskForm):
    """The badges list's filters, read from the query string; a bad value is said, not fatal."""

    class Meta:
        csrf = False

    q = StringField(_l("Name or company"), filters=[strip], validators=[Length(max=100)])
    role = SelectField(
        _l("Role"),
        validators=[Optional()],
        choices=[
            SelectChoice("", _l("All")),
            *(SelectChoice(r.value, r.title) for r in TicketRole),
        ],
    )
    # Choices come from the view: the companies and halls of the fair's tickets.
    company = SelectField(_l("Company"), validators=[Optional()], choices=[])
    hall = SelectField(_l("Hall"), validators=[Optional()], choices=[])
    page = IntegerField(validators=[Optional(), NumberRange(1, 100_000)])

    VISIBLE = ("q", "role", "company", "hall")

    def read(self) -> list[str]:
        """Validate, drop what was not understood and return its labels."""
        self.validate()
        ignored = []
        for field in self:
            if field.errors:
                if field.name in self.VISIBLE:
                    ignored.append(str(field.label.text))
                field.data = None
        return ignored

    @property
    def chosen_role(self) -> TicketRole | None:
        return TicketRole(self.role.data) if self.role.data else None

    @property
    def chosen_company(self) -> int | None:
        return int(self.company.data) if self.company.data else None

    def args(self) -> dict[str, str]:
        """The understood filters, for links that keep them (paging, printing, going back)."""
        return {
            name: str(self[name].data) for name in self.VISIBLE if self[name].data not in (None, "")
        }


class WalkInForm(FlaskForm):
    """A walk-in visitor, a journalist or the organizer's own staff, registered at the desk."""

    name = StringField(
        _l("Name"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter the person's name.")),
            Length(max=NAME_MAX),
        ],
        render_kw={"autocomplete": "off", "autofocus": True},
    )
    company = StringField(
        _l("Company or media outlet"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=COMPANY_MAX)],
        render_kw={"autocomplete": "off"},
    )
    role = RadioField(
        _l("Role"),
        choices=[SelectChoice(r.value, r.title) for r in DESK_ROLES],
        default=TicketRole.VISITOR.value,
        validators=[InputRequired(message=_l("Choose the role."))],
    )
    email = EmailField(
        _l("Email (optional)"),
        filters=[blank_to_none],
        validators=[
            Optional(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "off"},
    )


class RevokeForm(FlaskForm):
    """Take a ticket back at the desk; the badges list's filters ride along to come back to
    (whatever they hold, the list reads them again as its filters)."""

    q = StringField()
    role = StringField()
    company = StringField()
    hall = StringField()
    page = StringField()

    def back_args(self) -> dict[str, str]:
        return {f.name: str(f.data)[:100] for f in self if f.name != "csrf_token" and f.data}
