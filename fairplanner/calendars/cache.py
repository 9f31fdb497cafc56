"""Built calendars, kept by ETag: a feed is rebuilt only when its content changed.

In Redis when REDIS_URL is set (every app server shares one copy), else in this process.
Keys are the ETag, which is derived from everything the calendar shows, so an entry never
goes stale; old ones simply age out.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from threading import Lock

import redis
from flask import Flask, current_app

log = logging.getLogger(__name__)
TTL_SECONDS = 24 * 3600
MEMORY_BYTES = 64 * 1024 * 1024


class MemoryCache:
    """A small least-recently-used store bounded by total size."""

    def __init__(self, limit: int = MEMORY_BYTES) -> None:
        self.limit = limit
        self.items: OrderedDict[str, bytes] = OrderedDict()
        self.size = 0
        self.lock = Lock()

    def get(self, key: str) -> bytes | None:
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if len(value) > self.limit:
            return
        with self.lock:
            if key in self.items:
                self.size -= len(self.items.pop(key))
            self.items[key] = value
            self.size += len(value)
            while self.size > self.limit:
                _, dropped = self.items.popitem(last=False)
                self.size -= len(dropped)


class RedisCache:
    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url)

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get(f"fairplanner:ics:{key}")
        except redis.RedisError:
            log.warning("feed cache unavailable; building the calendar", exc_info=True)
            return None

    def set(self, key: str, value: bytes) -> None:
        try:
            self.client.set(f"fairplanner:ics:{key}", value, ex=TTL_SECONDS)
        except redis.RedisError:
            log.warning("feed cache unavailable; not storing", exc_info=True)


def init_app(app: Flask) -> None:
    url = app.config.get("REDIS_URL")
    app.extensions["feed_cache"] = RedisCache(url) if url else MemoryCache()


def feed_cache() -> MemoryCache | RedisCache:
    return current_app.extensions["feed_cache"]
