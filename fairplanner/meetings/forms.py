"""A company's forms for a fair's B2B meetings: its profile, a request and the answers to one.

The slots travel as their ISO UTC strings (the programme's `slots()`); the views offer only
slots of the programme and the services refuse any other.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask_babel import format_datetime
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, FieldList, FormField, RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, Length, Optional, ValidationError

from fairplanner.accounts.forms import MultiCheckboxField
from fairplanner.meetings.models import FollowUp
from fairplanner.meetings.services import ATTENDEES_MAX, MAX_TEXT, Profile
from fairplanner.registrations.forms import DelegateForm
from fairplanner.text import blank_to_none, strip

# The languages a company may say it speaks, in the order the form shows them.
LANGUAGES = {
    "ru": _l("Russian"),
    "be": _l("Belarusian"),
    "en": _l("English"),
    "de": _l("German"),
    "zh": _l("Chinese"),
    "fr": _l("French"),
    "pl": _l("Polish"),
    "lt": _l("Lithuanian"),
    "kk": _l("Kazakh"),
    "uz": _l("Uzbek"),
}
ATTENDEE_ROWS = 3  # blank rows shown besides the people already named


def slot_label(slot: datetime, *, day: bool = True) -> str:
    """ "12 May, 10:30" (or "10:30" without the `day`) in Minsk time: how every B2B form and
    page names a slot."""
    return format_datetime(slot, "d MMMM, HH:mm" if day else "HH:mm")


def slot_choices(slots: Iterable[datetime]) -> list[SelectChoice]:
    """The slots as a form's choices: their ISO UTC value, their label."""
    return [SelectChoice(slot.isoformat(), slot_label(slot)) for slot in slots]


def parse_slots(values: list[str]) -> list[datetime] | None:
    """The posted slot values as aware datetimes; None when one is not a time at all."""
    slots = []
    for value in values:
        try:
            slot = datetime.fromisoformat(value)
        except ValueError:
            return None
        if slot.tzinfo is None:
            return None
        slots.append(slot)
    return slots


def _text(label: object) -> TextAreaField:
    return TextAreaField(
        label, filters=[blank_to_none], validators=[Optional(), Length(max=MAX_TEXT)]
    )


class ProfileForm(FlaskForm):
    offers_ru = _text(_l("What your company offers (in Russian)"))
    offers_en = _text(_l("What your company offers (in English)"))
    seeks_ru = _text(_l("What your company seeks (in Russian)"))
    seeks_en = _text(_l("What your company seeks (in English)"))
    offer_sectors = MultiCheckboxField(_l("Sectors of what you offer"), choices=[])
    seek_sectors = MultiCheckboxField(_l("Sectors of what you seek"), choices=[])
    languages = MultiCheckboxField(
        _l("Languages your people speak"),
        choices=[SelectChoice(code, title) for code, title in LANGUAGES.items()],
    )
    attendees = FieldList(FormField(DelegateForm), min_entries=1, max_entries=ATTENDEES_MAX)
    phone = StringField(
        _l("Contact phone"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=20)],
        render_kw={"autocomplete": "tel", "inputmode": "tel"},
    )
    email = EmailField(
        _l("Contact email"),
        filters=[strip, blank_to_none],
        validators=[
            Optional(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "email"},
    )
    unavailable = MultiCheckboxField(_l("Times you cannot meet"), choices=[])

    def validate_offers_ru(self, field: TextAreaField) -> None:
        if not any(
            (self.offers_ru.data, self.offers_en.data, self.seeks_ru.data, self.seeks_en.data)
        ):
            raise ValidationError(_l("Say what your company offers or what it seeks."))

    def profile(self) -> Profile:
        return Profile(
            offers_ru=self.offers_ru.data or "",
            offers_en=self.offers_en.data or "",
            seeks_ru=self.seeks_ru.data or "",
            seeks_en=self.seeks_en.data or "",
            offer_sector_ids=[int(v) for v in self.offer_sectors.data],
            seek_sector_ids=[int(v) for v in self.seek_sectors.data],
            languages=list(self.languages.data),
            attendees=[
                {"name": entry.form.name.data, "position": entry.form.position.data or ""}
                for entry in self.attendees
                if entry.form.name.data
            ],
            phone=self.phone.data,
            email=self.email.data,
            unavailable=parse_slots(list(self.unavailable.data)) or [],
        )


class RequestForm(FlaskForm):
    message = TextAreaField(
        _l("Message"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=MAX_TEXT)],
    )
    slots = MultiCheckboxField(_l("Times you propose"), choices=[], validate_choice=False)


class AcceptForm(FlaskForm):
    slot = StringField(validators=[Optional()])


class ProposeForm(FlaskForm):
    slots = MultiCheckboxField(_l("Other times you propose"), choices=[], validate_choice=False)


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (optional)"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=MAX_TEXT)],
    )


class FollowUpForm(FlaskForm):
    follow_up = RadioField(
        _l("What came of the meeting"),
        choices=[SelectChoice(f.value, f.title) for f in FollowUp],
        validate_choice=True,
    )
