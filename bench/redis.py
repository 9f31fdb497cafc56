"""What junk query parameters and a dead Redis cost, in one process (no server).

Usage: python -m bench.redis [--requests N] [--redis-url URL]

1. Requests per second for `/?<random>=<random>` with the page cache keyed as before issue 12
   (the full address: every request a miss that renders and stores one more page) and as now
   (the parameters the page reads: served the stored page of `/`, nothing stored), with the
   number of pages each left in the cache.
2. Milliseconds per request with Redis up (`--redis-url`, database 11 of the local Redis by
   default, emptied before and after) and with REDIS_URL pointing at a closed port, and what
   the first request after Redis went away costs.
"""

from __future__ import annotations

import argparse
import contextlib
import secrets
import socket
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import redis
from flask import Flask, request
from flask.testing import FlaskClient
from sqlalchemy import select

from bench.common import bench_app, rounds_ms
from fairplanner import pagecache
from fairplanner.cache import cache_key
from fairplanner.catalogue.models import Fair
from fairplanner.extensions import db
from fairplanner.i18n import current_language, minsk_today

# Limits that the benchmark does not reach, and forms without a CSRF token.
LIMITS: dict[str, object] = {
    f"{name}_RATE_LIMIT": "100000 per minute" for name in ("LOGIN", "SIGNUP", "INVITE")
} | {"WTF_CSRF_ENABLED": False}


def silent_port() -> tuple[socket.socket, int]:
    """A port that accepts connections and never answers: a hung Redis."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(1024)
    return sock, sock.getsockname()[1]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def per_request(call: Callable[[], Any], requests: int) -> float:
    """Median milliseconds per call over five rounds of `requests` calls."""
    return statistics.median(rounds_ms(call, requests))


def old_page_key() -> tuple[str, bool] | None:
    """The key as it was before issue 12: the full path with its query, always stored."""
    if request.method not in ("GET", "HEAD"):
        return None
    page = pagecache.CACHED_PAGES.get(request.endpoint or "")
    if page is None or request.cookies:
        return None
    key = cache_key("page", page[0], (current_language(), minsk_today(), request.full_path))
    return None if key is None else (key, True)


def junk() -> str:
    return f"{secrets.token_hex(4)}={secrets.token_hex(8)}"


def stored_pages(app: Flask) -> int:
    cache = app.extensions["cache"]
    if hasattr(cache, "items"):
        return sum(key.startswith("page:") for key in list(cache.items))
    return len(list(cache.client.scan_iter(match=cache.prefix + "page:*")))


def junk_parameters(app: Flask, requests: int) -> None:
    client = app.test_client()
    print(f"/?<random>=<random>, {requests} requests a round, page cache in "
          f"{type(app.extensions['cache']).__name__}")  # fmt: skip
    print(f"{'':34} {'req/s':>8} {'ms/req':>8} {'pages stored':>13}")
    current = pagecache.page_key
    keys = {"before (key: full address)": old_page_key, "now (key: parameters read)": current}
    for name, key in keys.items():
        pagecache.page_key = key
        app.extensions["cache"].clear()
        client.get("/")  # the plain page, stored
        before = stored_pages(app)
        ms = per_request(lambda: client.get(f"/?{junk()}"), requests)
        print(f"{name:34} {1000 / ms:8.0f} {ms:8.2f} {stored_pages(app) - before:13d}")
    pagecache.page_key = current
    ms = per_request(lambda: client.get("/"), requests)
    print(f"{'plain / from the cache':34} {1000 / ms:8.0f} {ms:8.2f}")


def outage(database: Path, redis_url: str | None, requests: int) -> None:
    down_url = f"redis://127.0.0.1:{closed_port()}/0"
    silent, port = silent_port()
    hung_url = f"redis://127.0.0.1:{port}/0"
    apps = {"Redis down (closed port)": down_url, "Redis hung (no answer)": hung_url}
    if redis_url:
        apps = {"Redis up": redis_url} | apps
    columns: dict[str, dict[str, float]] = {}
    first: dict[str, float] = {}
    for label, url in apps.items():
        app = bench_app(database, REDIS_URL=url, RATELIMIT_STORAGE_URI=url, **LIMITS)
        client: FlaskClient = app.test_client()
        with app.app_context():
            slug = db.session.scalars(select(Fair.slug).order_by(Fair.starts_on)).first()
        start = time.perf_counter()
        response = client.post("/password/forgot", data={"email": "nobody@example.com"})
        assert response.status_code == 302, response.status_code
        first[label] = (time.perf_counter() - start) * 1000
        anonymous = app.test_client()
        calls = {
            "GET / (anonymous)": lambda anonymous=anonymous: anonymous.get("/"),
            "GET /fairs/<slug> (anonymous)": lambda a=anonymous, s=slug: a.get(f"/fairs/{s}"),
            "GET /login": lambda c=client: c.get("/login"),
            "POST /password/forgot (rate limited)": lambda c=client: c.post(
                "/password/forgot", data={"email": "nobody@example.com"}
            ),
            "GET /healthz": lambda c=client: c.get("/healthz"),
        }
        columns[label] = {name: per_request(call, requests) for name, call in calls.items()}
        with app.app_context():
            db.engine.dispose()
    print(f"{'ms per request':38}" + "".join(f"{label:>26}" for label in columns))
    for name in next(iter(columns.values())):
        print(f"{name:38}" + "".join(f"{columns[label][name]:26.2f}" for label in columns))
    name = "first request (a rate-limited POST)"
    print(f"{name:38}" + "".join(f"{first[label]:26.2f}" for label in columns))
    silent.close()
    print(
        f"(every {app.config['REDIS_RETRY_SECONDS']:g} s one request waits up to "
        f"{app.config['REDIS_TIMEOUT_SECONDS']:g} s for a hung Redis; the rest skip it)"
    )
    default_client_costs(down_url)


def default_client_costs(down_url: str) -> None:
    """One GET with redis-py's defaults (as the cache and the limiter had them)."""
    client = redis.Redis.from_url(down_url)
    start = time.perf_counter()
    with contextlib.suppress(redis.ConnectionError):
        client.get("x")
    print(f"redis-py defaults, one GET, closed port: {(time.perf_counter() - start) * 1000:.0f} ms")
    silent, port = silent_port()
    done = threading.Event()

    def get() -> None:
        with contextlib.suppress(redis.RedisError):
            redis.Redis.from_url(f"redis://127.0.0.1:{port}/0").get("x")
        done.set()

    threading.Thread(target=get, daemon=True).start()
    start = time.perf_counter()
    answered = done.wait(5)
    waited = (time.perf_counter() - start) * 1000
    print(
        "redis-py defaults, one GET, hung Redis: "
        + (f"{waited:.0f} ms" if answered else "no answer after 5000 ms (no timeout by default)")
    )
    silent.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    args = parser.parse_args()
    redis_url = args.redis_url
    try:
        redis.Redis.from_url(redis_url).flushdb()
    except redis.RedisError:
        print(f"(no Redis at {redis_url}: the cache in memory, no 'Redis up' column)")
        redis_url = None
    with tempfile.TemporaryDirectory() as tmp:
        database = Path(tmp) / "bench.sqlite3"
        app = bench_app(database, REDIS_URL=redis_url, **LIMITS)
        app.test_cli_runner().invoke(args=["seed-demo"])
        junk_parameters(app, args.requests)
        print()
        outage(database, redis_url, max(args.requests // 4, 20))
    if redis_url:
        redis.Redis.from_url(redis_url).flushdb()


if __name__ == "__main__":
    main()
