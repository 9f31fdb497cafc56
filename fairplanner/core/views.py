"""Site-wide routes: health check, the language switcher, /favicon.ico, /robots.txt and
/sitemap.xml."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    jsonify,
    redirect,
    request,
    send_from_directory,
    url_for,
)
from flask.typing import ResponseReturnValue
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from fairplanner.cache import redis_health
from fairplanner.core import sitemap
from fairplanner.extensions import csrf, db

bp = Blueprint("core", __name__)
log = logging.getLogger(__name__)
ONE_YEAR = 365 * 24 * 3600


def safe_next(target: str | None, fallback: str) -> str:
    """`target` if it is a path on this site, else `fallback`: no open redirects."""
    if not target or "\\" in target or any(ch in target for ch in "\r\n"):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    return target


@bp.get("/healthz")
def healthz() -> ResponseReturnValue:
    """For load balancers and monitoring: 503 when the database does not answer a query (the
    app can do nothing without it); 200 otherwise, "degraded" when a Redis the app uses does
    not answer (it works without one: no cache, rate limits counted per process). "redis" is
    left out when no Redis is configured. See the README's "Health check"."""
    try:
        db.session.execute(text("SELECT 1"))
        database = True
    except SQLAlchemyError:
        log.exception("health check: database unavailable")
        db.session.rollback()
        database = False
    body: dict[str, object] = {"database": database}
    redis_up = redis_health()
    if redis_up is not None:
        body["redis"] = redis_up
    if not database:
        return jsonify(status="unavailable", **body), 503
    return jsonify(status="ok" if redis_up is not False else "degraded", **body)


@bp.get("/robots.txt")
def robots_txt() -> ResponseReturnValue:
    return _for_crawlers(sitemap.robots(), "text/plain")


@bp.get("/sitemap.xml")
def sitemap_xml() -> ResponseReturnValue:
    return _for_crawlers(sitemap.sitemap(), "application/xml")


def _for_crawlers(body: str | bytes, mimetype: str) -> ResponseReturnValue:
    """A file for search engines, which any cache may keep for an hour."""
    response = current_app.response_class(body, mimetype=mimetype)
    response.cache_control.public = True
    response.cache_control.max_age = 3600
    return response


@bp.get("/favicon.ico")
def favicon() -> ResponseReturnValue:
    """The icon where browsers, feed readers and crawlers look for it without reading a page
    (pages point to the SVG); 16, 32 and 48 px of the same picture."""
    return send_from_directory(
        current_app.static_folder,
        "img/favicon.ico",
        mimetype="image/vnd.microsoft.icon",
        max_age=ONE_YEAR // 12,
    )


@bp.post("/language")
@csrf.exempt
def set_language() -> ResponseReturnValue:
    """Remember the chosen interface language in a cookie and go back where the user was.

    Without a CSRF token: a forged request can only switch the language, and a token would
    give every anonymous visitor a session, which keeps the catalogue's pages from the cache.
    """
    lang = request.form.get("lang", "")
    if lang not in current_app.config["LANGUAGES"]:
        abort(400)
    response = redirect(safe_next(request.form.get("next"), url_for("catalogue.index")))
    response.set_cookie(
        current_app.config["LANGUAGE_COOKIE"],
        lang,
        max_age=ONE_YEAR,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
    )
    return response
