"""Load benchmark: FairPlanner served by gunicorn, driven by wrk from another process.

Usage: python -m bench.load [--databases sqlite,postgresql] [--duration 10] [--connections 16]
                            [--pg-url URL] [--sqlite PATH] [--redis-url URL] [--out FILE]

For each database it builds the national-scale data set once (`bench.generate`: 5,000 fairs,
50,000 programme items, 20,000 companies, 200,000 applications, 3,000 of them for fair-1),
adds a staff account of fair-1's organizer, a member account and a calendar address for
company 1, then serves

- FairPlanner (`wsgi:app`, production settings) and
- a bare Flask `return "ok"` route (`bench.bare:app`), the ceiling,

each with gunicorn (`--workers`, default 2), and measures every path below with
`wrk --latency` (`--connections` open connections, default 16): anonymous, and the catalogue,
fair page and month view again signed in as the member and as the staff member (each with the
session cookie of a real login through the login form; signed-in pages are always rendered).
It prints requests per second,
p50 and p99 latency and the throughput as a share of the bare route's, as a Markdown table,
and writes the tables to `--out` (default bench/results/load.md).

wrk comes from Debian's packages (`apt-get install wrk`; `make bench-load` installs it).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench"
SECRET = "bench-secret-key-not-for-production-0123456789"  # noqa: S105 - a local benchmark
STAFF_EMAIL, STAFF_PASSWORD = "bench-staff@fairplanner.example", "bench-password-2026"
MEMBER_EMAIL = "bench-member@fairplanner.example"  # a member of company 1, same password
BIG_FAIR = "fair-1"  # bench.generate gives it 3,000 applications
FAIRS, REGISTRATIONS = 5000, 200_000


@dataclass(frozen=True)
class Target:
    name: str
    path: str
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    target: Target
    rps: float
    p50_ms: float
    p99_ms: float
    bad: int  # non-2xx/3xx responses and socket errors
    bytes_per_request: int


# The data set -------------------------------------------------------------------------------


def create_database(url: str) -> None:
    """Create the PostgreSQL database of `url` when it does not exist yet."""
    target = sa.make_url(url)
    engine = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.scalar(
                sa.text("SELECT 1 FROM pg_database WHERE datname = :name"),
                {"name": target.database},
            )
            if not exists:
                conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    finally:
        engine.dispose()


def database_ready(url: str) -> bool:
    """True when `url` holds the generated data set (so it is built only once)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            fairs = conn.scalar(sa.text("SELECT count(*) FROM fairs"))
            applications = conn.scalar(sa.text("SELECT count(*) FROM registrations"))
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        engine.dispose()
    return fairs == FAIRS and applications == REGISTRATIONS


def analyze(url: str) -> None:
    """Planner statistics, as autovacuum keeps them on a live database."""
    engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("ANALYZE"))
    finally:
        engine.dispose()


def prepare(url: str) -> str:
    """Generate the data when missing; add the staff and member accounts; return company 1's
    feed token."""
    from bench import generate
    from bench.common import bench_app
    from fairplanner.accounts import services as accounts
    from fairplanner.accounts.models import Company, Role
    from fairplanner.calendars.services import feed_token
    from fairplanner.catalogue.models import Fair
    from fairplanner.extensions import db

    if url.startswith("postgresql"):
        create_database(url)
    if not database_ready(url):
        if url.startswith("sqlite:///"):
            generate.main(["--sqlite", url.removeprefix("sqlite:///")])
        else:
            generate.main(["--url", url])
    analyze(url)
    app = bench_app(url)
    with app.app_context():
        fair = db.session.scalar(sa.select(Fair).where(Fair.slug == BIG_FAIR))
        if accounts.find_user(STAFF_EMAIL) is None:
            accounts.create_user(
                STAFF_EMAIL, STAFF_PASSWORD, role=Role.STAFF, organizer=fair.organizer
            )
        if accounts.find_user(MEMBER_EMAIL) is None:
            accounts.create_user(MEMBER_EMAIL, STAFF_PASSWORD, company=db.session.get(Company, 1))
        token = feed_token(db.session.get(Company, 1)).token
        db.session.commit()
    return token


# Servers and clients ------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(app: str, env: dict[str, str], args: argparse.Namespace, log: Path) -> Iterator[int]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        app,
        "--config",
        str(ROOT / "bench" / "gunicorn.conf.py"),  # not the production one: see there
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--timeout",
        "120",
    ]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, "LOG_JSON": "0", **env},  # no log line per request either
            stdout=out,
            stderr=out,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                status, _, _ = fetch(port, "/")
                if status < 500:
                    break
            except OSError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"gunicorn {app} did not start; see {log}")
            time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=30)


