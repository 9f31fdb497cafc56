"""A member's choice of reminder mails."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class ChoicesForm(FlaskForm):
    deadline = BooleanField(_l("Registration deadlines of the fairs my company follows"))
    opening = BooleanField(_l("The day before a fair my company is approved for opens"))
    digest = BooleanField(_l("A weekly digest of new fairs and of changes to followed fairs"))
