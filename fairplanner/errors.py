"""Domain errors and the error pages, in the user's language."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import Conflict, HTTPException, InternalServerError

from fairplanner.extensions import db

log = logging.getLogger(__name__)

ERROR_CODES = (400, 401, 403, 404, 405, 409, 410, 413, 415, 422, 429, 500)
# The problems' titles: werkzeug's names of the statuses, in the reader's language.
TITLES = {
    400: _l("Bad Request"),
    401: _l("Unauthorized"),
    403: _l("Forbidden"),
    404: _l("Not Found"),
    405: _l("Method Not Allowed"),
    409: _l("Conflict"),
    410: _l("Gone"),
    413: _l("Request Entity Too Large"),
    415: _l("Unsupported Media Type"),
    422: _l("Unprocessable Entity"),
    429: _l("Too Many Requests"),
    500: _l("Internal Server Error"),
}


class DomainError(Exception):
    """A rule of the domain refused an action; `message` is already translated for the user."""

    status_code = 422

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _field_errors(error: HTTPException) -> dict[str, list[str]] | None:
    """Per field, what is wrong: given to `abort(422, errors=...)`, or by webargs (through
    flask-smorest) as `messages` by location, e.g. {"query": {"limit": [...]}}."""
    data = getattr(error, "data", None) or {}
    if "errors" in data:
        return data["errors"]
    messages = data.get("messages")
    if not isinstance(messages, dict):
        return None
    found: dict[str, list[str]] = {}
    for by_field in messages.values():
        for name, problems in (by_field if isinstance(by_field, dict) else {}).items():
            found[name] = (
                [str(p) for p in problems] if isinstance(problems, list) else [str(problems)]
            )
    return found


def problem(error: HTTPException, code: int) -> ResponseReturnValue:
    """RFC 9457 problem details: the status's title in the user's language, and for a 422
    what is wrong with each parameter."""
    body: dict[str, object] = {
        "type": "about:blank",
        "title": str(TITLES[code]),
        "status": code,
    }
    errors = _field_errors(error) if code in (400, 422) else None
    if errors:
        body["detail"] = gettext(
            "Some parameters are not valid: %(names)s.", names=", ".join(sorted(errors))
        )
        body["errors"] = errors
    elif (getattr(error, "data", None) or {}).get("detail"):
        body["detail"] = error.data["detail"]  # type: ignore[attr-defined]
    elif code == 404:
        body["detail"] = gettext("There is nothing at this address.")
    response = jsonify(body)
    response.status_code = code
    for name, value in ((getattr(error, "data", None) or {}).get("headers") or {}).items():
        response.headers[name] = value
    if code in (401, 405, 429) and error.code == code:
        for name, value in error.get_headers():  # WWW-Authenticate, Allow, Retry-After
            if name != "Content-Type":
                response.headers[name] = value
    response.mimetype = "application/problem+json"
    return response


def render_error(error: HTTPException) -> ResponseReturnValue:
    """Render errors/<code>.html (or JSON under /api/) with the right status."""
    code = error.code or 500
    if code == 500:
        db.session.rollback()
    if code not in ERROR_CODES:
        code = 500 if code >= 500 else 400
    if _wants_json():
        return problem(error, code)
    return render_template(f"errors/{code}.html", error=error), code


def handle_unexpected(error: Exception) -> ResponseReturnValue:
    """Log anything unhandled and answer with the 500 page, never a traceback."""
    # The rule, not the path: a private feed's path holds its secret token.
    log.exception("unhandled error on %s %s", request.method, request.url_rule or "?")
    return render_error(InternalServerError())


def handle_stale(error: StaleDataError) -> ResponseReturnValue:
    """Two requests changed the same row at once: the later one is told, nothing is lost."""
    log.info("stale write refused: %s", error)
    db.session.rollback()
    return render_error(Conflict())


def register_error_handlers(app: Flask) -> None:
    """Route every HTTP error, and anything unexpected, to the error pages."""
    app.register_error_handler(HTTPException, render_error)
    app.register_error_handler(StaleDataError, handle_stale)
    app.register_error_handler(Exception, handle_unexpected)
