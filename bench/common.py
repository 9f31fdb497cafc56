"""What every benchmark needs: the yardstick route and an app on a scratch database."""

from __future__ import annotations

import time
from collections.abc import Callable
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


def rounds_ms(
    call: Callable[[], object],
    requests: int,
    rounds: int = 5,
    clock: Callable[[], float] = time.perf_counter,
) -> list[float]:
    """Milliseconds per call in each of `rounds` rounds of `requests` calls, after one call to
    warm up caches and compiled templates."""
    call()
    results = []
    for _ in range(rounds):
        start = clock()
        for _ in range(requests):
            call()
        results.append((clock() - start) * 1000 / requests)
    return results
