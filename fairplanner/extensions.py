"""Flask extensions, created unbound and initialised in the factory."""

from __future__ import annotations

import time
from typing import Any

import redis
from flask import Flask
from flask_babel import Babel
from flask_babel import lazy_gettext as _l
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from limits import parse
from redis.backoff import NoBackoff
from redis.retry import Retry

from fairplanner.db import Base

REDIS_SCHEMES = ("redis://", "rediss://", "redis+unix://", "unix://")


def redis_options(timeout: float) -> dict[str, Any]:
    """Client options for every Redis this app talks to: one that is unreachable or hung costs
    `timeout` seconds at most (redis-py has no timeout by default, so a Redis that accepts
    connections and never answers would hold every request), and a connection error is retried
    once at once (a connection the server closed), a timeout never (that would double it)."""
    return {
        "socket_connect_timeout": timeout,
        "socket_timeout": timeout,
        "retry": Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,)),
    }


class ResilientLimiter(Limiter):
    """Flask-Limiter that keeps counting when its Redis is gone.

    With RATELIMIT_IN_MEMORY_FALLBACK_ENABLED (on in every config), the first request that
    finds the storage unreachable logs one warning and the same limits are counted in this
    process's memory from then on. Flask-Limiter then tries the storage again after 1, 2, 4 … 32
    seconds; here every REDIS_RETRY_SECONDS instead, so counting moves back to Redis soon after
    it returns.
    """

    _retry_seconds = 5.0
    _recheck_at = 0.0

    def init_app(self, app: Flask) -> None:
        config = app.config
        if str(config.get("RATELIMIT_STORAGE_URI") or "").startswith(REDIS_SCHEMES):
            timeout = config.get("REDIS_TIMEOUT_SECONDS", 0.25)
            config.setdefault("RATELIMIT_STORAGE_OPTIONS", redis_options(timeout))
        self._retry_seconds = float(config.get("REDIS_RETRY_SECONDS", 5))
        # One limiter serves each app made in this process (the tests make several): a new
        # app starts with its own storage, believed alive.
        self._storage_dead = False
        super().init_app(app)

    @property
    def _storage_dead(self) -> bool:
        return self.__dict__.get("_dead", False)

    @_storage_dead.setter
    def _storage_dead(self, dead: bool) -> None:
        # Flask-Limiter sets this when a request finds the storage unreachable: the next try
        # is REDIS_RETRY_SECONDS later, not on the same request (a second timeout).
        if dead and not self.__dict__.get("_dead", False):
            self._recheck_at = time.monotonic() + self._retry_seconds
        self.__dict__["_dead"] = dead

    # Flask-Limiter's private back-off (name-mangled): pinned 4.1.1, and tests/test_redis_outage
    # fails if an upgrade stops calling it.
    def _Limiter__should_check_backend(self) -> bool:
        now = time.monotonic()
        if now < self._recheck_at:
            return False
        self._recheck_at = now + self._retry_seconds
        return True

    def _check_request_limit(
        self, callable_name: str | None = None, in_middleware: bool = True
    ) -> None:
        # Flask-Limiter checks every request twice: before it (`in_middleware`, for default,
        # application, blueprint and meta limits) and in each decorated view (its own limits).
        # This app sets only the latter, so the first pass finds nothing to count, at a tenth
        # of a signed-in page's time; it is skipped while no such limit exists.
        if in_middleware and not self._request_wide_limits():
            return
        super()._check_request_limit(callable_name, in_middleware)

    def _request_wide_limits(self) -> bool:
        manager = self.limit_manager
        return bool(
            manager._default_limits
            or manager._application_limits
            or manager._blueprint_limits
            or self._meta_limits
        )

    def hit(self, limit: str, *identifiers: str) -> bool:
        """Count one attempt against `limit` (e.g. "5 per minute") for `identifiers`, outside
        the decorators (per-account limits): False when the limit is exceeded. In Redis, or in
        memory while Redis is down, never an error."""
        if not self.enabled:
            return True
        item = parse(limit)
        try:
            return self.limiter.hit(item, *identifiers)
        except Exception:  # whatever the storage raises: count in memory
            if self._fallback_limiter is None:
                self.logger.exception("Rate limit storage unreachable; not counting")
                return True
            if not self._storage_dead:
                self.logger.warning(
                    "Rate limit storage unreachable - falling back to in-memory storage"
                )
                self._storage_dead = True
            return self._fallback_limiter.hit(item, *identifiers)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
babel = Babel()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = _l("Please log in to open this page.")
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"
# Storage comes from RATELIMIT_STORAGE_URI: memory by default, Redis when REDIS_URL is set.
limiter = ResilientLimiter(key_func=get_remote_address)
