"""Forms of organizer messages and their templates."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, RadioField, StringField, TextAreaField, TimeField, ValidationError
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from fairplanner.accounts.forms import MultiCheckboxField
from fairplanner.accounts.models import Country
from fairplanner.organizers.messages.content import Content, Filters
from fairplanner.organizers.messages.models import Attachment
from fairplanner.organizers.messages.text import one_line
from fairplanner.registrations.models import RegistrationRole, RegistrationStatus
from fairplanner.text import blank_to_none

# The order of the statuses as the workflow goes.
STATUS_ORDER = (
    RegistrationStatus.SUBMITTED,
    RegistrationStatus.APPROVED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.REJECTED,
    RegistrationStatus.WITHDRAWN,
)


def _subject(label: object) -> StringField:
    return StringField(label, filters=[one_line, blank_to_none], validators=[Length(max=200)])


def _body(label: object) -> TextAreaField:
    return TextAreaField(label, filters=[blank_to_none], validators=[Length(max=10000)])


class ContentForm(FlaskForm):
    """A subject and a text in each language; at least one language complete."""

    subject_ru = _subject(_l("Subject (Russian)"))
    body_ru = _body(_l("Text (Russian)"))
    subject_en = _subject(_l("Subject (English)"))
    body_en = _body(_l("Text (English)"))

    def content(self) -> Content:
        return Content(
            subject_ru=self.subject_ru.data,
            subject_en=self.subject_en.data,
            body_ru=self.body_ru.data,
            body_en=self.body_en.data,
        )

    def validate_body_ru(self, field: TextAreaField) -> None:
        if bool(self.subject_ru.data) != bool(field.data):
            raise ValidationError(_l("Write both the subject and the text, or leave both empty."))

    def validate_body_en(self, field: TextAreaField) -> None:
        if bool(self.subject_en.data) != bool(field.data):
            raise ValidationError(_l("Write both the subject and the text, or leave both empty."))

    def validate_subject_ru(self, field: StringField) -> None:
        if not (field.data or self.subject_en.data or self.body_ru.data or self.body_en.data):
            raise ValidationError(_l("Write the subject and the text in at least one language."))


class MessageForm(ContentForm):
    statuses = MultiCheckboxField(
        _l("Status of the application"),
        choices=[SelectChoice(s.value, s.title) for s in STATUS_ORDER],
        validators=[DataRequired(message=_l("Choose at least one status."))],
    )
    roles = MultiCheckboxField(
        _l("Role"), choices=[SelectChoice(r.value, r.title) for r in RegistrationRole]
    )
    countries = MultiCheckboxField(
        _l("Country"), choices=[SelectChoice(c.value, c.title) for c in Country]
    )
    sectors = MultiCheckboxField(_l("Sector"), choices=[])  # the view sets them, by name
    attachment = RadioField(
        _l("Attachment"),
        choices=[SelectChoice(a.value, a.title) for a in Attachment],
        default=Attachment.NONE.value,
    )
    pdf = FileField(_l("PDF file (at most 5 MB)"))

    def filters(self) -> Filters:
        return Filters(
            statuses=list(self.statuses.data or []),
            roles=list(self.roles.data or []),
            countries=list(self.countries.data or []),
            sectors=list(self.sectors.data or []),
        )


class TemplateForm(ContentForm):
    name = StringField(
        _l("Name of the template"),
        filters=[one_line],
        validators=[DataRequired(), Length(max=120)],
    )


class ScheduleForm(FlaskForm):
    day = DateField(_l("Day"), validators=[DataRequired()])
    time = TimeField(_l("Time (Minsk)"), validators=[DataRequired()])
