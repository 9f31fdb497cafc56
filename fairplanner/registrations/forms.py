"""Application forms: to exhibit (a stand) or to visit (a delegation)."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DecimalField,
    FieldList,
    Form,
    FormField,
    RadioField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import TextInput

from fairplanner.accounts.forms import MultiCheckboxField
from fairplanner.catalogue.models import Fair
from fairplanner.registrations.models import StandType, VisitAim
from fairplanner.registrations.services import ExhibitorRequest, VisitRequest
from fairplanner.text import blank_to_none

TEXT_MAX = 2000
ENTRY_MAX = 600  # a catalogue entry: a short text, as on a printed catalogue page
MAX_DELEGATES = 30


class AreaField(DecimalField):
    """A decimal that also takes the Russian decimal comma ("12,5"): a text box, since a
    number input would reject the comma in some browsers."""

    widget = TextInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata([v.replace(",", ".").strip() for v in valuelist])


class ExhibitorForm(FlaskForm):
    stand_type = RadioField(
        _l("Stand"),
        choices=[SelectChoice(t.value, t.title) for t in StandType],
        validators=[InputRequired(message=_l("Choose the kind of stand."))],
    )
    area = AreaField(
        _l("Area, m²"),
        places=1,
        validators=[InputRequired(message=_l("Enter the area in m², e.g. 12 or 12.5."))],
        render_kw={"inputmode": "decimal"},
    )
    needs_power = BooleanField(_l("Electricity"))
    needs_water = BooleanField(_l("Water"))
    needs_internet = BooleanField(_l("Internet"))
    products = TextAreaField(
        _l("Products to show"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=TEXT_MAX)],
    )
    note = TextAreaField(
        _l("Note for the organizer"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=TEXT_MAX)],
    )
    listed = BooleanField(
        _l("List my company in the fair's public exhibitor catalogue once approved"),
        default=True,
    )
    entry_ru = TextAreaField(
        _l("Catalogue entry in Russian: what you exhibit"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=ENTRY_MAX)],
    )
    entry_en = TextAreaField(
        _l("Catalogue entry in English: what you exhibit"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=ENTRY_MAX)],
    )

    def __init__(self, *args: object, fair: Fair, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fair = fair

    def validate_area(self, field: DecimalField) -> None:
        low, high = self.fair.stand_area_min, self.fair.stand_area_max
        if field.data is None or not field.data.is_finite() or not low <= field.data <= high:
            raise ValidationError(
                _l(
                    "The stand area at this fair is %(min)s to %(max)s m².",
                    min=_num(low),
                    max=_num(high),
                )
            )

    def request(self) -> ExhibitorRequest:
        return ExhibitorRequest(
            stand_type=StandType(self.stand_type.data),
            area=self.area.data.quantize(Decimal("0.1")),
            needs_power=self.needs_power.data,
            needs_water=self.needs_water.data,
            needs_internet=self.needs_internet.data,
            products=self.products.data,
            note=self.note.data,
            listed=self.listed.data,
            entry_ru=self.entry_ru.data,
            entry_en=self.entry_en.data,
        )


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f")


class DelegateForm(Form):
    name = StringField(
        _l("Name"), filters=[blank_to_none], validators=[Optional(), Length(max=200)]
    )
    position = StringField(
        _l("Position"), filters=[blank_to_none], validators=[Optional(), Length(max=200)]
    )

    def validate_position(self, field: StringField) -> None:
        if field.data and not self.name.data:
            raise ValidationError(_l("Add the name for this position."))


class VisitorForm(FlaskForm):
    delegates = FieldList(FormField(DelegateForm), min_entries=10, max_entries=MAX_DELEGATES)
    aims = MultiCheckboxField(
        _l("Aims of the visit"),
        choices=[SelectChoice(a.value, a.title) for a in VisitAim],
        validators=[DataRequired(message=_l("Choose at least one aim."))],
    )
    note = TextAreaField(
        _l("Note for the organizer"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=TEXT_MAX)],
    )

    def __init__(self, *args: object, fair: Fair | None = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fair = fair

    def validate_delegates(self, field: FieldList) -> None:
        if not self.delegate_list():
            raise ValidationError(_l("Name at least one delegate."))

    def delegate_list(self) -> list[dict[str, str]]:
        return [
            {"name": entry.form.name.data, "position": entry.form.position.data or ""}
            for entry in self.delegates
            if entry.form.name.data
        ]

    def request(self) -> VisitRequest:
        return VisitRequest(
            delegates=self.delegate_list(), aims=list(self.aims.data), note=self.note.data
        )


class ConfirmForm(FlaskForm):
    """A CSRF-only form behind action buttons."""
