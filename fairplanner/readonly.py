"""Pages that only read, served without a transaction.

A signed-in catalogue page, once its blocks are stored, runs one statement (the reader with
their login). Inside a transaction PostgreSQL needs three round trips for it (BEGIN, the
statement, ROLLBACK); with the connection in autocommit it needs one. Nothing is lost: under
READ COMMITTED, PostgreSQL's default and ours, every statement takes its own snapshot anyway.

Only views marked `@read_only` are served so, for GET and HEAD; a write in them (a flush, or an
INSERT, UPDATE or DELETE statement) is refused with an error instead of being committed
statement by statement. On SQLite such a page sends no BEGIN (fairplanner.db), so each
statement is its own transaction there too. A session joined to a transaction opened outside
it (the tests' rolled-back one) keeps that transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, current_app, g, has_app_context, request
from sqlalchemy import Engine, event
from sqlalchemy.orm import ORMExecuteState, Session

from fairplanner.db import sqlite_read_only
from fairplanner.extensions import db

View = TypeVar("View", bound=Callable[..., Any])


class WriteInReadOnlyRequest(RuntimeError):
    """A view marked read-only tried to write."""


def read_only(view: View) -> View:
    """Mark `view` as one that never writes to the database."""
    view.read_only = True  # type: ignore[attr-defined]
    return view


def _autocommit() -> None:
    if request.method not in ("GET", "HEAD"):
        return
    view = current_app.view_functions.get(request.endpoint or "")
    if not getattr(view, "read_only", False):
        return
    bind = db.engine
    if not isinstance(bind, Engine) or bind.dialect.name not in ("postgresql", "sqlite"):
        return
    if db.session().in_transaction():  # an earlier hook has read already: keep its transaction
        return
    g.read_only = True
    if bind.dialect.name == "sqlite":
        g.sqlite_read_only = sqlite_read_only.set(True)
    else:
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


def _in_read_only_request() -> bool:
    return has_app_context() and bool(g.get("read_only"))


def _refuse(what: str) -> None:
    raise WriteInReadOnlyRequest(f"{request.endpoint} is read-only but tried to {what}")


def _refuse_flush(session: Session, *args: Any) -> None:
    if _in_read_only_request() and (session.new or session.dirty or session.deleted):
        _refuse("save changes")


def _refuse_writes(state: ORMExecuteState) -> None:
    if (state.is_insert or state.is_update or state.is_delete) and _in_read_only_request():
        _refuse("write")


def _end(exc: BaseException | None) -> None:
    # The connection goes back to the pool, which restores its isolation level, with the
    # request, even where the application context outlives the request (CLI, tests).
    if g.pop("read_only", False):
        db.session.close()
    token = g.pop("sqlite_read_only", None)
    if token is not None:
        sqlite_read_only.reset(token)


def init_app(app: Flask) -> None:
    app.before_request(_autocommit)
    app.teardown_request(_end)
    if not event.contains(Session, "before_flush", _refuse_flush):
        event.listen(Session, "before_flush", _refuse_flush)
        event.listen(Session, "do_orm_execute", _refuse_writes)
