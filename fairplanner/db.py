"""Declarative base, a UTC-aware datetime type and SQLite connection settings."""

from __future__ import annotations

import enum
from contextvars import ContextVar
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Enum, MetaData, event
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def json_value(value: Any) -> Any:
    """A field value as it goes into a JSON history column ("from → to" of an edit)."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 20.0 -> "20", 12.5 -> "12.5"
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def utcnow() -> datetime:
    """The current moment as an aware UTC datetime (a callable default, not an import-time one)."""
    return datetime.now(UTC)


def acting_api_token() -> int | None:
    """The API token the current request acts with (fairplanner.api sets it), or None: the
    default of the audit logs' `api_token_id`, so that every entry made through the API says
    so, whichever service writes it."""
    from flask import g, has_app_context

    return g.get("api_token_id") if has_app_context() else None


def db_enum(cls: type[enum.Enum]) -> Enum:
    """A portable enum column stored as its values (VARCHAR on every database)."""
    return Enum(cls, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC; SQLite, which drops the offset, gets it back on load."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value if value.tzinfo is UTC else value.astimezone(UTC)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    """Enforce foreign keys and let SQLAlchemy, not pysqlite, decide when transactions begin.

    pysqlite's own transaction handling breaks SAVEPOINT, which the test isolation relies on; this
    is SQLAlchemy's documented recipe ("Serializable isolation / Savepoints / Transactional DDL").
    """
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        # Readers do not wait for the writer; harmless ("memory") for in-memory databases.
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()
    elif type(dbapi_connection).__module__.startswith("psycopg"):
        # Timestamps then arrive in datetime.UTC, which UTCDateTime passes through as it is.
        with dbapi_connection.cursor() as cursor:
            cursor.execute("SET TIME ZONE 'UTC'")
        dbapi_connection.commit()


# Set for requests that write. SQLite has no row locks, so such a request's transaction starts
# with BEGIN IMMEDIATE: it takes the database's write lock before reading anything it will
# decide on (the last free stand), and concurrent writers wait for it (busy_timeout).
sqlite_write_intent: ContextVar[bool] = ContextVar("sqlite_write_intent", default=False)


# Set for read-only pages (fairplanner.readonly): no BEGIN, so each statement is its own
# transaction, as in PostgreSQL's autocommit (pysqlite itself never begins one here).
sqlite_read_only: ContextVar[bool] = ContextVar("sqlite_read_only", default=False)


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn: Any) -> None:
    if conn.dialect.name == "sqlite" and not sqlite_read_only.get():
        conn.exec_driver_sql("BEGIN IMMEDIATE" if sqlite_write_intent.get() else "BEGIN")


# Indexes a migration makes only where the database allows it (pg_trgm's, see
# migrations/versions/a2fdd8ced432_*): not in the models, so left out of comparisons with them.
OPTIONAL_INDEXES = frozenset({"ix_search_words_trgm"})


def compared(obj: object, name: str | None, type_: str, reflected: bool, other: object) -> bool:
    """Alembic's include_object: what autogenerate and the schema test compare."""
    return not (type_ == "index" and name in OPTIONAL_INDEXES)


def claim_due(
    session: Any, model: Any, *, pending: enum.Enum, sending: enum.Enum, timeout: Any, limit: int
) -> list[int]:
    """Take a worker's batch of a queue table (the mail outbox, webhook deliveries): rows
    `pending` and due, or `sending` but claimed longer than `timeout` ago (a worker that died),
    marked `sending` now, and committed. On PostgreSQL, SKIP LOCKED lets several workers run
    side by side without taking the same row; SQLite serialises writers anyway."""
    from sqlalchemy import or_, select, update

    now = utcnow()
    due = (
        select(model.id)
        .where(
            or_(
                (model.status == pending) & (model.next_attempt_at <= now),
                (model.status == sending) & (model.claimed_at < now - timeout),
            )
        )
        .order_by(model.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    ids = list(session.scalars(due))
    if ids:
        session.execute(
            update(model).where(model.id.in_(ids)).values(status=sending, claimed_at=now)
        )
    session.commit()
    return ids
