"""Structured logs: one JSON object per line, with the request's context in every line.

With `LOG_JSON` on (the default of ProductionConfig) the root logger writes to stderr lines like

    {"time": "2026-05-04T09:12:03.418Z", "level": "INFO", "logger": "fairplanner.request",
     "message": "GET /fairs/<slug> 200", "request_id": "…", "user_id": 12,
     "route": "/fairs/<slug>", "method": "GET", "status": 200, "duration_ms": 14.2}

(on one line). Every line logged while a request is answered carries its request id, user id,
route (the URL rule, never the path: a path may hold a secret token) and method; lines of the
outbox worker carry the id of the request that queued the message. Messages and tracebacks go
through `redact()` as well, for the odd library that logs a path.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import IO, Any

from flask import Flask, g, has_request_context, request
from flask.logging import default_handler

from fairplanner.observability.context import current_request_id
from fairplanner.observability.redact import redact

# What a LogRecord has by itself; anything else was passed with `extra=` and is written too.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime", "taskName"}
_CONTEXT = ("request_id", "user_id", "route", "method")


def signed_in_user_id() -> int | None:
    """The id of the user this request loaded, without loading one (no query per log line)."""
    user = g.get("_login_user")  # where Flask-Login keeps the user it loaded
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "id", None)


def request_route() -> str | None:
    rule = request.url_rule
    return rule.rule if rule is not None else None


class ContextFilter(logging.Filter):
    """Adds request_id, user_id, route and method to each record (None outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        values: dict[str, Any] = {"request_id": current_request_id()}
        if has_request_context():
            values.update(user_id=signed_in_user_id(), route=request_route(), method=request.method)
        for name in _CONTEXT:
            if getattr(record, name, None) is None:
                setattr(record, name, values.get(name))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, context."""

    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC)
        entry: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for name in _CONTEXT:
            entry[name] = getattr(record, name, None)
        for name, value in record.__dict__.items():
            if name not in _STANDARD and name not in entry:
                entry[name] = value
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        if record.stack_info:
            entry["stack"] = redact(self.formatStack(record.stack_info))
        return json.dumps(entry, ensure_ascii=False, default=str)


class RedactFilter(logging.Filter):
    """Takes URL secrets out of a record's text (for loggers that write paths themselves)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


def json_handler(stream: IO[str]) -> logging.Handler:
    """A handler that writes JSON lines with the request context to `stream`."""
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(ContextFilter())
    return handler


def configure_logging(app: Flask) -> None:
    """With LOG_JSON, the root logger writes JSON lines to stderr at LOG_LEVEL.

    Called by every create_app(); the handler of an earlier call is replaced, not stacked.
    Without LOG_JSON, Flask's and the development server's plain lines stay as they are, but
    the development server's request lines lose their tokens too (`make run`).
    """
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactFilter) for f in werkzeug.filters):
        werkzeug.addFilter(RedactFilter())
    if not app.config.get("LOG_JSON"):
        return
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, "_fairplanner", False):
            root.removeHandler(handler)
    handler = json_handler(sys.stderr)
    handler._fairplanner = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL") or "INFO")
    # Flask's own stderr handler would print each app.logger line a second time, as text.
    app.logger.removeHandler(default_handler)