def fetch(
    port: int, path: str, *, method: str = "GET", headers: dict[str, str] | None = None, body=None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.headers, response.read()
    finally:
        conn.close()


def log_in(port: int, email: str = STAFF_EMAIL) -> str:
    """The session cookie of a real login through the form (CSRF token included)."""
    status, headers, page = fetch(port, "/login")
    cookie = _cookie(headers)
    found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        rb'name="csrf_token" value="([^"]+)"', page
    )
    if status != 200 or found is None:
        raise SystemExit("login page: no CSRF token")
    form = (
        f"csrf_token={quote(found.group(1).decode())}&email={quote(email)}"
        f"&password={quote(STAFF_PASSWORD)}"
    )
    status, headers, _ = fetch(
        port,
        "/login",
        method="POST",
        headers={"Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"},
        body=form,
    )
    if status != 302:
        raise SystemExit(f"login failed: {status}")
    jar = _merge({}, headers)
    # The page the browser lands on stores the CSRF secret in the session (a new cookie); a
    # browser keeps that cookie, so the load runs use it too (with the login's own cookie,
    # every request would make a new secret and send a new session cookie).
    _, headers, _ = fetch(port, "/", headers={"Cookie": _header(jar)})
    return _header(_merge(jar, headers))


def _cookie(headers: http.client.HTTPMessage) -> str:
    return "; ".join(h.split(";", 1)[0] for h in headers.get_all("Set-Cookie") or [])


def _merge(jar: dict[str, str], headers: http.client.HTTPMessage) -> dict[str, str]:
    """The cookies of `jar` updated by the response's Set-Cookie headers (empty ones deleted)."""
    jar = dict(jar)
    for header in headers.get_all("Set-Cookie") or []:
        name, _, value = header.split(";", 1)[0].partition("=")
        if value and value != '""':
            jar[name.strip()] = value
        else:
            jar.pop(name.strip(), None)
    return jar


def _header(jar: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in jar.items())


def wrk(port: int, target: Target, args: argparse.Namespace, duration: float) -> Result:
    command = [
        "wrk",
        f"-t{args.wrk_threads}",
        f"-c{args.connections}",
        f"-d{duration:g}s",
        "--timeout",
        "60s",
        "--latency",
    ]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://127.0.0.1:{port}{target.path}")
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return Result(
        target,
        rps=float(_match(r"Requests/sec:\s+([\d.]+)", out)),
        p50_ms=_ms(_match(r"50%\s+([\d.]+\w+)", out)),
        p99_ms=_ms(_match(r"99%\s+([\d.]+\w+)", out)),
        bad=sum(int(n) for n in re.findall(r"(?:Non-2xx or 3xx responses|timeout):?\s+(\d+)", out))
        + sum(int(n) for n in re.findall(r"(?:connect|read|write) (\d+)", out)),
        bytes_per_request=0,
    )


