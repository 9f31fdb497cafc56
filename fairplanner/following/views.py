"""Follow and unfollow buttons (the "Followed" tab lives in "My fairs")."""

from __future__ import annotations

from flask import Blueprint

from fairplanner.following import models  # noqa: F401 - the table joins the metadata

bp = Blueprint("following", __name__)
