"""The organizer's form for one catalogue entry."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length, Optional

from fairplanner.registrations.forms import ENTRY_MAX, ExhibitorForm
from fairplanner.text import blank_to_none


class EntryForm(FlaskForm):
    entry_ru = TextAreaField(
        ExhibitorForm.entry_ru.args[0],
        filters=[blank_to_none],
        validators=[Optional(), Length(max=ENTRY_MAX)],
    )
    entry_en = TextAreaField(
        ExhibitorForm.entry_en.args[0],
        filters=[blank_to_none],
        validators=[Optional(), Length(max=ENTRY_MAX)],
    )
    hidden = BooleanField(_l("Hide this exhibitor from the public catalogue"))


class OwnEntryForm(FlaskForm):
    """The company's own entry: the application form's fields, also after approval."""

    listed = ExhibitorForm.listed
    entry_ru = EntryForm.entry_ru
    entry_en = EntryForm.entry_en
