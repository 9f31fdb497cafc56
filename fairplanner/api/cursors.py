"""Opaque cursors of the fair list: the page to read next, its size and the search in force
(the corrected or relaxed search the first page settled on, so that every page lists the
same fairs). Signed, so that a client cannot forge one; base64url JSON inside."""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from flask_smorest import abort
from itsdangerous import BadSignature, URLSafeSerializer

from fairplanner.api.schemas import MAX_LIMIT

SALT = "api-fair-cursor"
MAX_PAGE = 100_000


@dataclass(frozen=True)
class Position:
    page: int
    limit: int
    q: str | None = None
    relaxed: bool = False


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def write(position: Position) -> str:
    return _serializer().dumps([position.page, position.limit, position.q, position.relaxed])


def read(cursor: str | None) -> Position | None:
    """The position a cursor holds, None for no cursor; a 422 problem for a bad one."""
    if cursor is None:
        return None
    try:
        page, limit, q, relaxed = _serializer().loads(cursor)
        position = Position(int(page), int(limit), q, bool(relaxed))
    except (BadSignature, ValueError, TypeError, json.JSONDecodeError):
        position = None
    if position is None or not (
        1 <= position.page <= MAX_PAGE and 1 <= position.limit <= MAX_LIMIT
    ):
        abort(422, errors={"cursor": [_("This is not a cursor that this API gave.")]})
    return position
