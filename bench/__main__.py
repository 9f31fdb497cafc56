"""Time the catalogue pages against a bare Flask route in the same process and run.

Usage: python -m bench [--requests N]. Prints mean milliseconds per request, rendered and from
the page cache, and the ratio to a bare `return "ok"` Flask route, so the figures can be
compared across machines. Then runs the
calendar feed benchmark (`python -m bench.feed` runs it alone, with its own options).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from bench import feed
from bench.common import bare_client, bench_app
from fairplanner.catalogue.models import Fair
from fairplanner.extensions import db


def timed(call: Callable[[], object], requests: int) -> float:
    """Median of five rounds of `requests` calls, in milliseconds per call."""
    call()  # warm up caches and compiled templates
    rounds = []
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(requests):
            call()
        rounds.append((time.perf_counter() - start) * 1000 / requests)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    bare = bare_client()

    with tempfile.TemporaryDirectory() as tmp:
        app = bench_app(Path(tmp) / "bench.sqlite3")
        app.test_cli_runner().invoke(args=["seed-demo"])
        with app.app_context():
            fair = db.session.scalars(select(Fair).order_by(Fair.starts_on)).first()
            slug, year, month = fair.slug, fair.starts_on.year, fair.starts_on.month
        client = app.test_client()
        pages = {
            "bare Flask route": lambda: bare.get("/"),
            "catalogue /": lambda: client.get("/"),
            "catalogue /?q=выставка&sector=food": lambda: client.get(
                "/", query_string={"q": "выставка", "sector": "food"}
            ),
            f"fair /fairs/{slug}": lambda: client.get(f"/fairs/{slug}"),
            f"month /calendar/{year}/{month}": lambda: client.get(f"/calendar/{year}/{month}"),
            "healthz": lambda: client.get("/healthz"),
        }
        base = None
        # Rendered every time (a signed-in visitor, the first visit after a change) and
        # from the page cache (an anonymous visitor, as most are).
        print(f"{'page':45} {'rendered':>10} {'x bare':>8} {'cached':>8} {'x bare':>8}")
        for name, call in pages.items():
            app.config["PAGE_CACHE"] = False
            rendered = timed(call, args.requests)
            app.config["PAGE_CACHE"] = True
            cached = timed(call, args.requests)
            base = base or rendered
            print(
                f"{name:45} {rendered:10.2f} {rendered / base:8.1f} {cached:8.2f} "
                f"{cached / base:8.1f}"
            )

    print()
    feed.main(argv=[])


if __name__ == "__main__":
    main()
