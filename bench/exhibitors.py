"""Time a fair's exhibitor catalogue (/fairs/<slug>/exhibitors) with 3,000 exhibitors.

Usage: python -m bench.exhibitors [--exhibitors N] [--requests N] [--database URL]

Fills a scratch SQLite file (or the PostgreSQL database of `--database`: its public schema is
rebuilt) with one published fair and `--exhibitors` approved, listed exhibitors (each company
with one or two sectors and a Russian and English entry), with bulk Core inserts, then prints
the median in-process milliseconds per request of the catalogue's first page with an empty
cache (the 3,000 rows read), then from the cached cards: the first page, a middle page, a
sector filter and a search, each with the ratio to a bare Flask `return "ok"` route measured
in the same run (bench.common), so the figures compare across machines.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import insert, select

from bench.common import bare_client, bench_app, rounds_ms
from fairplanner.accounts.models import Company, Country, company_sectors
from fairplanner.catalogue.models import City, Fair, FairKind, FairStatus, Organizer, Sector, Venue
from fairplanner.exhibitors import services
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.registrations.models import (
    Registration,
    RegistrationRole,
    RegistrationStatus,
    StandType,
)
from fairplanner.text import fold

SECTORS = [
    ("food", "Продукты питания", "Food"),
    ("agro", "Сельское хозяйство", "Agriculture"),
    ("machinery", "Машиностроение", "Machinery"),
    ("forestry", "Деревообработка", "Woodworking"),
]
WORDS = ["Вятка", "Ёлка", "Агро", "Беларусь", "Техно", "Лес", "Молоко", "Север", "Неман", "Kirov"]
ENTRIES = [
    ("Комбайны и сеялки для фермерских хозяйств", "Combine harvesters and seed drills"),
    ("Пиломатериалы, погонаж, мебельный щит", "Sawn timber, mouldings, furniture boards"),
    ("Сыры, масло и сухое молоко", "Cheese, butter and milk powder"),
]


def fill(app, exhibitors: int) -> str:
    with app.app_context():
        city = City(slug="minsk", name_ru="Минск", name_en="Minsk", oblast="minsk-city")
        venue = Venue(slug="belexpo", name_ru="Белэкспо", name_en="Belexpo", city=city)
        organizer = Organizer(slug="belexpo", name_ru="Белэкспо", name_en="Belexpo")
        sectors = [Sector(code=c, name_ru=ru, name_en=en) for c, ru, en in SECTORS]
        today = minsk_today()
        fair = Fair(
            slug="belagro",
            name_ru="Белагро",
            name_en="Belagro",
            kind=FairKind.EXHIBITION,
            status=FairStatus.PUBLISHED,
            starts_on=today + timedelta(days=60),
            ends_on=today + timedelta(days=63),
            registration_opens_on=today - timedelta(days=30),
            registration_deadline=today + timedelta(days=30),
            venue=venue,
            organizer=organizer,
            sectors=sectors,
        )
        db.session.add(fair)
        db.session.commit()
        sector_ids = [s.id for s in sectors]
        companies, links, registrations = [], [], []
        for n in range(1, exhibitors + 1):
            name = f"ООО «{WORDS[n % len(WORDS)]} {WORDS[(n // 10) % len(WORDS)]} {n}»"
            companies.append(
                {
                    "id": n,
                    "legal_name": name,
                    "country": (Country.BELARUS if n % 3 else Country.RUSSIA).value,
                    "region": "minsk" if n % 3 else "43",
                    "tax_id": f"{n:09d}",
                    "slug": f"company-{n}",
                    "website": f"https://c{n}.example",
                    "search_text": fold(name),
                }
            )
            links.append({"company_id": n, "sector_id": sector_ids[n % len(sector_ids)]})
            if n % 2:
                links.append({"company_id": n, "sector_id": sector_ids[(n + 1) % len(sector_ids)]})
            ru, en = ENTRIES[n % len(ENTRIES)]
            registrations.append(
                {
                    "fair_id": fair.id,
                    "company_id": n,
                    "role": RegistrationRole.EXHIBITOR.value,
                    "status": RegistrationStatus.APPROVED.value,
                    "stand_type": StandType.INDOOR.value,
                    "area": 12,
                    "entry_ru": ru,
                    "entry_en": en if n % 4 else None,
                    "version": 1,
                }
            )
        db.session.execute(insert(Company.__table__), companies)
        db.session.execute(insert(company_sectors), links)
        db.session.execute(insert(Registration.__table__), registrations)
        db.session.commit()
        shown = db.session.scalar(select(sa.func.count()).select_from(Registration))
        assert shown == exhibitors
        return fair.slug


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--exhibitors", type=int, default=3000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database", help="a PostgreSQL URL (its public schema is rebuilt)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.database:
            engine = sa.create_engine(args.database)
            with engine.begin() as conn:
                conn.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            engine.dispose()
            app = bench_app(args.database)
        else:
            app = bench_app(Path(folder) / "bench.sqlite")
        slug = fill(app, args.exhibitors)
        client = app.test_client()
        yardstick = bare_client()
        bare = statistics.mean(rounds_ms(lambda: yardstick.get("/"), args.requests * 50))
        pages = {
            "first page": f"/fairs/{slug}/exhibitors",
            "page 50": f"/fairs/{slug}/exhibitors?page=50",
            "sector filter": f"/fairs/{slug}/exhibitors?sector=agro",
            "search": f"/fairs/{slug}/exhibitors?q=%D0%BA%D0%BE%D0%BC%D0%B1%D0%B0%D0%B9%D0%BD",
        }
        print(f"{args.exhibitors} exhibitors; bare Flask route: {bare:.3f} ms")

        def cold() -> object:
            app.extensions["cache"].clear()
            services._parsed_cards.clear()
            return client.get(pages["first page"])

        ms = statistics.median(rounds_ms(cold, max(args.requests // 4, 2)))
        print(f"{'cache empty':14} {ms:8.1f} ms  {ms / bare:8.0f}× bare (first page, rows read)")
        for name, url in pages.items():
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            ms = statistics.median(rounds_ms(lambda url=url: client.get(url), args.requests))
            print(f"{name:14} {ms:8.1f} ms  {ms / bare:8.0f}× bare")


if __name__ == "__main__":
    main()
