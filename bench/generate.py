"""Fill a database at the scale of a national catalogue with years of history.

Usage: python -m bench.generate [--url DATABASE_URL] [--sqlite PATH] [--fairs N] ...

5,000 fairs with 50,000 programme items, 20,000 companies and 200,000 registrations, one fair
holding 3,000 of them (the attendee-list and export benchmarks use it). Bulk Core inserts; on
PostgreSQL the schema is wiped first. Prints the time taken.
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import insert

from bench.common import bench_app
from bench.feed import fill
from fairplanner.accounts.models import Company
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.registrations.models import Registration
from fairplanner.text import fold

BATCH = 20_000
BIG_FAIR = 1  # the fair with thousands of applications


def inn(serial: int) -> str:
    """A 10-digit ИНН with a correct check digit (Kirov region, code 43)."""
    digits = [int(d) for d in f"43{serial:07d}"]
    check = sum(w * d for w, d in zip((2, 4, 10, 3, 5, 9, 4, 6, 8), digits, strict=True))
    return "".join(map(str, digits)) + str(check % 11 % 10)


def companies(n: int, now: datetime) -> list[dict]:
    rows = []
    for i in range(1, n + 1):
        name = f"ООО «Вятка-Экспорт {i}»"
        rows.append(
            {
                "id": i,
                "legal_name": name,
                "short_name": f"Вятка-{i}",
                "country": "RU",
                "region": "43",
                "tax_id": inn(i),
                "contact_person": "Иванова Мария",
                "phone": "+78332641234",
                "email": f"export{i}@vyatka.example",
                "search_text": fold(f"{name} {inn(i)} export{i}@vyatka.example"),
                "notify_confirmations": True,
                "language": "ru",
                "created_at": now,
                "updated_at": now,
            }
        )
    return rows


def registrations(n: int, n_companies: int, n_fairs: int, big: int, now: datetime):
    """Valid applications: one active per company, fair and role."""
    rid = 0
    for company in range(1, big + 1):  # the big fair: exhibitors and visitors
        rid += 1
        yield _registration(
            rid,
            company,
            BIG_FAIR,
            "exhibitor" if company % 3 else "visitor",
            ("submitted", "approved", "waitlisted", "rejected")[company % 4],
            now,
        )
    for k in range(n - big):
        company, rounds = k % n_companies + 1, k // n_companies
        fair = (company * 7 + rounds * 500) % (n_fairs - 1) + 2
        rid += 1
        yield _registration(
            rid,
            company,
            fair,
            ("exhibitor", "visitor")[rounds % 2],
            ("submitted", "approved", "withdrawn")[k % 3],
            now,
        )


def _registration(rid: int, company: int, fair: int, role: str, status: str, now: datetime):
    exhibitor = role == "exhibitor"
    return {
        "id": rid,
        "fair_id": fair,
        "company_id": company,
        "role": role,
        "status": status,
        "stand_type": "indoor" if exhibitor else None,
        "area": 12 if exhibitor else None,
        "needs_power": exhibitor,
        "needs_water": False,
        "needs_internet": exhibitor,
        "delegates": [] if exhibitor else [{"name": "Иванов Иван", "position": "Директор"}],
        "aims": [] if exhibitor else ["purchasing"],
        "waitlist_number": rid if status == "waitlisted" else None,
        "created_at": now - timedelta(minutes=rid),
        "updated_at": now,
        "version": 1,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", help="a database URL (PostgreSQL: its public schema is wiped)")
    parser.add_argument("--sqlite", default="instance/bench.sqlite3")
    parser.add_argument("--fairs", type=int, default=5000)
    parser.add_argument("--events", type=int, default=10, help="programme items per fair")
    parser.add_argument("--companies", type=int, default=20_000)
    parser.add_argument("--registrations", type=int, default=200_000)
    parser.add_argument("--big", type=int, default=3000, help="applications for fair no. 1")
    args = parser.parse_args(argv)
    url = args.url
    if url is None:
        from pathlib import Path

        path = Path(args.sqlite)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path.resolve()}"
    elif url.startswith("postgres"):
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()
    start = time.perf_counter()
    app = bench_app(url)
    now = datetime.now(UTC)
    with app.app_context():
        counts = fill(args.fairs, minsk_today(), events_per_fair=args.events)
        db.session.execute(insert(Company.__table__), companies(args.companies, now))
        batch: list[dict] = []
        total = 0
        for row in registrations(args.registrations, args.companies, args.fairs, args.big, now):
            batch.append(row)
            if len(batch) == BATCH:
                db.session.execute(insert(Registration.__table__), batch)
                total += len(batch)
                batch = []
        if batch:
            db.session.execute(insert(Registration.__table__), batch)
            total += len(batch)
        if db.engine.dialect.name == "postgresql":  # explicit ids: move the sequences on
            for table in (
                "cities",
                "venues",
                "organizers",
                "sectors",
                "fairs",
                "companies",
                "registrations",
            ):
                db.session.execute(
                    sa.text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        db.session.commit()
        # Planner statistics, as autovacuum would gather them on a live database.
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    took = time.perf_counter() - start
    print(
        f"{counts['fairs']} fairs, {counts['programme_events']} programme items, "
        f"{args.companies} companies, {total} registrations ({args.big} for fair no. 1) "
        f"on {app.config['SQLALCHEMY_DATABASE_URI'].split('://')[0]} in {took:.1f} s"
    )


if __name__ == "__main__":
    main()
