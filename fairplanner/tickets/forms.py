"""The company's form for its people: the name the badge prints, and where the e-ticket goes."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from fairplanner.text import blank_to_none, strip
from fairplanner.tickets.models import NAME_MAX, POSITION_MAX

TOO_LONG = _l("At most %(max)d characters.")


class PersonForm(FlaskForm):
    """One person of an application (stand staff, or a member of a visiting delegation)."""

    name = StringField(
        _l("Full name"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter the person's name as the badge should print it.")),
            Length(max=NAME_MAX, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "off"},
    )
    position = StringField(
        _l("Position"),
        filters=[blank_to_none],
        validators=[Optional(), Length(max=POSITION_MAX, message=TOO_LONG)],
        render_kw={"autocomplete": "off"},
    )
    email = EmailField(
        _l("Email for the e-ticket"),
        filters=[blank_to_none],
        validators=[
            Optional(),
            Email(message=_l("Enter a valid email address.")),
            Length(max=254, message=TOO_LONG),
        ],
        render_kw={"autocomplete": "off"},
    )

    def values(self) -> dict[str, str | None]:
        """The person as the services take it."""
        return {"name": self.name.data, "position": self.position.data, "email": self.email.data}
