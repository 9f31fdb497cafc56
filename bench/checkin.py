"""Check-in under the load of a busy entrance: scans from several gates at a steady rate.

Usage: python -m bench.checkin [--pg-url URL] [--rates 20,36] [--duration 60] [--gates 8]
                               [--tickets 6000] [--other-tickets 40000] [--workers 5]

Builds a PostgreSQL database (its public schema is wiped) through the migrations: 50 fairs
(bench.feed's `fill`), the first running today with `--tickets` tickets, the others with
`--other-tickets` between them, and yesterday's entries for two thirds of the first fair's
tickets (so "first entry today" looks through real history). One staff account per gate logs
in through the login form. FairPlanner is served by gunicorn with the production settings,
and each gate (a thread with its own keep-alive connection and session) sends scans to the
check-in endpoint as the desk page does, open loop: at `rate / gates` scans per second each,
on a fixed schedule, whatever the answers take. A scan's latency counts from the moment it
was due, so a slow answer also delays (and counts against) the scans queued behind it. The
mix is a busy morning's: 88 % first entries, 8 % people scanned again, 4 % unknown codes.

Printed per rate: scans sent, answers by result, p50 / p95 / p99 / max latency, and errors;
then the same driver against a bare Flask route served alike, as the yardstick. The issue's
target: p99 under 100 ms at 20 scans/s across 8 gates.
"""

from __future__ import annotations

import argparse
import http.client
import json
import random
import re
import statistics
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.load import PG_URL, ROOT, SECRET, STAFF_PASSWORD, fetch, gunicorn, log_in

FAIR_SLUG = "fair-1"


def staff_email(gate: int) -> str:
    return f"gate{gate}@fairplanner.example"


