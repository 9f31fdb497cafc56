"""Whole pages for anonymous visitors, kept in the shared cache (fairplanner.cache).

Only the catalogue's public pages, only for requests that carry neither a session nor a
remember-me cookie (so nothing personal can be on the page), and only when rendering them left
the session untouched. The key holds the generations of what the page shows, the interface
language, the date in Minsk, the path and the query parameters the page reads: their names
in a fixed order with every value as sent (a parameter the page does not read is not part of
the key, so `/?utm_source=…` is served the page of `/`). A page is stored only for a request
with no other parameters: junk parameters can neither fill the cache with copies of one page
(each under its own key) nor put their text on a page that others are served (the page links
back to its full address, junk included, in "Log in" and the language switch). The hook runs
before every other one, which keeps a hit almost as cheap as a bare route; the security
headers are still added to it.
"""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session

from fairplanner.cache import cache_key, shared_cache
from fairplanner.i18n import current_language, minsk_today

# What the catalogue's filter form reads from the query string (FilterForm's field names):
# tests/test_pagecache.py checks that the two agree.
FILTER_PARAMETERS = (
    "q",
    "sector",
    "oblast",
    "city",
    "organizer",
    "kind",
    "from",
    "to",
    "past",
    "page",
)

# endpoint -> (the generations its page depends on, the query parameters it reads)
CACHED_PAGES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "catalogue.index": (("catalogue",), FILTER_PARAMETERS),
    "catalogue.month": (("catalogue",), FILTER_PARAMETERS),
    "catalogue.fair": (("catalogue", "registrations"), ()),  # it shows the free stands
}


def read_parameters(names: tuple[str, ...]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """The parameters among `names` that the request has, in the order of `names`, each with
    all its values in the order sent (a form field may read more than the first)."""
    args = request.args
    return tuple((name, tuple(args.getlist(name))) for name in names if name in args)


def page_key() -> tuple[str, bool] | None:
    """The cache key of this request's page and whether the page may be stored under it, or
    None when it must be rendered."""
    config = current_app.config
    if request.method not in ("GET", "HEAD"):
        return None
    page = CACHED_PAGES.get(request.endpoint or "")
    if page is None:
        return None
    generations, parameters = page
    cookies = request.cookies
    if config["SESSION_COOKIE_NAME"] in cookies or (
        config.get("REMEMBER_COOKIE_NAME", "remember_token") in cookies
    ):
        return None
    read = read_parameters(parameters)
    key = cache_key("page", generations, (current_language(), minsk_today(), request.path, read))
    if key is None:
        return None
    storable = all(name in parameters for name in request.args)
    return key, storable


def _serve() -> Response | None:
    found = page_key()
    if found is None:
        return None
    key, storable = found
    body = shared_cache().get(key)
    if body is None:
        if storable:
            g.page_key = key
        return None
    response = Response(body, mimetype="text/html")
    response.headers["X-Cache"] = "hit"
    return response


def _store(response: Response) -> Response:
    key = g.pop("page_key", None)
    if key is None:
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
