"""The form of the account deletion: the password, entered again."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired, Length


class DeleteAccountForm(FlaskForm):
    password = PasswordField(
        _l("Your password"),
        validators=[DataRequired(), Length(max=128)],
        render_kw={"autocomplete": "current-password"},
    )
