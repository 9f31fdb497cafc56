"""`/metrics` for Prometheus: requests by route and status, the outbox, the shared cache.

Series (prometheus_client names counters `…_total`):

- `fairplanner_http_requests_total{route, method, status}` and
  `fairplanner_http_request_duration_seconds{route, method, status}` (a histogram). `route` is
  the URL rule (`/calendar/<token>.ics`), never the path, so no secret reaches a label and the
  number of series stays bounded; requests that match no rule count as `<unmatched>`.
- `fairplanner_outbox_queue_depth`, `fairplanner_outbox_oldest_pending_age_seconds` and
  `fairplanner_outbox_parked_messages`: read from the database at each scrape, in one query,
  by the collector that fairplanner.notifications registers (`register_collector`).
- `fairplanner_cache_hits_total{cache}` and `fairplanner_cache_misses_total{cache}`: the hit
  ratio is `rate(hits) / (rate(hits) + rate(misses))`. The stores of fairplanner.cache count
  each lookup with `count_cache_lookup(key, found)`; `cache` is the kind of content, the part
  of the key before its first colon ("page", "company-feed", ...).

Under gunicorn each worker is a process of its own: with `PROMETHEUS_MULTIPROC_DIR` set (an
empty directory, emptied at each start; gunicorn.conf.py does it), the workers write their
counts there and a scrape of any worker adds them all up. Without it (one process, the
development server) the counts live in memory, and the process's own CPU and memory series
come along.

Access: with `METRICS_TOKEN` set, only `Authorization: Bearer <token>` (403 otherwise);
without it, only requests from this host (127.0.0.1 or ::1 after ProxyFix; 404 otherwise).
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Iterator
from typing import Any, Protocol

from flask import Blueprint, Flask, Response, abort, current_app, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import Metric

bp = Blueprint("observability", __name__)
LOCAL_ADDRESSES = frozenset({"127.0.0.1", "::1"})
UNMATCHED = "<unmatched>"
COLLECTORS = "fairplanner.metrics.collectors"  # app.extensions key: the domains' collectors


class Collector(Protocol):
    def collect(self) -> Iterator[Metric]: ...


REQUESTS = Counter(
    "fairplanner_http_requests",
    "Requests answered, by URL rule, method and status.",
    ["route", "method", "status"],
)
DURATION = Histogram(
    "fairplanner_http_request_duration_seconds",
    "Time to answer a request, by URL rule, method and status.",
    ["route", "method", "status"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
CACHE_HITS = Counter(
    "fairplanner_cache_hits", "Lookups in the shared cache that found an entry.", ["cache"]
)
CACHE_MISSES = Counter(
    "fairplanner_cache_misses", "Lookups in the shared cache that found nothing.", ["cache"]
)


# The two series of each (route, method, status), found once: `labels()` validates the values
# and takes the metric's lock on every call. Routes are URL rules, so the keys are few.
_REQUEST_SERIES: dict[tuple[str | None, str, int], tuple[Any, Any]] = {}


def count_request(route: str | None, method: str, status: int, seconds: float) -> None:
    series = _REQUEST_SERIES.get((route, method, status))
    if series is None:
        labels = (route or UNMATCHED, method, str(status))
        series = _REQUEST_SERIES[route, method, status] = (
            REQUESTS.labels(*labels),
            DURATION.labels(*labels),
        )
    series[0].inc()
    series[1].observe(seconds)


def count_cache_lookup(key: str, found: bool) -> None:
    """One lookup in the shared cache, labelled with the kind of content the key is for."""
    kind = key.partition(":")[0] if ":" in key else "other"
    (CACHE_HITS if found else CACHE_MISSES).labels(kind).inc()


def count_cache_hit(cache: str = "shared") -> None:
    CACHE_HITS.labels(cache).inc()


def count_cache_miss(cache: str = "shared") -> None:
    CACHE_MISSES.labels(cache).inc()


def register_collector(app: Flask, factory: Callable[[], Collector]) -> None:
    """Add series that a domain reads when Prometheus asks (its `collect()` yields metric
    families): `factory` makes one collector per scrape. A domain registers its own from its
    `init_app`, so that this module knows no domain; registering the same factory twice for an
    app keeps one."""
    factories = app.extensions.setdefault(COLLECTORS, [])
    if factory not in factories:
        factories.append(factory)


class _ThisProcess:
    """The counters of this process (one-process mode), for a registry built per scrape."""

    def collect(self) -> Iterator[Metric]:
        yield from REGISTRY.collect()


def scrape_registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    if current_app.config.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ThisProcess())  # type: ignore[arg-type]
    for factory in current_app.extensions.get(COLLECTORS, ()):
        registry.register(factory())  # type: ignore[arg-type]
    return registry


def check_access() -> None:
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        given = request.headers.get("Authorization", "")
        if not hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            abort(403)
    elif request.remote_addr not in LOCAL_ADDRESSES:
        abort(404)


@bp.get("/metrics")
def metrics() -> Response:
    """The Prometheus text exposition format."""
    check_access()
    response = Response(generate_latest(scrape_registry()), content_type=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response
