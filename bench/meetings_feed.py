"""Time a company's private calendar feed (/calendar/<token>.ics) with B2B meetings in it.

Usage: python -m bench.meetings_feed [--fairs N] [--applied N] [--meetings N] [--runs N]
                                     [--requests N] [--pg-url URL]

Fills a temporary SQLite database (and, with `--pg-url`, that PostgreSQL database too: its
public schema is wiped) with `--fairs` published fairs of 10 programme items each
(bench.feed's `fill`), lets one company apply to `--applied` of them (their programmes are in
its feed), gives one of them a B2B programme (two days, 9:00–18:00 in 15-minute slots, two
tables), and measures, in one process, on each database, the company's private feed built
with an empty cache and its 304 (ETag), first with no meeting and then with `--meetings`
meetings booked through the meetings services (each with another participant, both sides'
profiles with people, phone and email). The cold build is compared with the feeds' budget
(the default public feed built cold within 0.3 s, bench/results/feed.md), and every figure is
also given as a multiple of a bare Flask route.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from datetime import time as clock
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from bench.common import bare_client, bench_app, rounds_ms
from bench.feed import expect, fill, reset_postgres
from fairplanner import cache
from fairplanner.accounts.models import Company, Country, Role, User
from fairplanner.calendars.services import feed_token
from fairplanner.catalogue.models import Fair
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.meetings import services
from fairplanner.registrations.models import Registration, RegistrationStatus

# The feeds' budget: the default public feed (5,000 fairs) built cold (bench/results/feed.md).
BUDGET_MS = 300.0


def company(n: int, **kw: object) -> Company:
    made = Company(
        legal_name=kw.pop("legal_name", f"ООО «Вятка-Экспорт {n}»"),
        country=kw.pop("country", Country.RUSSIA),
        region="43",
        contact_person="Иванова Мария",
        phone="+78332641234",
        email=f"export{n}@vyatka.example",
        **kw,
    )
    db.session.add(made)
    user = User(email=f"member{n}@vyatka.example", role=Role.MEMBER, company=made)
    db.session.add(user)
    db.session.flush()
    return made


def apply(fair: Fair, to: Company) -> None:
    db.session.add(
        Registration(
            fair_id=fair.id,
            company_id=to.id,
            role="visitor",
            status=RegistrationStatus.APPROVED,
            delegates=[{"name": "Иванова Мария", "position": "директор"}],
            aims=["sales"],
        )
    )
    db.session.flush()


def profile(n: int) -> services.Profile:
    return services.Profile(
        offers_ru="Пиломатериалы хвойных пород, погонаж, клеёный брус",
        seeks_en="Buyers of sawn timber and dealers of wooden houses",
        attendees=[
            {"name": f"Пётр Соколов {n}", "position": "директор по продажам"},
            {"name": f"Anna Ivanova {n}", "position": "export manager"},
        ],
        phone="+375291234567",
        email=f"b2b{n}@partner.example",
    )


def prepare(applied: int) -> tuple[int, int, int]:
    """The company, applied to `applied` fairs, and the B2B fair with its programme."""
    # Fairs a week away at least: the programme's request deadline is still ahead.
    soon = minsk_today() + timedelta(days=7)
    fairs = list(
        db.session.scalars(
            select(Fair)
            .where(Fair.starts_on >= soon)
            .order_by(Fair.starts_on, Fair.id)
            .limit(applied)
        )
    )
    host = company(0, legal_name="ООО «Древ-Бел»", country=Country.BELARUS)
    for fair in fairs:
        apply(fair, host)
    fair = fairs[-1]
    staff = User(email="staff@belexpo.example", role=Role.STAFF, organizer_id=fair.organizer_id)
    db.session.add(staff)
    days = sorted({fair.starts_on, fair.ends_on})
    services.save_programme(
        fair,
        services.Settings(
            days=days,
            day_starts=clock(9),
            day_ends=clock(18),
            slot_minutes=15,
            request_deadline=datetime.combine(days[-1], clock(6), UTC),
            max_meetings=100,
        ),
        actor=staff,
    )
    services.save_tables(
        fair,
        [services.TableRow("Стол 1", "Павильон 1"), services.TableRow("Стол 2", "Павильон 1")],
        actor=staff,
    )
    services.join(fair, host, profile(0), actor=host.members[0])
    db.session.commit()
    return host.id, fair.id, staff.id


def book(host_id: int, fair_id: int, staff_id: int, count: int) -> None:
    host, fair = db.session.get(Company, host_id), db.session.get(Fair, fair_id)
    staff = db.session.get(User, staff_id)
    programme = db.session.scalars(services.queries.programme(fair.id)).one()
    slots = programme.slots()
    me = db.session.scalar(services.queries.participant_of(fair.id, host.id))
    for n in range(1, count + 1):
        partner = company(n)
        apply(fair, partner)
        other = services.join(fair, partner, profile(n), actor=partner.members[0])
        services.create_meeting(fair, me, other, starts_at=slots[n - 1], actor=staff)
    db.session.commit()


def cold(client: FlaskClient, app: Flask, path: str) -> float:
    cache.init_app(app)  # an empty cache: measure a real build
    start = time.perf_counter()
    expect(client.get(path), 200, "private feed")
    return (time.perf_counter() - start) * 1000


def measure(client: FlaskClient, app: Flask, path: str, runs: int, requests: int) -> dict:
    build = statistics.median(cold(client, app, path) for _ in range(runs))
    response = client.get(path)
    body = response.get_data()
    etag = {"If-None-Match": response.headers["ETag"]}
    not_modified = statistics.median(
        rounds_ms(lambda: expect(client.get(path, headers=etag), 304, "304"), requests, 3)
    )
    return {
        "build": build,
        "304": not_modified,
        "bytes": len(body),
        "events": body.count(b"BEGIN:VEVENT"),
        "meetings": body.count(b"UID:meeting-"),
    }


def run(label: str, url: str, args: argparse.Namespace, bare_ms: float) -> None:
    app = bench_app(url)
    client = app.test_client()
    with app.app_context():
        fill(args.fairs, minsk_today(), events_per_fair=10)
        ids = prepare(args.applied)
        token = feed_token(db.session.get(Company, ids[0])).token
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
    path = f"/calendar/{token}.ics?lang=ru"
    before = measure(client, app, path, args.runs, args.requests)
    with app.app_context():
        book(*ids, args.meetings)
    after = measure(client, app, path, args.runs, args.requests)
    if after["meetings"] != args.meetings:
        raise SystemExit(f"{after['meetings']} meetings in the feed, expected {args.meetings}")
    print(
        f"[{label}] {'private feed':34} {'events':>6} {'meetings':>8} {'bytes':>9} "
        f"{'cold ms':>8} {'x bare':>7} {'304 ms':>7} {'budget':>7}"
    )
    for name, row in (
        (f"{args.applied} fairs, no meeting", before),
        (
            f"{args.applied} fairs, {args.meetings} meetings",
            after,
        ),
    ):
        within = "within" if row["build"] <= BUDGET_MS else "OVER"
        print(
            f"[{label}] {name:34} {row['events']:6,} {row['meetings']:8} {row['bytes']:9,} "
            f"{row['build']:8.1f} {row['build'] / bare_ms:7.0f} {row['304']:7.2f} "
            f"{within:>7}"
        )
    print(
        f"[{label}] the {args.meetings} meetings add {after['build'] - before['build']:.1f} ms to "
        f"the cold build; budget {BUDGET_MS:.0f} ms (the default public feed, cold): "
        f"{after['build'] / BUDGET_MS:.0%} of it"
    )
    print()
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.meetings_feed", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--fairs", type=int, default=500)
    parser.add_argument("--applied", type=int, default=10, help="fairs the company applied to")
    parser.add_argument("--meetings", type=int, default=30)
    parser.add_argument("--runs", type=int, default=5, help="cold builds to take the median of")
    parser.add_argument("--requests", type=int, default=100, help="per round, for the 304")
    parser.add_argument("--pg-url", help="also on this PostgreSQL database (its schema is wiped)")
    args = parser.parse_args(argv)
    args.meetings = max(1, min(args.meetings, 70))  # 72 slots in the programme
    args.applied = max(1, min(args.applied, args.fairs))
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    bare = bare_client()
    bare_ms = statistics.median(rounds_ms(lambda: bare.get("/"), args.requests))
    print(f"bare Flask route: {bare_ms:.3f} ms")
    print()
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{Path(tmp) / 'feed.sqlite3'}", args, bare_ms)
    if args.pg_url:
        reset_postgres(args.pg_url)
        run("postgresql", args.pg_url, args, bare_ms)


if __name__ == "__main__":
    main()
