"""Rate limits of the API: per token (`API_TOKEN_RATE_LIMIT`), or per address for calls
without one (`API_ANONYMOUS_RATE_LIMIT`), counted in the limiter's storage (Redis when there
is one, so every app server counts together).

Every answer says where the caller stands, with the headers of the IETF draft "RateLimit
header fields for HTTP" (draft-ietf-httpapi-ratelimit-headers-07): `RateLimit-Limit`,
`RateLimit-Remaining`, `RateLimit-Reset` (seconds) and `RateLimit-Policy` (`600;w=60`). Past
the limit: 429 problem details with `Retry-After`.
"""

from __future__ import annotations

import logging
import math
import time

from flask import Response, current_app, g, request
from flask_babel import gettext as _
from flask_smorest import abort
from limits import parse

from fairplanner.api import PREFIX
from fairplanner.extensions import limiter

log = logging.getLogger(__name__)


def _subject() -> tuple[str, str]:
    bearer = g.get("api_bearer")
    if bearer is not None:
        return current_app.config["API_TOKEN_RATE_LIMIT"], f"token:{bearer.token_id}"
    return current_app.config["API_ANONYMOUS_RATE_LIMIT"], f"address:{request.remote_addr}"


def check() -> None:
    """Count this call (after `auth.authenticate`); 429 past the limit."""
    if (
        not request.path.startswith(PREFIX + "/")
        or request.method == "OPTIONS"
        or not limiter.enabled
    ):
        return
    text, key = _subject()
    allowed = limiter.hit(text, "api", key)
    item = parse(text)
    try:
        stats = limiter.limiter.get_window_stats(item, "api", key)
        remaining, reset = stats.remaining, max(0, math.ceil(stats.reset_time - time.time()))
    except Exception:  # the storage is down: the count went to memory; no figures to give
        log.warning("api rate limit: storage unavailable, no RateLimit headers")
        remaining = reset = None
    g.api_rate = (item.amount, item.get_expiry(), remaining, reset)
    if not allowed:
        abort(
            429,
            detail=_("Too many requests. Try again in %(seconds)s s.", seconds=reset or 60),
            headers={"Retry-After": str(reset or 60)},
        )


def headers(response: Response) -> Response:
    rate = g.get("api_rate")
    if rate is None:
        return response
    amount, window, remaining, reset = rate
    response.headers["RateLimit-Policy"] = f"{amount};w={window}"
    if remaining is not None:
        response.headers["RateLimit-Limit"] = str(amount)
        response.headers["RateLimit-Remaining"] = str(remaining)
        response.headers["RateLimit-Reset"] = str(reset)
    return response
