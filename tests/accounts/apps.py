"""An app of its own with the rate limits on, for the tests that count requests."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask_migrate import upgrade

import config
from fairplanner import create_app


def limited_app(**overrides: Any) -> Flask:
    """Rate limits on, an in-memory database built by the migrations (login: 3 per minute
    unless overridden)."""
    settings = {"LOGIN_RATE_LIMIT": "3 per minute", **overrides}
    app = create_app(
        config.TestingConfig,
        SQLALCHEMY_DATABASE_URI="sqlite://",
        RATELIMIT_ENABLED=True,
        **settings,
    )
    with app.app_context():
        upgrade()
    return app
