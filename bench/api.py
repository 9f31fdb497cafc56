"""Time the REST API in-process: the public reads, a revalidation, and the token's calls.

Usage: python -m bench.api [--fairs N] [--requests N] [--database URL]

Fills a scratch SQLite file (or the PostgreSQL database of `--database`: its public schema is
rebuilt) with `--fairs` published fairs (bench.feed's `fill`), a company member with a write
token and a staff member with a read token, then prints the median in-process milliseconds per
request, each with the ratio to a bare Flask `return "ok"` route measured in the same run
(bench.common):

- `GET /api/v1/fairs` (first page of 20, a search, a third page by cursor) and a fair with its
  programme, as stored answers (fairplanner.api.stored) and, first, with the store emptied
  before each call (the view's queries and the JSON); the fair revalidated with If-None-Match
  (304, no view run);
- `/api/v1/me` with a token (the token's lookup in every call), and the same call without it
  (the 401: the cost of authentication alone);
- an application's edit through `PATCH` (the page's form and service, history row, commit).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from pathlib import Path

import sqlalchemy as sa

from bench.common import bare_client, bench_app, rounds_ms
from bench.feed import fill, reset_postgres


def prepare(app, fairs: int) -> dict[str, str]:
    from fairplanner.accounts import apitokens
    from fairplanner.accounts.models import Company, Country, Role, TokenScope, User
    from fairplanner.catalogue.models import Fair
    from fairplanner.extensions import db
    from fairplanner.i18n import minsk_today
    from fairplanner.registrations.models import (
        Registration,
        RegistrationRole,
        RegistrationStatus,
        StandType,
    )

    with app.app_context():
        fill(fairs, minsk_today())
        db.session.commit()
        company = Company(
            legal_name="ООО «Вятка-Лес»",
            country=Country.RUSSIA,
            region="43",
            tax_id="4345000011",
            contact_person="Иванова Мария",
            phone="+78332641234",
            email="export@vyatka.example",
        )
        member = User(email="member@bench.example", role=Role.MEMBER, company=company)
        staff = User(email="staff@bench.example", role=Role.STAFF)
        db.session.add_all([company, member, staff])
        db.session.flush()
        today = minsk_today()
        fair = db.session.scalar(
            sa.select(Fair)
            .where(Fair.registration_opens_on <= today, Fair.registration_deadline >= today)
            .order_by(Fair.starts_on)
        )
        registration = Registration(
            fair=fair,
            company=company,
            role=RegistrationRole.EXHIBITOR,
            status=RegistrationStatus.SUBMITTED,
            stand_type=StandType.INDOOR,
            area=fair.stand_area_min,
        )
        db.session.add(registration)
        _t, write = apitokens.create_token(
            member, name="bench", scope=TokenScope.WRITE, lifetime_days=30
        )
        _t, read = apitokens.create_token(
            staff, name="bench", scope=TokenScope.READ, lifetime_days=30
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # Statistics, as autovacuum would gather after such a load: without them the
            # planner guesses 8 fairs and joins all 5,000 before sorting (100 ms, not 1).
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
        return {
            "write": write,
            "read": read,
            "fair": fair.slug,
            "application": str(registration.id),
            "low": str(fair.stand_area_min),
            "high": str(fair.stand_area_max),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fairs", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--database", help="a PostgreSQL URL (its public schema is rebuilt)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.database:
            reset_postgres(args.database)
            app = bench_app(args.database, RATELIMIT_ENABLED=False)
        else:
            app = bench_app(Path(folder) / "bench.sqlite", RATELIMIT_ENABLED=False)
        found = prepare(app, args.fairs)
        client = app.test_client()
        yardstick = bare_client()
        bare = statistics.mean(rounds_ms(lambda: yardstick.get("/"), args.requests * 20))
        member = {"Authorization": f"Bearer {found['write']}"}
        first = client.get("/api/v1/fairs").json
        cursor = client.get("/api/v1/fairs", query_string={"cursor": first["next_cursor"]}).json
        fair_path = f"/api/v1/fairs/{found['fair']}"
        etag = client.get(fair_path).headers["ETag"]
        areas = [found["low"], found["high"]]
        turn = iter(range(10**9))

        def uncached(path: str) -> object:
            app.extensions["cache"].clear()  # the stored answers (fairplanner.api.stored)
            return client.get(path)

        calls = {
            "fairs, not stored": (lambda: uncached("/api/v1/fairs"), 200),
            "one fair, not stored": (lambda: uncached(fair_path), 200),
            "fairs, first page": (lambda: client.get("/api/v1/fairs"), 200),
            "fairs, search": (lambda: client.get("/api/v1/fairs?q=выставка"), 200),
            "fairs, page 3": (
                lambda: client.get("/api/v1/fairs", query_string={"cursor": cursor["next_cursor"]}),
                200,
            ),
            "one fair": (lambda: client.get(fair_path), 200),
            "one fair, 304": (lambda: client.get(fair_path, headers={"If-None-Match": etag}), 304),
            "/me, token": (lambda: client.get("/api/v1/me", headers=member), 200),
            "/me, no token (401)": (lambda: client.get("/api/v1/me"), 401),
            "PATCH application": (
                lambda: client.patch(
                    f"/api/v1/company/applications/{found['application']}",
                    json={"area": float(areas[next(turn) % 2])},
                    headers=member,
                ),
                200,
            ),
        }
        where = "PostgreSQL" if args.database else "SQLite"
        print(f"{args.fairs} fairs, {where}; bare Flask route: {bare:.3f} ms")
        for name, (call, status) in calls.items():
            response = call()
            assert response.status_code == status, (name, response.status_code, response.json)
            ms = statistics.median(rounds_ms(call, args.requests))
            print(f"{name:22} {ms:8.2f} ms  {ms / bare:8.0f}× bare")


if __name__ == "__main__":
    main()
