"""The public reads' answers, kept in the shared cache (Redis when there is one) under their
ETag: a second client asking for the same list or fair gets the stored JSON without a query
beyond the generations. The ETag already holds everything an answer depends on (the code, the
caching generations, the day in Minsk, the path and query, the language), so a change to the
catalogue makes a new key and old answers are never served. Off where `PAGE_CACHE` is off."""

from __future__ import annotations

from flask import Flask, Response, current_app, g, request

from fairplanner.api import headers
from fairplanner.cache import shared_cache

KIND = "api"


def _served() -> Response | None:
    if (
        request.blueprint != "api"
        or request.method not in ("GET", "HEAD")
        or not current_app.config["PAGE_CACHE"]
    ):
        return None
    key = f"{KIND}:{headers.etag()}"
    body = shared_cache().get(key)
    if body is None:
        g.api_stored_key = key
        return None
    return current_app.response_class(body, mimetype="application/json")


def _store(response: Response) -> Response:
    key = g.pop("api_stored_key", None)
    if key is not None and response.status_code == 200 and not response.is_streamed:
        shared_cache().set(key, response.get_data(), ttl=current_app.config["PAGE_CACHE_SECONDS"])
    return response


def init_app(app: Flask) -> None:
    # After headers' own hooks: a 304 is answered before this looks for a stored body.
    app.before_request(_served)
    app.after_request(_store)