def median_run(port: int, target: Target, args: argparse.Namespace) -> Result:
    """`--repeat` runs of wrk; the one with the median request rate (this machine is shared:
    a single run now and then loses a third of its rate to something else)."""
    runs = sorted(
        (wrk(port, target, args, args.duration) for _ in range(max(1, args.repeat))),
        key=lambda r: r.rps,
    )
    return runs[len(runs) // 2]


def _match(pattern: str, text: str) -> str:
    found = re.search(pattern, text)
    if found is None:
        raise SystemExit(f"unexpected wrk output:\n{text}")
    return found.group(1)


def _ms(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000, "m": 60_000}[unit]


# The run ------------------------------------------------------------------------------------


def targets(port: int, token: str, cookie: str, member: str) -> list[Target]:
    """Every path, checked once (status) before it is measured."""
    search = quote("продэкспо")
    feed = "/calendar.ics?lang=ru"
    status, headers, _ = fetch(port, feed)  # builds the feed (and fills that worker's cache)
    etag = headers.get("ETag", "")
    staff = {"Cookie": cookie}
    month = (datetime.now(UTC).date().replace(day=1) + timedelta(days=31)).replace(day=1)
    attendees = f"/organizer/fairs/{BIG_FAIR}/registrations"
    found = [
        Target("catalogue, first page", "/"),
        Target("catalogue, sector + city", "/?sector=food&city=minsk"),
        Target("catalogue, Cyrillic search", f"/?q={search}"),
        Target("fair page", "/fairs/fair-2500"),
        Target("month view (next month)", f"/calendar/{month.year}/{month.month}"),
        Target("public feed, one event per fair (5,000)", feed),
        Target("public feed, 304", feed, 304, {"If-None-Match": etag}),
        Target("company's private feed", f"/calendar/{token}.ics"),
        Target("attendee list (3,000)", attendees, 200, staff),
        Target("attendee CSV (3,000)", f"{attendees}.csv", 200, staff),
    ]
    # Signed in: no page cache, every request rendered for its user.
    for who, headers in (("member", {"Cookie": member}), ("staff", staff)):
        found += [
            Target(f"catalogue, first page ({who})", "/", 200, headers),
            Target(f"fair page ({who})", "/fairs/fair-2500", 200, headers),
            Target(f"month view ({who})", f"/calendar/{month.year}/{month.month}", 200, headers),
        ]
    for target in found:
        status, headers, body = fetch(port, target.path, headers=target.headers)
        if "Cookie" in target.headers and headers.get_all("Set-Cookie"):
            raise SystemExit(f"{target.name}: a new cookie on every request (not a browser's)")
        if status != target.status:
            raise SystemExit(f"{target.name}: {target.path} answered {status}")
        html = not target.path.endswith(".csv")
        if "Cookie" in target.headers and html and b'action="/logout"' not in body:
            raise SystemExit(f"{target.name}: {target.path} was not served signed in")
    return found


def run(kind: str, url: str, args: argparse.Namespace, log: Path) -> list[Result]:
    started = time.perf_counter()
    token = prepare(url)
    print(f"[{kind}] data ready in {time.perf_counter() - started:.1f} s", flush=True)
    env = {
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "FAIRPLANNER_CONFIG": "config.ProductionConfig",
        "REDIS_URL": args.redis_url or "",
    }
    results = []
    with gunicorn("bench.bare:app", {}, args, log) as bare_port:
        bare = Target("bare Flask route (ceiling)", "/")
        wrk(bare_port, bare, args, min(args.duration, 3))  # warm up
        results.append(median_run(bare_port, bare, args))
    with gunicorn("wsgi:app", env, args, log) as port:
        cookie, member = log_in(port), log_in(port, MEMBER_EMAIL)
        for target in targets(port, token, cookie, member):
            if args.only and not any(word in target.name for word in args.only.split(",")):
                continue
            wrk(port, target, args, min(args.duration, 3))  # warm up: caches of both workers
            result = median_run(port, target, args)
            _, _, body = fetch(port, target.path, headers=target.headers)
            results.append(
                Result(**{**result.__dict__, "bytes_per_request": len(body)})  # type: ignore[arg-type]
            )
            print(f"[{kind}] {_row(result, results[0])}", flush=True)
    return results


def build_line(url: str) -> str:
    lines = []
    for name, path in (
        ("Public feed", "/calendar.ics?lang=ru"),
        ("Public feed with programmes", "/calendar.ics?lang=ru&detail=programme"),
    ):
        ms, size, events = uncached_build(url, path)
        lines.append(
            f"{name} built with an empty cache (in-process, median of 3): **{ms:,.0f} ms** "
            f"for {events:,} events, {size / 1e6:.1f} MB."
        )
    return "\n\n".join(lines)


def uncached_build(
    url: str, path: str = "/calendar.ics?lang=ru", runs: int = 3
) -> tuple[float, int, int]:
    """The public feed at `path` built with an empty cache, in this process: median ms, bytes
    and events (the same request the servers answered, minus the network)."""
    import config
    from fairplanner import create_app

    app = create_app(config.DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url)
    client = app.test_client()
    times, body = [], b""
    for _ in range(runs):
        app.extensions["cache"].clear()
        started = time.perf_counter()
        body = client.get(path).get_data()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), len(body), body.count(b"BEGIN:VEVENT")


def _row(result: Result, bare: Result) -> str:
    share = result.rps / bare.rps * 100 if bare.rps else 0
    return (
        f"| {result.target.name} | {result.rps:,.0f} | {result.p50_ms:.1f} | "
        f"{result.p99_ms:.1f} | {share:.1f}% | {result.bad} |"
    )


def table(kind: str, results: list[Result], args: argparse.Namespace) -> str:
    bare = results[0]
    lines = [
        f"### {kind}",
        "",
        "| path | requests/s | p50 ms | p99 ms | of bare route | errors |",
        "|---|---:|---:|---:|---:|---:|",
        *(_row(r, bare) for r in results),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.load", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--pg-url", default=PG_URL, help="its public schema is rebuilt")
    parser.add_argument("--sqlite", default=str(ROOT / "instance" / "bench.sqlite3"))
    parser.add_argument("--redis-url", default=None, help="REDIS_URL for the app servers")
    parser.add_argument("--duration", type=float, default=10, help="seconds per path")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", help="gunicorn's own default")
    parser.add_argument("--threads", type=int, default=1, help="per worker (gthread)")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per path; the one with the median rate counts"
    )
    parser.add_argument("--only", help="measure only the paths whose names contain these words")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "load.md"))
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install wrk (or make bench-load)")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    log = out.with_suffix(".log")
    log.write_text("")
    urls = {"sqlite": f"sqlite:///{Path(args.sqlite).resolve()}", "postgresql": args.pg_url}
    load_before = os.getloadavg()[0]  # other work on the machine skews every figure
    tables = []
    for kind in args.databases.split(","):
        if kind not in urls:
            raise SystemExit(f"unknown database {kind!r}: sqlite or postgresql")
        results = run(kind, urls[kind], args, log)
        tables.append(f"{table(kind, results, args)}\n\n{build_line(urls[kind])}")
    header = (
        f"## Load benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n"
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}; gunicorn "
        f"{args.workers} workers ({args.worker_class}, {args.threads} threads), wrk "
        f"{args.wrk_threads} threads, {args.connections} connections, {args.duration:g} s per "
        f"run, median of {args.repeat} run(s) per path; cache: "
        f"{'Redis' if args.redis_url else 'in-process memory'}; load average "
        f"{load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end."
    )
    report = "\n\n".join([header, *tables]) + "\n"
    out.write_text(report)
    print()
    print(report)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
