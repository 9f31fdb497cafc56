"""The session cookie, with its signature checked once per process rather than per request.

Flask verifies the session cookie on every request: it builds a serializer, decodes the
cookie, checks its HMAC and timestamp and parses its JSON, a few percent of a signed-in page.
A signed-in browser sends the same cookie until its session changes, so the outcome of the
check is remembered for that exact cookie (and key): a later request with it only checks the
age again (PERMANENT_SESSION_LIFETIME, as Flask does) and parses a copy of its data. A forged
or altered cookie is a different string, checked in full; nothing is trusted that was not
verified once.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Flask, Request
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import BadSignature, URLSafeTimedSerializer

VERIFIED_MAX = 10_000


class CookieSessionInterface(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self._serializers: dict[tuple[Any, ...], URLSafeTimedSerializer] = {}
        # (keys, cookie) -> (when it was signed, its data as the session serializer writes it)
        self._verified: dict[tuple[Any, ...], tuple[float, str]] = {}

    def _keys(self, app: Flask) -> tuple[Any, ...]:
        return (app.secret_key, *(app.config.get("SECRET_KEY_FALLBACKS") or ()))

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        if not app.secret_key:
            return None
        keys = self._keys(app)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = super().get_signing_serializer(app)
            self._serializers = {keys: serializer}  # type: ignore[dict-item]
        return serializer

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        signer = self.get_signing_serializer(app)
        if signer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = app.permanent_session_lifetime.total_seconds()
        key = (self._keys(app), value)
        found = self._verified.get(key)
        if found is not None:
            signed_at, data = found
            if 0 <= time.time() - signed_at <= max_age:
                return self.session_class(self.serializer.loads(data))
            return self.session_class()
        try:
            loaded, signed = signer.loads(value, max_age=int(max_age), return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(self._verified) >= VERIFIED_MAX:
            self._verified.clear()
        self._verified[key] = (signed.timestamp(), self.serializer.dumps(loaded))
        return self.session_class(loaded)
