"""Operations: structured logs with a request id, and Prometheus metrics.

`init_app(app)` gives every request an id (from a well-formed `X-Request-ID`, else new),
returns it in the same header, writes one "request finished" log line per request (route,
method, status, duration) and counts the request for `/metrics`. See `logs`, `metrics`,
`context` and `redact` for the parts.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, Response, g, request, request_finished, request_started

from fairplanner.observability.context import HEADER, accept_request_id

log = logging.getLogger("fairplanner.request")


def _started(app: Flask, **_extra: object) -> None:
    g.request_id = accept_request_id(request.headers.get(HEADER))
    g.request_started_at = time.perf_counter()


def _finished(app: Flask, response: Response, **_extra: object) -> None:
    from fairplanner.observability import logs, metrics

    request_id = g.get("request_id")
    started = g.get("request_started_at")
    if request_id is None or started is None:
        return
    response.headers[HEADER] = request_id
    seconds = time.perf_counter() - started
    route = logs.request_route()
    metrics.count_request(route, request.method, response.status_code, seconds)
    log.info(
        "%s %s %s",
        request.method,
        route or metrics.UNMATCHED,
        response.status_code,
        extra={"status": response.status_code, "duration_ms": round(seconds * 1000, 1)},
    )


def init_app(app: Flask) -> None:
    from fairplanner.observability import logs, metrics

    logs.configure_logging(app)
    # Signals rather than before/after_request hooks: request_started comes before every
    # before_request hook (the page cache answers from one), request_finished after every
    # after_request hook, so the line has the final status, and a cached page counts too.
    request_started.connect(_started, app)
    request_finished.connect(_finished, app)
    app.register_blueprint(metrics.bp)
