"""Shared caches: in Redis when REDIS_URL is set (every app server shares one copy), else in
this process's memory.

What may be cached is keyed by *generations*: random numbers stored in the database and
replaced, in the same transaction, by every change to what they cover ("catalogue": fairs,
their programmes, venues, cities, organizers, sectors; "registrations": applications and the
companies that make them; "logins": users, companies and ended logins). Each domain declares
which of its models a generation covers (`cover`). A key that includes the generation can
never serve content older than the last committed change, across any number of processes,
with no invalidation messages. Each process reads the generations at most once per
`CACHE_GENERATION_SECONDS` (another process's change shows after that long at most; this
process's own change at once).

A cache is never needed: when its Redis is down (or slow), every read is a miss and every write
is dropped, at the cost of one short timeout; then Redis is left alone for
`REDIS_RETRY_SECONDS` (a circuit breaker) and tried again by a single request, so the app uses
it again by itself once it is back.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from threading import Lock
from typing import Any

import redis
from flask import Flask, current_app, has_app_context
from sqlalchemy import BigInteger, String, event, select, update
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from fairplanner.extensions import REDIS_SCHEMES, db, redis_options
from fairplanner.observability.metrics import count_cache_lookup

log = logging.getLogger(__name__)
TTL_SECONDS = 24 * 3600
MEMORY_BYTES = 128 * 1024 * 1024
# While Redis stays down, the warning is repeated this often (not on every request).
WARN_EVERY_SECONDS = 60.0
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
            if item is not None and item[0] < time.monotonic():
                self.size -= len(self.items.pop(key)[1])
                item = None
            count_cache_lookup(key, item is not None)
            if item is None:
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


class Breaker:
    """A circuit breaker: after a failure, calls are skipped for `retry_seconds`; then one
    caller (only one) tries again. Logs one warning when the service goes away, one every
    WARN_EVERY_SECONDS while it stays away, and one line when it is back."""

    def __init__(self, name: str, retry_seconds: float) -> None:
        self.name = name
        self.retry_seconds = retry_seconds
        self.closed = True  # the service is believed to answer
        self.retry_at = 0.0
        self.down_since = 0.0
        self.warned_at = 0.0
        self.lock = Lock()

    def allows(self) -> bool:
        if self.closed:
            return True
        now = time.monotonic()
        with self.lock:
            if now < self.retry_at:
                return False
            self.retry_at = now + self.retry_seconds  # this caller probes; the others wait
            return True

    def failed(self, error: Exception) -> None:
        now = time.monotonic()
        with self.lock:
            self.retry_at = now + self.retry_seconds
            if self.closed:
                self.closed, self.down_since, self.warned_at = False, now, now
                log.warning(
                    "%s unavailable (%s): working without it, next try in %gs",
                    self.name,
                    error,
                    self.retry_seconds,
                )
            elif now - self.warned_at >= WARN_EVERY_SECONDS:
                self.warned_at = now
                log.warning(
                    "%s still unavailable after %.0fs (%s)", self.name, now - self.down_since, error
                )

    def succeeded(self) -> None:
        if self.closed:
            return
        with self.lock:
            if not self.closed:
                self.closed = True
                log.info(
                    "%s available again after %.0fs",
                    self.name,
                    time.monotonic() - self.down_since,
                )


class RedisCache:
    """The same interface over Redis; an unreachable Redis is a miss, never an error, and
    costs one short timeout per REDIS_RETRY_SECONDS, not one per request."""

    def __init__(
        self,
        url: str,
        prefix: str = "fairplanner:",
        *,
        timeout: float = 0.25,
        retry_seconds: float = 5.0,
    ) -> None:
        self.client = redis.Redis.from_url(url, **redis_options(timeout))
        self.prefix = prefix
        self.breaker = Breaker("cache Redis", retry_seconds)

    def _call(self, command: Callable[[], Any]) -> Any:
        if not self.breaker.allows():
            return None
        try:
            result = command()
        except (redis.RedisError, OSError) as error:
            self.breaker.failed(error)
            return None
        self.breaker.succeeded()
        return result

    def get(self, key: str) -> bytes | None:
        value = self._call(lambda: self.client.get(self.prefix + key))
        count_cache_lookup(key, value is not None)  # Redis away counts as a miss
        return value

    def set(self, key: str, value: bytes, ttl: int = TTL_SECONDS) -> None:
        self._call(lambda: self.client.set(self.prefix + key, value, ex=ttl))

    def clear(self) -> None:
        """Drop this app's entries (tests; a deploy needs none: the keys hold the build)."""

        def drop() -> None:
            keys = list(self.client.scan_iter(match=self.prefix + "*", count=1000))
            if keys:
                self.client.delete(*keys)

        self._call(drop)


def ping(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except (redis.RedisError, OSError):
        return False


def init_app(app: Flask) -> None:
    config = app.config
    url = config.get("REDIS_CACHE_URL") or config.get("REDIS_URL")
    timeout = config.get("REDIS_TIMEOUT_SECONDS", 0.25)
    app.extensions["cache"] = (
        RedisCache(url, timeout=timeout, retry_seconds=config.get("REDIS_RETRY_SECONDS", 5.0))
        if url
        else MemoryCache()
    )
    # Every Redis this app uses (the caches', the rate limits'), for /healthz.
    limits = str(config.get("RATELIMIT_STORAGE_URI") or "")
    urls = dict.fromkeys(u for u in (url, limits) if u and u.startswith(REDIS_SCHEMES))
    app.extensions["redis_health"] = [
        redis.Redis.from_url(u.replace("redis+unix://", "unix://"), **redis_options(timeout))
        for u in urls
    ]
    app.extensions["cache_generations"] = (0.0, {})
    app.extensions["cache_build"] = None  # worked out on first use (not by CLI commands)


def redis_health() -> bool | None:
    """Whether every Redis this app uses answers a PING now; None when it uses none."""
    clients = current_app.extensions["redis_health"]
    if not clients:
        return None
    return all([ping(client) for client in clients])


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


# model -> the generations its changes replace. Each domain declares its own models (`cover`),
# so that this module knows none of them.
_covered: dict[type, frozenset[str]] = {}


def cover(*models: type, generations: tuple[str, ...]) -> None:
    """Declare that a change to any of `models` (a row added, changed or deleted, by the unit
    of work or by an UPDATE or DELETE statement) replaces `generations` at its commit. Each
    name needs its row in `cache_generations` (a migration adds it)."""
    for model in models:
        _covered[model] = _covered.get(model, frozenset()) | frozenset(generations)


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
    names = {
        name
        for instance in (*session.new, *session.dirty, *session.deleted)
        for name in _covered.get(type(instance), ())
    }
    if names:
        session.info.setdefault("changed_generations", set()).update(names)


@event.listens_for(Session, "do_orm_execute")
def _note_statements(state: ORMExecuteState) -> None:
    """The same for UPDATE and DELETE statements on a covered model, which the unit of work
    never sees (following a fair raises its company's follows_version so)."""
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    names = _covered.get(state.bind_mapper.class_)
    if names:
        state.session.info.setdefault("changed_generations", set()).update(names)


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
