"""Whole pages for anonymous visitors, kept in the shared cache (fairplanner.cache).

Only the catalogue's public pages, only for requests that carry neither a session nor a
remember-me cookie (so nothing personal can be on the page), and only when rendering them left
the session untouched. The key holds the generations of what the page shows, the interface
language, the date in Minsk and the full path with its query, so a hit is exactly the page
that rendering would give now. The hook runs before every other one, which keeps a hit almost
as cheap as a bare route; the security headers are still added to it.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session

from fairplanner.cache import cache_key, shared_cache
from fairplanner.i18n import current_language, minsk_today

# endpoint -> the generations its page depends on
CACHED_PAGES = {
    "catalogue.index": ("catalogue",),
    "catalogue.month": ("catalogue",),
    "catalogue.fair": ("catalogue", "registrations"),  # it shows the free stands
}


def page_key() -> str | None:
    """The cache key of this request's page, or None when it must be rendered."""
    config = current_app.config
    if request.method not in ("GET", "HEAD"):
        return None
    names = CACHED_PAGES.get(request.endpoint or "")
    if names is None:
        return None
    cookies = request.cookies
    if config["SESSION_COOKIE_NAME"] in cookies or (
        config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
    ):
        return None
    return cache_key("page", names, (current_language(), minsk_today(), request.full_path))


def _serve() -> Response | None:
    key = page_key()
    if key is None:
        return None
    g.page_key = key
    body = shared_cache().get(key)
    if body is None:
        return None
    g.page_hit = True
    response = Response(body, mimetype="text/html")
    response.headers["X-Cache"] = "hit"
    return response


def _store(response: Response) -> Response:
    key = g.pop("page_key", None)
    if key is None or g.pop("page_hit", False):
        return response
    if response.status_code != 200 or response.is_streamed or session.modified:
        return response
    if "Set-Cookie" in response.headers:
        return response
    shared_cache().set(key, response.get_data(), ttl=current_app.config["PAGE_CACHE_SECONDS"])
    response.headers["X-Cache"] = "miss"
    return response


def init_app(app: Flask) -> None:
    app.before_request_funcs.setdefault(None, []).insert(0, _serve)
    app.after_request(_store)
