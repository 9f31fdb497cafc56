"""What every benchmark needs: the yardstick route and an app on a scratch database."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade

import config
from fairplanner import create_app


def bare_client() -> FlaskClient:
    """A bare Flask `return "ok"` route: every figure is also given as a multiple of it."""
    bare = Flask("bare")
    bare.add_url_rule("/", "bare", lambda: "ok")
    return bare.test_client()


def bench_app(database: Path | str, **overrides: object) -> Flask:
    """FairPlanner on an SQLite file (or a database URL), its schema built by the migrations;
    `overrides` are settings."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    app = create_app(config.DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url, **overrides)
    with app.app_context():
        upgrade()
    return app
