"""The request id: one per request, handed to the log lines of everything the request causes.

A request takes the id a proxy sent in `X-Request-ID` when it is well-formed (nginx's
`$request_id`, a load balancer's trace id), otherwise a new one; the answer carries it back in
the same header. Mail a request queues keeps the id (`OutboxMessage.request_id`), and the
worker binds it while it handles that message, so its log lines name the request too.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import g, has_request_context

HEADER = "X-Request-ID"
MAX_LENGTH = 64
# Letters, digits and a few separators: nothing that could break a log line or a header.
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{7,63}")

# Outside a request (the outbox worker, CLI commands): the id bound by bind_request_id().
_bound: ContextVar[str | None] = ContextVar("fairplanner_request_id", default=None)


def new_request_id() -> str:
    return uuid.uuid4().hex


def accept_request_id(value: str | None) -> str:
    """The incoming id when it is well-formed, else a fresh one."""
    if value and WELL_FORMED.fullmatch(value):
        return value
    return new_request_id()


def current_request_id() -> str | None:
    """The id of the request being answered, or the one bound by the worker, or None."""
    if has_request_context():
        found = g.get("request_id")
        if found:
            return found
    return _bound.get()


@contextmanager
def bind_request_id(value: str | None) -> Iterator[None]:
    """Log lines inside the block carry `value` as their request id (None: no id)."""
    token = _bound.set(value)
    try:
        yield
    finally:
        _bound.reset(token)
