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
from pathlib import Path
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
    app.extensions["cache_build"] = None  # worked out on first use (not by CLI commands)


def _build_of(package: Path, templates: Path) -> str:
    """A digest of the code, templates and translations: part of every key, so that a cache
    shared across a deploy (Redis) never serves what the previous version rendered. By
    content, not file times, so that every app server of one version agrees."""
    digest = hashlib.sha256()
    for base, patterns in ((package, ("*.py", "*.mo")), (templates, ("*.html",))):
        files = sorted(path for pattern in patterns for path in base.rglob(pattern))
        for path in files:
            digest.update(path.relative_to(base).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def build_id() -> str:
    app = current_app
    if app.extensions["cache_build"] is None:
        package, templates = Path(app.root_path), Path(app.template_folder or "")
        app.extensions["cache_build"] = _build_of(package, templates)
    return app.extensions["cache_build"]


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
def _note_changes(session: Session, context: Any) -> None:
    """Remember which generations this transaction's changes touch."""
    covered = _covered()
    names = {
        name
        for instance in (*session.new, *session.dirty, *session.deleted)
        if (name := covered.get(type(instance))) is not None
    }
    if names:
        session.info.setdefault("changed_generations", set()).update(names)


@event.listens_for(Session, "before_commit")
def _bump_before_commit(session: Session) -> None:
    """Replace those generations as the last statements of the real commit (not of a
    savepoint's release): in the same transaction as the changes, and holding the row lock
    for as short a time as possible, since every writer of the kind needs it."""
    if session.in_nested_transaction():
        return
    session.flush()  # the commit's own flush may still add changes
    names = session.info.pop("changed_generations", None)
    if not names:
        return
    connection = session.connection()
    for name in sorted(names):  # always in the same order: no deadlock between two writers
        connection.execute(
            update(CacheGeneration)
            .where(CacheGeneration.name == name)
            .values(value=new_generation())
        )
    session.info["bumped_generations"] = True


@event.listens_for(Session, "after_transaction_end")
def _after_transaction_end(session: Session, transaction: Any) -> None:
    """At the end of the real transaction, committed or not: a rolled-back savepoint may have
    noted changes the commit never made (replacing a generation for nothing is harmless), and
    this process reads the generations again after its own commit. (Scripts without an app
    have nothing to forget.)"""
    if transaction.parent is not None:
        return
    session.info.pop("changed_generations", None)
    if session.info.pop("bumped_generations", None) and has_app_context():
        forget_generations()


def cache_key(kind: str, depends_on: tuple[str, ...], parts: tuple[Any, ...]) -> str | None:
    """The key of content of `kind` under the current generations of `depends_on` and the
    code version, with `parts` (everything else it depends on); None when caching is off."""
    if not current_app.config["PAGE_CACHE"]:
        return None
    current = generations()
    if any(name not in current for name in depends_on):
        return None
    raw = repr((kind, build_id(), *(current[name] for name in depends_on), *parts))
    return f"{kind}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached(
    kind: str, depends_on: tuple[str, ...], parts: tuple[Any, ...], compute: Callable[[], bytes]
) -> bytes:
    """`compute()`, kept in the shared cache under `cache_key`. The caller checks access
    first: the key says what the content is, not who may see it."""
    key = cache_key(kind, depends_on, parts)
    if key is None:
        return compute()
    value = shared_cache().get(key)
    if value is None:
        value = compute()
        shared_cache().set(key, value, ttl=current_app.config["PAGE_CACHE_SECONDS"])
    return value
