"""FairPlanner: trade fairs and exhibitions in Belarus."""

from __future__ import annotations

import logging
import re
import secrets
from pathlib import Path
from typing import Any

from flask import Flask, Response, g
from werkzeug.middleware.proxy_fix import ProxyFix

from fairplanner import extensions, readonly
from fairplanner.db import compared

ROOT = Path(__file__).resolve().parent.parent
FORM_KEY = re.compile(r"[A-Za-z0-9_.-]{1,100}")
# The only forms that take a file, and how large a request they may be (the app allows 1 MB):
# an organizer message with a PDF of up to 5 MB (fairplanner.organizers.messages), an image of
# up to MEDIA_MAX_BYTES, 5 MB (fairplanner.media): a company logo, a fair's logo or cover; a
# stand list (read up to 1 MB); a season plan to import (up to 5 MB).
UPLOADS = {
    "organizers.new_message": 6 * 1024 * 1024,
    "organizers.edit_message": 6 * 1024 * 1024,
    "accounts.company_logo": 6 * 1024 * 1024,
    "organizers.fair_image": 6 * 1024 * 1024,
    "organizers.stands_upload": 2 * 1024 * 1024,
    "organizers.hall_plan_upload": 6 * 1024 * 1024,
    "organizers.import_upload": 6 * 1024 * 1024,  # a season plan, read up to 5 MB
}
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
    register_observability(app)  # first: the log lines of everything below are JSON too
    register_extensions(app)
    register_blueprints(app)
    register_page_parts(app)
    register_event_handlers(app)
    register_template_helpers(app)
    register_request_hooks(app)
    readonly.init_app(app)
    register_security_headers(app)
    from fairplanner import pagecache
    from fairplanner.calendars.views import AnswerPolls

    pagecache.init_app(app)
    app.wsgi_app = AnswerPolls(app, app.wsgi_app)  # type: ignore[method-assign]
    from fairplanner.errors import register_error_handlers

    register_error_handlers(app)
    register_commands(app)
    return app


def check_secret_key(app: Flask) -> None:
    """Refuse to run production with a missing, default or short SECRET_KEY.

    Elsewhere, without a SECRET_KEY, a random key is made once and kept in the instance folder,
    so that no two installations share a key that anyone could read in this repository.
    """
    from config import DEV_SECRET_KEY

    key = app.config.get("SECRET_KEY")
    if (
        key == DEV_SECRET_KEY
        and not app.config.get("TESTING")
        and not app.config.get("REQUIRE_REAL_SECRET_KEY")
    ):
        path = Path(app.instance_path) / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(48), encoding="utf-8")
            path.chmod(0o600)
        app.config["SECRET_KEY"] = key = path.read_text(encoding="utf-8").strip()
    if app.config.get("REQUIRE_REAL_SECRET_KEY") and (
        not key or key == DEV_SECRET_KEY or len(key) < 32
    ):
        raise RuntimeError(
            "SECRET_KEY must be set to a random value of at least 32 characters in production"
        )


def register_extensions(app: Flask) -> None:
    from fairplanner.i18n import select_locale

    if app.config.get("PROXY_COUNT"):
        # Behind nginx or a load balancer: take the client address from X-Forwarded-For,
        # trusting only as many hops as there are proxies (rate limits count by it).
        count = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    if app.config.get("REQUIRE_REAL_SECRET_KEY") and not app.config.get("REDIS_URL"):
        log.warning("REDIS_URL is not set: each worker counts rate limits on its own")

    extensions.db.init_app(app)
    extensions.migrate.init_app(
        app,
        extensions.db,
        directory=str(ROOT / "migrations"),
        render_as_batch=True,
        include_object=compared,
    )
    from fairplanner.cookies import CookieSessionInterface

    app.session_interface = CookieSessionInterface()
    extensions.csrf.init_app(app)
    extensions.login_manager.init_app(app)
    extensions.limiter.init_app(app)
    from fairplanner import cache

    cache.init_app(app)
    extensions.babel.init_app(
        app,
        locale_selector=select_locale,
        default_translation_directories=str(Path(__file__).parent / "translations"),
    )


