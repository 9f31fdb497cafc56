"""Personal data: the privacy notice and its versions, consents to it, and the data export."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Record the consents given at sign-up (the "user signed up" event)."""
    from fairplanner.privacy import handlers

    handlers.connect()
