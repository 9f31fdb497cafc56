"""The form behind the Follow and Unfollow buttons."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class FollowForm(FlaskForm):
    """CSRF only, plus the page to go back to (checked by the view: this site's paths only).

    On the catalogue's pages the buttons submit the reader's hidden form in base.html
    (`form="reader-actions"`): their own markup is stored for every reader of the company and
    must not hold a session's CSRF token. The button carries `next` as its name and value."""

    next = HiddenField()
