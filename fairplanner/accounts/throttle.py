"""Failed logins counted per account, beside the per-address limit on the login form.

Guesses spread over many addresses still land on one account's count: after
LOGIN_ACCOUNT_LIMIT failures the account refuses further attempts until the fullest window
ends (minutes, then an hour, then a day: a growing delay). A browser that logged into the
account before carries a signed "known device" cookie and has a count of its own (after
OWASP's device cookies), so a stranger's guessing does not lock the owner out. The counts
live in the rate limiter's storage (Redis when there is one), through its own API, and fail
open with a warning if that storage cannot be reached: the per-address limit still holds.
"""

from __future__ import annotations

import hashlib
import logging
import math
import secrets
import time
from typing import Any

from flask import Response, current_app
from limits import RateLimitItem, parse_many

from fairplanner.accounts import tokens
from fairplanner.accounts.models import User
from fairplanner.extensions import limiter

log = logging.getLogger(__name__)
DEVICE_SALT = "known-device"
DEVICE_ACCOUNTS = 5  # the accounts one browser is known for, most recent first


def _limits() -> list[RateLimitItem]:
    return parse_many(current_app.config["LOGIN_ACCOUNT_LIMIT"])


def _identifiers(email: str, device: str | None) -> tuple[str, ...]:
    account = hashlib.sha256(email.strip().lower().encode()).hexdigest()[:32]
    return ("login-account", account, device or "unknown-device")


def _on() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def retry_after(email: str, device: str | None) -> int | None:
    """Seconds before the account may be tried again from this browser; None: it may now."""
    if not _on():
        return None
    ids = _identifiers(email, device)
    try:
        strategy = limiter.limiter
        resets = [
            strategy.get_window_stats(item, *ids).reset_time
            for item in _limits()
            if not strategy.test(item, *ids)
        ]
    except Exception:  # the limiter's storage is unreachable: the per-address limit remains
        log.warning("login throttle: rate limit storage unavailable, not counting per account")
        return None
    if not resets:
        return None
    return max(1, math.ceil(max(resets) - time.time()))


def record_failure(email: str, device: str | None) -> None:
    """Count a failed attempt against the account (from an unknown browser, or this one)."""
    if not _on():
        return
    ids = _identifiers(email, device)
    try:
        strategy = limiter.limiter
        for item in _limits():
            strategy.hit(item, *ids)
    except Exception:
        log.warning("login throttle: rate limit storage unavailable, not counting per account")


def _read_cookie(value: str | None) -> dict[str, Any] | None:
    if not value:
        return None
    payload = tokens.read(DEVICE_SALT, value, max_age=current_app.config["KNOWN_DEVICE_MAX_AGE"])
    if (
        not payload
        or not isinstance(payload.get("n"), str)
        or not isinstance(payload.get("u"), list)
    ):
        return None
    return payload


def device_for(user: User | None, cookie: str | None) -> str | None:
    """This browser's device id if it logged into `user`'s account before, else None."""
    payload = _read_cookie(cookie)
    if user is None or payload is None or user.id not in payload["u"]:
        return None
    return payload["n"]


def remember_device(response: Response, user: User, cookie: str | None) -> None:
    """Mark this browser as one that logged into `user`'s account."""
    config = current_app.config
    payload = _read_cookie(cookie) or {"n": secrets.token_urlsafe(16), "u": []}
    accounts = [user.id] + [u for u in payload["u"] if u != user.id]
    value = tokens.make(DEVICE_SALT, {"n": payload["n"], "u": accounts[:DEVICE_ACCOUNTS]})
    response.set_cookie(
        config["KNOWN_DEVICE_COOKIE"],
        value,
        max_age=config["KNOWN_DEVICE_MAX_AGE"],
        httponly=True,
        secure=bool(config.get("SESSION_COOKIE_SECURE")),
        samesite="Lax",
    )
