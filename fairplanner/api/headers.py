"""HTTP around the public reads: validators (ETag, 304) under the catalogue's caching
generation, `Cache-Control` as the calendar feeds have it, and CORS open for GET alone."""

from __future__ import annotations

import hashlib

from flask import Flask, Response, g, request

from fairplanner.api import PREFIX
from fairplanner.cache import build_id, generations
from fairplanner.i18n import current_language, minsk_today

# The reads' answers depend on the catalogue alone (fairs, programmes, places, organizers,
# sectors): its generation changes with every committed change to them.
GENERATIONS = ("catalogue",)
# Reads that depend on more (endpoint -> its generations): their modules say so (`depend`).
DEPENDS_ON: dict[str, tuple[str, ...]] = {}
CACHE_CONTROL = "public, max-age=300"
SAFE = ("GET", "HEAD", "OPTIONS")
# The blueprints of the token holders' endpoints: never CORS-open, never cached.
PRIVATE = frozenset({"api_company", "api_organizer", "api_webhooks"})


def depend(endpoint: str, names: tuple[str, ...]) -> None:
    DEPENDS_ON[endpoint] = tuple(dict.fromkeys((*GENERATIONS, *names)))


def etag() -> str:
    """Everything the answer depends on: the code, the catalogue's generation, the day in
    Minsk (past fairs drop out), the path and the query, and the language (of the problem
    texts). Worked out once per request: the 304 check, the stored answers and the
    response's header all ask for it."""
    if "api_etag" in g:
        return g.api_etag
    current = generations()
    key = (
        build_id(),
        *(current.get(name) for name in DEPENDS_ON.get(request.endpoint or "", GENERATIONS)),
        minsk_today(),
        request.path,
        sorted(request.args.items(multi=True)),
        current_language(),
    )
    g.api_etag = hashlib.sha256(repr(key).encode()).hexdigest()[:32]
    return g.api_etag


def _not_modified() -> Response | None:
    """304 before the view's queries run, when the client holds the current answer."""
    if request.blueprint != "api" or request.method not in ("GET", "HEAD"):
        return None
    tag = etag()
    if request.if_none_match.contains_weak(tag):
        response = Response(status=304)
        response.set_etag(tag)
        response.headers["Cache-Control"] = CACHE_CONTROL
        return response
    return None


def _headers(response: Response) -> Response:
    # Every read under the prefix, its problems and the OpenAPI document too (a browser
    # client sees a 404 as one, not as a CORS failure).
    if not request.path.startswith(PREFIX + "/"):
        return response
    if request.blueprint in PRIVATE:
        # Answers for a token's owner: no shared cache keeps them, no other site reads them.
        response.headers["Cache-Control"] = "private, no-store"
        response.vary.add("Authorization")
        return response
    if request.method not in SAFE:
        return response
    response.headers["Access-Control-Allow-Origin"] = "*"
    if request.method == "OPTIONS":
        response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = "If-None-Match, Accept-Language"
        response.headers["Access-Control-Max-Age"] = "86400"
        return response
    response.headers["Access-Control-Expose-Headers"] = "ETag"
    if response.status_code == 200 and request.blueprint == "api":
        response.set_etag(etag())
        response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def init_app(app: Flask) -> None:
    app.before_request(_not_modified)
    app.after_request(_headers)
