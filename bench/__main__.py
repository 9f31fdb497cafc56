"""Time the catalogue pages against a bare Flask route in the same process and run.

Usage: python -m bench [--requests N] [--database URL] [--no-feed] [--profile WHO:PAGE]
                       [--clock wall|cpu].
On a scratch SQLite file, or on the PostgreSQL database of `--database` (its public schema is
rebuilt), with the demo data (`flask seed-demo`). Prints mean milliseconds
per request and the ratio to a bare `return "ok"` Flask route measured in the same run, so the
figures can be compared across machines:

- anonymous visitors, rendered (the page cache off) and from the page cache;
- signed in, as a company member and as organizer staff (the demo logins, logged in through
  the real login form, CSRF token included): their pages are always rendered, with the other
  caches (filter choices, ...) in force as in production.

Then runs the calendar feed benchmark (`python -m bench.feed` runs it alone, with its own
options). `--profile member:fair` (or `staff:catalogue`, `anonymous:month`, ...) prints a
cProfile of that page instead.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask.testing import FlaskClient
from sqlalchemy import select

from bench import feed
from bench.common import bare_client, bench_app, rounds_ms
from fairplanner.catalogue.models import Fair
from fairplanner.extensions import db

# The demo logins (fairplanner/demo/demo_data.json): a Kirov exporter and BelExpo's staff.
LOGINS = {
    "member": ("demo@vyatka-les.example", "demo-password-2026"),
    "staff": ("staff@belexpo.example", "staff-password-2026"),
}


# `--clock cpu` times this process's CPU (time.process_time) instead of the wall clock: on a
# machine that other work keeps busy, waiting for a CPU no longer counts, so the figures move
# far less between runs; but neither does waiting for PostgreSQL (its round trips are not
# this process's CPU), so on PostgreSQL the wall clock is the figure that counts.
CLOCKS = {"wall": time.perf_counter, "cpu": time.process_time}
clock = time.perf_counter


def timed(call: Callable[[], object], requests: int) -> float:
    """Median of five rounds of `requests` calls, in milliseconds per call."""
    return statistics.median(rounds_ms(call, requests, clock=clock))


def log_in(client: FlaskClient, email: str, password: str) -> FlaskClient:
    """Log `client` in through the login form, as a browser does."""
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    data = {"email": email, "password": password}
    if token is not None:
        data["csrf_token"] = token.group(1)
    response = client.post("/login", data=data)
    if response.status_code != 302:
        raise SystemExit(f"login of {email} failed: {response.status_code}")
    return client


def checked(client: FlaskClient, path: str, **kwargs: object) -> Callable[[], object]:
    """A GET of `path` that must answer 200 (a login that expired would measure a redirect)."""

    def call() -> object:
        response = client.get(path, **kwargs)
        if response.status_code != 200:
            raise SystemExit(f"{path} answered {response.status_code}")
        return response

    return call


def profile(call: Callable[[], object], requests: int) -> None:
    call()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(requests):
        call()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(30)
    print(out.getvalue())


def wipe(url: str) -> None:
    """An empty public schema in the PostgreSQL database of `url`."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database", help="a PostgreSQL URL (its public schema is rebuilt)")
    parser.add_argument("--no-feed", action="store_true", help="skip the feed benchmark")
    parser.add_argument("--profile", help="WHO:PAGE, e.g. member:catalogue (prints cProfile)")
    parser.add_argument(
        "--clock", choices=sorted(CLOCKS), default="wall", help="cpu: this process's CPU time"
    )
    args = parser.parse_args()
    global clock
    clock = CLOCKS[args.clock]

    bare = bare_client()

    with tempfile.TemporaryDirectory() as tmp:
        if args.database:
            wipe(args.database)
        app = bench_app(args.database or Path(tmp) / "bench.sqlite3")
        app.test_cli_runner().invoke(args=["seed-demo"])
        with app.app_context():
            fair = db.session.scalars(select(Fair).order_by(Fair.starts_on)).first()
            slug, year, month = fair.slug, fair.starts_on.year, fair.starts_on.month
        clients = {"anonymous": app.test_client()}
        for who, (email, password) in LOGINS.items():
            clients[who] = log_in(app.test_client(), email, password)
        pages = {
            "catalogue": ("catalogue /", "/", {}),
            "filtered": (
                "catalogue /?q=выставка&sector=food",
                "/",
                {"query_string": {"q": "выставка", "sector": "food"}},
            ),
            "fair": (f"fair /fairs/{slug}", f"/fairs/{slug}", {}),
            "month": (f"month /calendar/{year}/{month}", f"/calendar/{year}/{month}", {}),
        }
        if args.profile:
            who, _, page = args.profile.partition(":")
            app.config["PAGE_CACHE"] = who != "anonymous"
            _name, path, kwargs = pages[page]
            profile(checked(clients[who], path, **kwargs), args.requests)
            return

        # The yardstick is measured before every row and at the end, and the median taken: on
        # a shared machine a single measurement of it can be off by half.
        bares = [timed(lambda: bare.get("/"), args.requests)]
        rows = []
        for name, path, kwargs in pages.values():
            row = []
            # Rendered every time (the first visit after a change) and from the page cache
            # (an anonymous visitor, as most are); then signed in, always rendered.
            app.config["PAGE_CACHE"] = False
            row.append(timed(checked(clients["anonymous"], path, **kwargs), args.requests))
            app.config["PAGE_CACHE"] = True
            for who in ("anonymous", "member", "staff"):
                row.append(timed(checked(clients[who], path, **kwargs), args.requests))
            rows.append((name, row))
            bares.append(timed(lambda: bare.get("/"), args.requests))
        healthz = timed(checked(clients["anonymous"], "/healthz"), args.requests)
        base = statistics.median(bares)
        spread = ", ".join(f"{ms:.3f}" for ms in bares)
        print(f"bare Flask route: {base:.3f} ms (median of {spread})")
        load = os.getloadavg()[0]
        print(f"clock: {args.clock}; load average: {load:.1f} (other work skews every figure)\n")
        print(
            "| page | anonymous, rendered | x bare | anonymous, cached | x bare "
            "| member | x bare | staff | x bare |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        for name, row in rows:
            cells = " | ".join(f"{ms:.2f} | {ms / base:.1f}" for ms in row)
            print(f"| {name} | {cells} |")
        print(f"\nhealthz: {healthz:.2f} ms, {healthz / base:.1f} x bare")

    if not args.no_feed:
        print()
        feed.main(argv=[])


if __name__ == "__main__":
    main()
