"""The company's choice of what its calendar feed holds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class FeedOptionsForm(FlaskForm):
    deadlines = BooleanField(_l("Registration deadlines, as all-day events"))
    programme = BooleanField(_l("Programme items: seminars, B2B sessions and the rest"))
