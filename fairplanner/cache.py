"""Shared caches: in Redis when REDIS_URL is set (every app server shares one copy), else in
this process's memory.

What may be cached is keyed by *generations*: random numbers stored in the database and
replaced, in the same transaction, by every change to what they cover ("catalogue": fairs,
their programmes, venues, cities, organizers, sectors; "registrations": applications and the
companies that make them). A key
that includes the generation can never serve content older than the last committed change,
across any number of processes, with no invalidation messages. Each process reads the
generations at most once per `CACHE_GENERATION_SECONDS` (another process's change shows after
that long at most; this process's own change at once).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import cache
from threading import Lock
from typing import Any

import redis
from flask import Flask, current_app, has_app_context
from sqlalchemy import BigInteger, String, event, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from fairplanner.extensions import db

log = logging.getLogger(__name__)
TTL_SECONDS = 24 * 3600
MEMORY_BYTES = 128 * 1024 * 1024
# Generation values fit a signed 64-bit column on every database.
GENERATION_MAX = 2**62


class MemoryCache:
    """A least-recently-used store bounded by total size, with an expiry per entry."""

    def __init__(self, limit: int = MEMORY_BYTES) -> None:
        self.limit = limit
        self.items: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self.size = 0
        self.lock = Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            item = self.items.get(key)
            if item is None:
                return None
            if item[0] < time.monotonic():
                self.size -= len(self.items.pop(key)[1])
                return None
            self.items.move_to_end(key)
            return item[1]

    def set(self, key: str, value: bytes, ttl: int = TTL_SECONDS) -> None:
        if len(value) > self.limit:
            return
        with self.lock:
            if key in self.items:
                self.size -= len(self.items.pop(key)[1])
            self.items[key] = (time.monotonic() + ttl, value)
            self.size += len(value)
            while self.size > self.limit:
                _, (_, dropped) = self.items.popitem(last=False)
                self.size -= len(dropped)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.size = 0


class RedisCache:
    """The same interface over Redis; an unreachable Redis is a miss, never an error."""

    def __init__(self, url: str, prefix: str = "fairplanner:") -> None:
        self.client = redis.Redis.from_url(url)
        self.prefix = prefix

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get(self.prefix + key)
        except redis.RedisError:
            log.warning("cache unavailable; computing instead", exc_info=True)
            return None

    def set(self, key: str, value: bytes, ttl: int = TTL_SECONDS) -> None:
        try:
            self.client.set(self.prefix + key, value, ex=ttl)
        except redis.RedisError:
            log.warning("cache unavailable; not storing", exc_info=True)


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["cache"] = RedisCache(url) if url else MemoryCache()
    app.extensions["cache_generations"] = (0.0, {})


def shared_cache() -> MemoryCache | RedisCache:
    return current_app.extensions["cache"]


# Generations ---------------------------------------------------------------------------------


class CacheGeneration(db.Model):
    """The current generation of one kind of cached content (see the module's docstring)."""

    __tablename__ = "cache_generations"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


@cache
def _covered() -> dict[type, str]:
    from fairplanner.accounts.models import Company
    from fairplanner.catalogue.models import City, Fair, Organizer, ProgrammeEvent, Sector, Venue
    from fairplanner.registrations.models import Registration

    catalogue = (Fair, ProgrammeEvent, Venue, City, Organizer, Sector)
    # Attendee lists show the companies as well as their applications.
    registrations = (Registration, Company)
    return {model: "catalogue" for model in catalogue} | dict.fromkeys(
        registrations, "registrations"
    )


def new_generation() -> int:
    return secrets.randbelow(GENERATION_MAX)


def generations() -> dict[str, int]:
    """The current generations, as this process last read them (at most a few seconds ago)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    read_at, values = app.extensions["cache_generations"]
    now = time.monotonic()
    if now - read_at < app.config["CACHE_GENERATION_SECONDS"] and values:
        return values
    rows = db.session.execute(select(CacheGeneration.name, CacheGeneration.value)).all()
    values = {name: value for name, value in rows}
    app.extensions["cache_generations"] = (now, values)
    return values


def forget_generations() -> None:
    """Read them again on next use (after this process changed one)."""
    current_app.extensions["cache_generations"] = (0.0, {})


@event.listens_for(Session, "after_flush")
def _bump_after_flush(session: Session, context: Any) -> None:
    """Replace the generation of whatever this flush changed, in the same transaction."""
    covered = _covered()
    names = {
        name
        for instance in (*session.new, *session.dirty, *session.deleted)
        if (name := covered.get(type(instance))) is not None
    }
    bumped = session.info.setdefault("bumped_generations", set())
    for name in names - bumped:
        session.connection().execute(
            update(CacheGeneration)
            .where(CacheGeneration.name == name)
            .values(value=new_generation())
        )
        bumped.add(name)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    # (Scripts without an app have nothing to forget.)
    if session.info.pop("bumped_generations", None) and has_app_context():
        forget_generations()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: Any) -> None:
    session.info.pop("bumped_generations", None)


def cached(
    kind: str, depends_on: tuple[str, ...], parts: tuple[Any, ...], compute: Callable[[], bytes]
) -> bytes:
    """`compute()`, kept in the shared cache under the current generations of `depends_on`
    and `parts` (everything else the result depends on). The caller checks access first:
    the key says what the content is, not who may see it."""
    if not current_app.config["PAGE_CACHE"]:
        return compute()
    current = generations()
    if any(name not in current for name in depends_on):
        return compute()
    raw = repr((kind, *(current[name] for name in depends_on), *parts))
    key = f"{kind}:{hashlib.sha256(raw.encode()).hexdigest()}"
    value = shared_cache().get(key)
    if value is None:
        value = compute()
        shared_cache().set(key, value, ttl=current_app.config["PAGE_CACHE_SECONDS"])
    return value