def register_blueprints(app: Flask) -> None:
    from fairplanner.accounts.views import bp as accounts_bp
    from fairplanner.calendars.views import bp as calendars_bp
    from fairplanner.catalogue.views import bp as catalogue_bp
    from fairplanner.core.views import bp as core_bp
    from fairplanner.erasure.views import bp as erasure_bp
    from fairplanner.exhibitors.views import bp as exhibitors_bp
    from fairplanner.following.views import bp as following_bp
    from fairplanner.meetings.views import bp as meetings_bp
    from fairplanner.organizers import (  # noqa: F401 - routes join the bp
        admin,
        checkin,
        dashboard,
        editor,
        exhibitors,
        hooks,
        meetings,
        plans,
        season_import,
        tickets,
    )
    from fairplanner.organizers.messages import views as _messages  # noqa: F401 - the same
    from fairplanner.organizers.views import bp as organizers_bp
    from fairplanner.privacy.views import bp as privacy_bp
    from fairplanner.registrations.views import bp as registrations_bp
    from fairplanner.reminders.views import bp as reminders_bp
    from fairplanner.tickets.views import bp as tickets_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(catalogue_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(registrations_bp)
    app.register_blueprint(calendars_bp)
    app.register_blueprint(organizers_bp)
    app.register_blueprint(erasure_bp)
    app.register_blueprint(following_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(reminders_bp)
    app.register_blueprint(exhibitors_bp)
    app.register_blueprint(meetings_bp)
    app.register_blueprint(tickets_bp)
    from fairplanner import media

    media.init_app(app)  # /media/<hash>.<ext> and templates' media_url
    from fairplanner import api

    api.init_app(app)  # /api/v1 and its OpenAPI document


def register_page_parts(app: Flask) -> None:
    """What upper packages show on lower packages' pages (fairplanner.compose): the fair page
    and the list with registrations' and following's parts, "My fairs" with calendars' feed."""
    from fairplanner.calendars import pages as calendars_pages
    from fairplanner.exhibitors import pages as exhibitors_pages
    from fairplanner.following import pages as following_pages
    from fairplanner.meetings import pages as meetings_pages
    from fairplanner.organizers import pages as organizers_pages
    from fairplanner.registrations import pages as registrations_pages
    from fairplanner.tickets import pages as tickets_pages

    registrations_pages.init_app(app)
    following_pages.init_app(app)
    calendars_pages.init_app(app)
    organizers_pages.init_app(app)
    exhibitors_pages.init_app(app)  # the link to the fair's exhibitor catalogue
    meetings_pages.init_app(app)  # the B2B programme on the fair and application pages
    tickets_pages.init_app(app)  # the people and their badges on the application page


def register_event_handlers(app: Flask) -> None:
    """The upper domains subscribe to the lower ones' events (fairplanner.events). Connecting
    is idempotent, so building many apps (the tests do) leaves one receiver per event."""
    from fairplanner import meetings, notifications, privacy, tickets, webhooks

    meetings.init_app(app)
    webhooks.init_app(app)
    tickets.init_app(app)
    notifications.init_app(app)
    privacy.init_app(app)


def register_template_helpers(app: Flask) -> None:
    import hashlib

    from fairplanner.calendars.links import event_links, fair_links, feed_links
    from fairplanner.core.urls import public_url
    from fairplanner.i18n import (
        current_language,
        format_date_range,
        install_template_gettext,
        localized,
    )

    install_template_gettext(app)

    app.jinja_env.globals.update(
        localized=localized,
        current_language=current_language,
        date_range=format_date_range,
        fair_links=fair_links,
        event_links=event_links,
        feed_links=feed_links,
        public_url=public_url,
        copy_id=lambda value: hashlib.sha256(str(value).encode()).hexdigest()[:10],
    )
    from fairplanner import chrome, display

    display.init_app(app)
    chrome.init_app(app)
    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True


def register_request_hooks(app: Flask) -> None:
    """Requests that may write take SQLite's write lock up front (see fairplanner.db)."""
    from flask import abort, request

    from fairplanner.db import sqlite_write_intent

    def _upload_limit() -> None:
        # Before any hook reads the body (CSRF protection reads the form): UPLOADS' own limit.
        limit = UPLOADS.get(request.endpoint or "")
        if limit and request.method not in ("GET", "HEAD", "OPTIONS"):
            request.max_content_length = limit

    app.before_request_funcs.setdefault(None, []).insert(0, _upload_limit)

    @app.before_request
    def _refuse_nul_characters() -> None:
        # No text here legitimately holds U+0000, and PostgreSQL refuses it in any query.
        sources = [request.args, request.view_args or {}]
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            # Only UPLOADS take files, and every form field name is plain ASCII; anything
            # else is a forged request that would otherwise reach WTForms' parsers.
            limit = UPLOADS.get(request.endpoint or "")
            if (request.files and not limit) or not all(
                FORM_KEY.fullmatch(k) for k in request.form
            ):
                abort(400)
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
    from flask import request, session

    @app.after_request
    def _headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if app.config.get("HSTS"):
            response.headers.setdefault("Strict-Transport-Security", app.config["HSTS"])
        # What a signed-in user sees (pages, exports, the private feed's page) stays out of
        # shared caches and off the disk; responses that set their own caching (the calendar
        # feeds with their ETags, static files) keep it.
        if (
            "_user_id" in session
            and "Cache-Control" not in response.headers
            and request.endpoint != "static"
        ):
            response.headers["Cache-Control"] = "private, no-store"
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")
        return response


def register_observability(app: Flask) -> None:
    """Request ids, structured logs and /metrics (fairplanner.observability)."""
    from fairplanner import observability

    observability.init_app(app)


def register_commands(app: Flask) -> None:
    from fairplanner.accounts.cli import create_user
    from fairplanner.catalogue.search.cli import search
    from fairplanner.demo.cli import seed_demo
    from fairplanner.maintenance.cli import maintenance
    from fairplanner.notifications.cli import outbox
    from fairplanner.organizers.messages.cli import messages
    from fairplanner.reminders.cli import reminders
    from fairplanner.webhooks.cli import webhooks

    app.cli.add_command(seed_demo)
    app.cli.add_command(outbox)
    app.cli.add_command(webhooks)
    app.cli.add_command(messages)
    app.cli.add_command(create_user)
    app.cli.add_command(maintenance)
    app.cli.add_command(search)
    app.cli.add_command(reminders)
