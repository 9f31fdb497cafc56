"""Forms of the organizer console: attendee filters, decisions, notes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import (
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import AnyOf, DataRequired, Length, NumberRange, Optional, Regexp

from fairplanner.accounts.forms import MultiCheckboxField, website_field
from fairplanner.accounts.models import Country
from fairplanner.catalogue import queries as catalogue_queries
from fairplanner.catalogue.models import CapacityUnit, City, EventKind, FairKind, Venue
from fairplanner.extensions import db
from fairplanner.i18n import MINSK, localized
from fairplanner.organizers import services
from fairplanner.organizers.queries import SORTS
from fairplanner.registrations.forms import AreaField
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus
from fairplanner.text import blank_to_none, fold


def _finite(value: Decimal | None) -> Decimal | None:
    """NaN, sNaN and infinities become "no value" (NumberRange would crash on sNaN)."""
    return value if value is None or value.is_finite() else None


def _sane_date(form: FlaskForm, field: DateField) -> None:
    if field.data and not date(2000, 1, 1) <= field.data <= date(2100, 12, 31):
        raise ValidationError(_l("Choose a date between 2000 and 2100."))


SANE_DATE = _sane_date


def _lower(value: str | None) -> str | None:
    return value.strip().lower() if isinstance(value, str) else value


SORT_LABELS = {
    "company": _l("Company"),
    "country": _l("Country"),
    "region": _l("Region"),
    "role": _l("Role"),
    "status": _l("Status"),
    "area": _l("Area, m²"),
    "created": _l("Applied"),
    "updated": _l("Updated"),
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
            *(SelectChoice(s.value, s.title) for s in RegistrationStatus),
        ],
    )
    role = SelectField(
        _l("Role"),
        validators=[Optional()],
        choices=[
            SelectChoice("", _l("All")),
            *(SelectChoice(r.value, r.title) for r in RegistrationRole),
        ],
    )
    country = SelectField(
        _l("Country"),
        validators=[Optional()],
        choices=[
            SelectChoice("", _l("All")),
            *(SelectChoice(c.value, c.title) for c in Country),
        ],
    )
    # Choices come from the view: regions grouped by country, sectors by name.
    region = SelectField(_l("Region"), validators=[Optional()], choices=[])
    sector = SelectField(_l("Sector"), validators=[Optional()], choices=[])
    q = StringField(_l("Company, tax number or contact"), validators=[Optional(), Length(max=200)])
    sort = SelectField(
        _l("Sort by"),
        validators=[Optional()],
        choices=[SelectChoice(k, SORT_LABELS[k]) for k in SORTS],
        default="created",
    )
    dir = SelectField(
        _l("Order"),
        validators=[Optional()],
        choices=[SelectChoice("asc", _l("ascending")), SelectChoice("desc", _l("descending"))],
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


class StandAreaField(AreaField):
    """An area in m² that takes "12,5" and shows a stored 4.0 as "4", never "4.0"."""

    def _value(self) -> str:
        if not self.raw_data and isinstance(self.data, Decimal) and self.data.is_finite():
            return format(self.data.normalize(), "f")
        return super()._value()


SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
# The kind is required: the select starts on an empty "Choose…" (a required select's first
# option must be a placeholder, HTML 4.10.7).
KIND_CHOICES = [
    SelectChoice("", _l("Choose…")),
    *(SelectChoice(k.value, k.title) for k in FairKind),
]


class FairForm(FlaskForm):
    """A fair in both languages, its place, sectors, registration window and capacity rules."""

    revision = HiddenField()
    slug = StringField(
        _l("Address (slug)"),
        filters=[_lower],
        validators=[
            DataRequired(),
            Length(max=120),
            Regexp(SLUG, message=_l("Latin letters, digits and hyphens, e.g. belagro-2027.")),
        ],
    )
    name_ru = StringField(_l("Name (Russian)"), validators=[DataRequired(), Length(max=300)])
    name_en = StringField(
        _l("Name (English)"), filters=[blank_to_none], validators=[Length(max=300)]
    )
    description_ru = TextAreaField(
        _l("Description (Russian)"), filters=[blank_to_none], validators=[Length(max=10000)]
    )
    description_en = TextAreaField(
        _l("Description (English)"), filters=[blank_to_none], validators=[Length(max=10000)]
    )
    kind = SelectField(_l("Type"), choices=KIND_CHOICES, validators=[DataRequired()])
    starts_on = DateField(_l("First day"), validators=[DataRequired(), SANE_DATE])
    ends_on = DateField(_l("Last day"), validators=[DataRequired(), SANE_DATE])
    venue = SelectField(_l("Venue"), choices=[], validate_choice=False)
    new_venue_name = StringField(
        _l("…or a new venue: its name"), filters=[blank_to_none], validators=[Length(max=300)]
    )
    new_venue_city = SelectField(_l("City of the new venue"), choices=[], validate_choice=False)
    new_venue_address = StringField(
        _l("Address of the new venue"), filters=[blank_to_none], validators=[Length(max=300)]
    )
    sectors = MultiCheckboxField(_l("Sectors"), choices=[])
    registration_opens_on = DateField(
        _l("Registration opens"), validators=[DataRequired(), SANE_DATE]
    )
    registration_deadline = DateField(
        _l("Registration deadline"), validators=[DataRequired(), SANE_DATE]
    )
    capacity = IntegerField(
        _l("Exhibitor capacity"), validators=[Optional(), NumberRange(min=1, max=1_000_000)]
    )
    capacity_unit = SelectField(
        _l("Counted in"),
        choices=[
            SelectChoice(CapacityUnit.STANDS.value, _l("stands")),
            SelectChoice(CapacityUnit.SQM.value, _l("m² of stand area")),
        ],
    )
    stand_area_min = StandAreaField(
        _l("Smallest stand, m²"),
        places=1,
        filters=[_finite],
        validators=[DataRequired(), NumberRange(min=1, max=100_000)],
    )
    stand_area_max = StandAreaField(
        _l("Largest stand, m²"),
        places=1,
        filters=[_finite],
        validators=[DataRequired(), NumberRange(min=1, max=100_000)],
    )
    website = website_field()

    def load_choices(self) -> FairForm:
        """The venues, cities and sectors to choose from, by name (the page's selects, and the
        values the API may give)."""
        venues = db.session.scalars(select(Venue).options(joinedload(Venue.city))).all()
        self.venue.choices = [
            SelectChoice("", _("Choose…")),
            *sorted(
                (
                    SelectChoice(str(v.id), f"{localized(v, 'name')} ({localized(v.city, 'name')})")
                    for v in venues
                ),
                key=lambda c: fold(c.label),
            ),
        ]
        self.new_venue_city.choices = [
            SelectChoice("", _("Choose…")),
            *sorted(
                (
                    SelectChoice(str(c.id), localized(c, "name"))
                    for c in db.session.scalars(select(City))
                ),
                key=lambda c: fold(c.label),
            ),
        ]
        self.sectors.choices = sorted(
            (
                SelectChoice(s.code, localized(s, "name"))
                for s in db.session.scalars(catalogue_queries.sectors())
            ),
            key=lambda c: fold(c.label),
        )
        return self

    def fair_data(self) -> services.FairData:
        """The validated form as the services take it; a new venue named here is added."""
        venue_id = (
            int(self.venue.data) if self.venue.data and not self.new_venue_name.data else None
        )
        if venue_id is None:
            venue_id = services.add_venue(
                name_ru=self.new_venue_name.data,
                city_id=int(self.new_venue_city.data),
                address_ru=self.new_venue_address.data,
            ).id
        return services.FairData(
            slug=self.slug.data,
            name_ru=self.name_ru.data,
            name_en=self.name_en.data,
            description_ru=self.description_ru.data,
            description_en=self.description_en.data,
            kind=FairKind(self.kind.data),
            starts_on=self.starts_on.data,
            ends_on=self.ends_on.data,
            venue_id=venue_id,
            sector_codes=self.sectors.data or [],
            registration_opens_on=self.registration_opens_on.data,
            registration_deadline=self.registration_deadline.data,
            capacity=self.capacity.data,
            capacity_unit=CapacityUnit(self.capacity_unit.data),
            stand_area_min=self.stand_area_min.data,
            stand_area_max=self.stand_area_max.data,
            website=self.website.data,
        )

    def validate_venue(self, field: SelectField) -> None:
        known = {c.value for c in field.choices}
        if not self.new_venue_name.data and field.data not in known - {""}:
            raise ValidationError(_l("Choose a venue or name a new one."))

    def validate_new_venue_city(self, field: SelectField) -> None:
        if self.new_venue_name.data and field.data not in {c.value for c in field.choices} - {""}:
            raise ValidationError(_l("Choose the city of the new venue."))


class CancelForm(FlaskForm):
    reason_ru = TextAreaField(_l("Reason (Russian)"), validators=[DataRequired(), Length(max=2000)])
    reason_en = TextAreaField(
        _l("Reason (English)"), filters=[blank_to_none], validators=[Length(max=2000)]
    )


class EventForm(FlaskForm):
    """A programme item; times are Minsk time."""

    revision = HiddenField()
    title_ru = StringField(_l("Title (Russian)"), validators=[DataRequired(), Length(max=300)])
    title_en = StringField(
        _l("Title (English)"), filters=[blank_to_none], validators=[Length(max=300)]
    )
    kind = SelectField(_l("Kind"), choices=[SelectChoice(k.value, k.title) for k in EventKind])
    day = DateField(_l("Day"), validators=[DataRequired(), SANE_DATE])
    start = TimeField(_l("Starts (Minsk time)"), validators=[DataRequired()])
    end = TimeField(_l("Ends (Minsk time)"), validators=[DataRequired()])
    hall_ru = StringField(
        _l("Hall (Russian)"), filters=[blank_to_none], validators=[Length(max=120)]
    )
    hall_en = StringField(
        _l("Hall (English)"), filters=[blank_to_none], validators=[Length(max=120)]
    )
    description_ru = TextAreaField(
        _l("Description (Russian)"), filters=[blank_to_none], validators=[Length(max=4000)]
    )
    description_en = TextAreaField(
        _l("Description (English)"), filters=[blank_to_none], validators=[Length(max=4000)]
    )

    def event_data(self) -> services.EventData:
        """The validated form as the services take it: the Minsk times as aware UTC."""
        start = datetime.combine(self.day.data, self.start.data, MINSK).astimezone(UTC)
        end = datetime.combine(self.day.data, self.end.data, MINSK).astimezone(UTC)
        return services.EventData(
            title_ru=self.title_ru.data,
            title_en=self.title_en.data,
            description_ru=self.description_ru.data,
            description_en=self.description_en.data,
            hall_ru=self.hall_ru.data,
            hall_en=self.hall_en.data,
            kind=EventKind(self.kind.data),
            starts_at=start,
            ends_at=end,
        )


class StandForm(FlaskForm):
    """The hall and stand of one approved exhibitor (both empty: no stand)."""

    version = IntegerField(validators=[DataRequired()])
    hall = StringField(_l("Hall"), validators=[Optional(), Length(max=40)])
    stand = StringField(_l("Stand number"), validators=[Optional(), Length(max=40)])


class StandUploadForm(FlaskForm):
    """A spreadsheet of tax number → hall, stand (XLSX or CSV)."""

    file = FileField(_l("File (XLSX or CSV)"))


class StandApplyForm(FlaskForm):
    """The rows a preview showed, sent back to be checked again and applied."""

    rows = HiddenField(validators=[DataRequired()])