def prepare(url: str, args: argparse.Namespace) -> list[str]:
    """The data set; returns the first fair's ticket codes in a shuffled order."""
    from bench.common import bench_app
    from bench.feed import fill, reset_postgres
    from fairplanner.accounts import services as accounts
    from fairplanner.accounts.models import Role
    from fairplanner.catalogue.models import Fair
    from fairplanner.extensions import db
    from fairplanner.i18n import minsk_today
    from fairplanner.tickets.models import CheckIn, ScanResult, Ticket
    from fairplanner.tickets.services import new_code

    reset_postgres(url)
    app = bench_app(url)
    rng = random.Random(18)
    with app.app_context():
        today = minsk_today()
        fill(50, today, events_per_fair=1)
        fairs = db.session.scalars(sa.select(Fair).order_by(Fair.id)).all()
        fair = next(f for f in fairs if f.slug == FAIR_SLUG)
        fair.starts_on, fair.ends_on = today - timedelta(days=1), today + timedelta(days=2)
        others = [f for f in fairs if f.id != fair.id]
        now = datetime.now(UTC)
        roles = ["exhibitor"] * 3 + ["visitor"] * 6 + ["press"]

        def rows(fair_id: int, n: int, start: int) -> list[dict]:
            return [
                {
                    "fair_id": fair_id,
                    "role": rng.choice(roles),
                    "code": new_code(),
                    "name": f"Участник {start + i}",
                    "search_key": f"участник {start + i}",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(n)
            ]

        db.session.execute(sa.insert(Ticket.__table__), rows(fair.id, args.tickets, 0))
        per_other = args.other_tickets // len(others)
        for n, other in enumerate(others):
            db.session.execute(
                sa.insert(Ticket.__table__), rows(other.id, per_other, (n + 1) * 100_000)
            )
        tickets = db.session.execute(
            sa.select(Ticket.id, Ticket.code).where(Ticket.fair_id == fair.id)
        ).all()
        yesterday = now - timedelta(days=1)
        history = [
            {
                "scan_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "fair_id": fair.id,
                "ticket_id": ticket_id,
                "code": code,
                "result": ScanResult.VALID.value,
                "gate": f"Вход {i % args.gates + 1}",
                "scanned_at": yesterday + timedelta(seconds=i),
                "received_at": yesterday + timedelta(seconds=i),
                "offline": False,
            }
            for i, (ticket_id, code) in enumerate(tickets[: len(tickets) * 2 // 3])
        ]
        db.session.execute(sa.insert(CheckIn.__table__), history)
        for gate in range(1, args.gates + 1):
            accounts.create_user(
                staff_email(gate), STAFF_PASSWORD, role=Role.STAFF, organizer=fair.organizer
            )
        db.session.commit()
        codes = [code for _, code in tickets]
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    rng.shuffle(codes)
    return codes


@dataclass
class Gate:
    """One entrance device: its session cookie, CSRF token and keep-alive connection."""

    number: int
    port: int
    cookie: str = ""
    token: str = ""
    latencies: list[float] = field(default_factory=list)
    results: Counter = field(default_factory=Counter)
    errors: int = 0

    def connect(self, path: str) -> None:
        self.cookie = log_in(self.port, staff_email(self.number))
        status, _, page = fetch(self.port, path, headers={"Cookie": self.cookie})
        found = re.search(rb'csrf[-_a-z]*"?\s*(?:content|value)?="([^"]+)"', page)
        if status != 200 or found is None:
            raise SystemExit(f"the desk page answered {status} without a CSRF token")
        self.token = found.group(1).decode()


def drive(gates: list[Gate], path: str, codes: list[str], rate: float, seconds: float) -> None:
    """Open loop: each gate sends its share of `rate` on a fixed schedule for `seconds`."""
    interval = len(gates) / rate
    lock = threading.Lock()
    pool = iter(codes)
    seen: list[str] = []
    rng = random.Random(7)

    def next_code() -> str:
        with lock:
            roll = rng.random()
            if roll < 0.04:
                from fairplanner.tickets.services import new_code

                return new_code()  # a code from nowhere
            if roll < 0.12 and seen:
                return rng.choice(seen)  # scanned again
            code = next(pool)
            seen.append(code)
            return code

    def run(gate: Gate, offset: float) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", gate.port, timeout=30)
        start = time.perf_counter() + offset
        n = 0
        while True:
            due = start + n * interval
            if due - start > seconds:
                break
            time.sleep(max(0.0, due - time.perf_counter()))
            body = (
                ""
                if path == "/"
                else json.dumps(
                    {
                        "scan_id": str(uuid.uuid4()),
                        "code": next_code(),
                        "gate": f"Вход {gate.number}",
                        "scanned_at": datetime.now(UTC).isoformat(),
                    }
                )
            )
            headers = {
                "Cookie": gate.cookie,
                "X-CSRFToken": gate.token,
                "Content-Type": "application/json",
                "Accept": "application/json",
            }
            try:
                if path == "/":  # the yardstick: a bare GET
                    conn.request("GET", path)
                else:
                    conn.request("POST", path, body=body.encode(), headers=headers)
                response = conn.getresponse()
                data = response.read()
                gate.latencies.append((time.perf_counter() - due) * 1000)
                if response.status != 200:
                    gate.errors += 1
                    continue
                if path == "/":
                    gate.results["ok"] += 1
                else:
                    gate.results[json.loads(data).get("result", "?")] += 1
            except (OSError, http.client.HTTPException, ValueError):
                gate.errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", gate.port, timeout=30)
            n += 1
        conn.close()

    threads = [
        threading.Thread(target=run, args=(gate, i * interval / len(gates)))
        for i, gate in enumerate(gates)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def report(label: str, gates: list[Gate], rate: float) -> str:
    latencies = sorted(x for g in gates for x in g.latencies)
    results = sum((g.results for g in gates), Counter())
    errors = sum(g.errors for g in gates)
    cuts = statistics.quantiles(latencies, n=100)
    answers = ", ".join(f"{name} {count}" for name, count in results.most_common())
    return (
        f"| {label} | {rate:g}/s | {len(latencies)} | {cuts[49]:.1f} | {cuts[94]:.1f} | "
        f"{cuts[98]:.1f} | {latencies[-1]:.1f} | {errors} | {answers} |"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg-url", default=PG_URL, help="its public schema is rebuilt")
    parser.add_argument("--rates", default="20,36", help="scans per second, all gates together")
    parser.add_argument("--duration", type=float, default=60, help="seconds per rate")
    parser.add_argument("--gates", type=int, default=8)
    parser.add_argument("--tickets", type=int, default=6000)
    parser.add_argument("--other-tickets", type=int, default=40_000)
    # Production's own count on this 2-core machine (gunicorn.conf.py: 2 × cores + 1).
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "checkin.md"))
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",")]
    if args.tickets < sum(rates) * args.duration:
        parser.error("--tickets must cover every first entry of the runs")

    started = time.perf_counter()
    codes = prepare(args.pg_url, args)
    print(f"data ready in {time.perf_counter() - started:.1f} s", flush=True)
    log = ROOT / "instance" / "bench-checkin.log"
    log.parent.mkdir(exist_ok=True)
    env = {
        "DATABASE_URL": args.pg_url,
        "SECRET_KEY": SECRET,
        "FAIRPLANNER_CONFIG": "config.ProductionConfig",
        "REDIS_URL": "",
    }
    header = (
        "| served | rate | scans | p50 ms | p95 ms | p99 ms | max ms | errors | answers |\n"
        "|---|---|---|---|---|---|---|---|---|"
    )
    lines = [header]
    desk = f"/organizer/fairs/{FAIR_SLUG}/checkin"
    with gunicorn("wsgi:app", env, args, log) as port:
        gates = [Gate(n, port) for n in range(1, args.gates + 1)]
        for gate in gates:
            gate.connect(desk)
        drive(gates, f"{desk}/scan", codes[:50], 20, 2)  # warm up both workers
        used = 50
        for rate in rates:
            gates = [Gate(g.number, port, g.cookie, g.token) for g in gates]
            share = int(rate * args.duration) + len(gates)
            drive(gates, f"{desk}/scan", codes[used : used + share], rate, args.duration)
            used += share
            lines.append(report("FairPlanner check-in (PostgreSQL)", gates, rate))
            print(lines[-1], flush=True)
    with gunicorn("bench.bare:app", {}, args, log) as bare_port:
        for rate in rates:
            gates = [Gate(n, bare_port) for n in range(1, args.gates + 1)]
            drive(gates, "/", [], rate, min(args.duration, 20))
            lines.append(report("bare Flask route (yardstick)", gates, rate))
            print(lines[-1], flush=True)
    out = Path(args.out)
    out.write_text(
        f"# Check-in load ({datetime.now(UTC):%Y-%m-%d}, `python -m bench.checkin`, "
        f"{args.gates} gates, {args.workers} gunicorn workers, {args.duration:g} s per rate)\n\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    print(f"written to {out}")


if __name__ == "__main__":
    main()
