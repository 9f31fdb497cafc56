"""The company's choice of what its calendar feed holds."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField


class FeedOptionsForm(FlaskForm):
    """Shown in "My fairs" among other forms: its fields' names and ids start with "feed-"."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, prefix="feed", **kwargs)  # type: ignore[arg-type]

    deadlines = BooleanField(_l("Registration deadlines, as all-day events"))
    programme = BooleanField(_l("Programme items: seminars, B2B sessions and the rest"))
