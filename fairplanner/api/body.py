"""What a write's body must be before any view reads it: JSON (415 otherwise), well formed
(400), and without NUL characters, which no field may hold and PostgreSQL refuses (400)."""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _
from flask_smorest import abort

from fairplanner.api import PREFIX

WRITES = ("POST", "PUT", "PATCH", "DELETE")


def check() -> None:
    if request.method not in WRITES or not request.path.startswith(PREFIX + "/"):
        return
    data = request.get_data(cache=True)
    if not data.strip():
        return
    if not request.is_json:
        abort(415, detail=_("Send the body as JSON, with Content-Type: application/json."))
    parsed = request.get_json(silent=True)
    if parsed is None:
        abort(400, detail=_("The body is not valid JSON."))
    if _has_nul(parsed):
        abort(400, detail=_("The body holds a NUL character (\\u0000), which no field may hold."))


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False
