"""FairPlanner: trade fairs and exhibitions in Belarus."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, Response, g

from fairplanner import extensions

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(config: str | type = "config.DevelopmentConfig", **overrides: Any) -> Flask:
    """Build the application from a config object (dotted path or class) and overrides."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(config)
    app.config.update(overrides)
    check_secret_key(app)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_extensions(app)
    register_blueprints(app)
    register_template_helpers(app)
    register_request_hooks(app)
    register_security_headers(app)
    from fairplanner.errors import register_error_handlers

    register_error_handlers(app)
    register_commands(app)
    return app


def check_secret_key(app: Flask) -> None:
    """Refuse to run production with a missing, default or short SECRET_KEY."""
    from config import DEV_SECRET_KEY

    key = app.config.get("SECRET_KEY")
    if app.config.get("REQUIRE_REAL_SECRET_KEY") and (
        not key or key == DEV_SECRET_KEY or len(key) < 32
    ):
        raise RuntimeError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production"
        )


def register_extensions(app: Flask) -> None:
    from fairplanner.i18n import select_locale

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app, extensions.db, directory=str(ROOT / "migrations"), render_as_batch=True
    )
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.limiter.init_app(app)
    extensions.babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )


def register_blueprints(app: Flask) -> None:
    from fairplanner.accounts.views import bp as accounts_bp
    from fairplanner.catalogue.views import bp as catalogue_bp
    from fairplanner.core.views import bp as core_bp
    from fairplanner.registrations.views import bp as registrations_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(registrations_bp)


def register_template_helpers(app: Flask) -> None:
    from fairplanner.i18n import current_language, format_date_range, localized

    app.jinja_env.globals.update(
        localized=localized, current_language=current_language, date_range=format_date_range
    )
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def register_request_hooks(app: Flask) -> None:
    """Requests that may write take SQLite's write lock up front (see fairplanner.db)."""
    from flask import abort, request

    from fairplanner.db import sqlite_write_intent

    @app.before_request
    def _refuse_nul_characters() -> None:
        # No text here legitimately holds U+0000, and PostgreSQL refuses it in any query.
        sources = [request.args, request.view_args or {}]
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            sources.append(request.form)
        for source in sources:
            items = source.lists() if hasattr(source, "lists") else source.items()
            for key, values in items:
                values = values if isinstance(values, list) else [values]
                if "\x00" in key or any("\x00" in str(v) for v in values):
                    abort(400)

    @app.before_request
    def _write_intent() -> None:
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            g._write_intent = sqlite_write_intent.set(True)

    @app.teardown_request
    def _reset_write_intent(exc: BaseException | None) -> None:
        token = g.pop("_write_intent", None)
        if token is not None:
            sqlite_write_intent.reset(token)


def register_security_headers(app: Flask) -> None:
    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")
        return response


def register_commands(app: Flask) -> None:
    from fairplanner.accounts.cli import create_user
    from fairplanner.catalogue.cli import seed_demo

    app.cli.add_command(seed_demo)
    app.cli.add_command(create_user)
