"""Time the public calendar feed (/calendar.ics) on a large catalogue.

Usage: python -m bench.feed [--fairs N] [--events N] [--runs N] [--requests N]
                            [--pg-url URL] [--profile]

Fills a temporary SQLite database (and, with `--pg-url`, that PostgreSQL database too: its
public schema is wiped) with `--fairs` published fairs, each with one or two sectors and
`--events` programme items (10, as bench.generate: 55,000 events at 5,000 fairs), using bulk
Core inserts, then measures, in one process, on each database:

- the default feed (`GET /calendar.ics?lang=ru`, one event per fair) and the programme feed
  (`&detail=programme`), each built with an empty cache: median milliseconds, plain and gzip
  bytes, VEVENTs, also with `Accept-Encoding: gzip` (building and compressing);
- the 304 path with `If-None-Match` (the ETag of the first response);
- the 304 path with `If-Modified-Since` (its Last-Modified);
- a bare Flask `return "ok"` route, as the yardstick every figure is divided by.

`--profile` adds a cProfile of one full build (top functions by cumulative time).
"""

from __future__ import annotations

import argparse
import cProfile
import gzip
import io
import os
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import insert
from werkzeug.test import TestResponse

from bench.common import bare_client, bench_app, rounds_ms
from fairplanner import cache
from fairplanner.catalogue.models import (
    City,
    Fair,
    Organizer,
    ProgrammeEvent,
    Sector,
    Venue,
    fair_sectors,
)
from fairplanner.catalogue.search.index import reindex
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today
from fairplanner.text import fold

FEED = "/calendar.ics"
QUERY = {"lang": "ru"}
GZIP = {"Accept-Encoding": "gzip"}

CITIES = [
    ("minsk", "Минск", "Minsk", "minsk-city"),
    ("brest", "Брест", "Brest", "brest"),
    ("vitebsk", "Витебск", "Vitebsk", "vitebsk"),
    ("gomel", "Гомель", "Gomel", "gomel"),
    ("grodno", "Гродно", "Grodno", "grodno"),
    ("mogilev", "Могилёв", "Mogilev", "mogilev"),
]
SECTORS = [
    ("food", "Продукты питания", "Food"),
    ("agro", "Сельское хозяйство", "Agriculture"),
    ("machinery", "Машиностроение", "Machinery"),
    ("it", "Информационные технологии", "IT"),
    ("build", "Строительство", "Construction"),
    ("textile", "Лёгкая промышленность", "Textiles"),
    ("medical", "Медицина", "Medicine"),
    ("energy", "Энергетика", "Energy"),
]
TOPICS = [
    ("Продэкспо", "Prodexpo"),
    ("Белагро", "Belagro"),
    ("ТИБО", "TIBO"),
    ("Стройэкспо", "Stroyexpo"),
    ("Текстильлегпром", "Textile Light Industry"),
    ("Здравоохранение Беларуси", "Healthcare of Belarus"),
    ("Энергетика и экология", "Energy and Ecology"),
    ("Машиностроение", "Mechanical Engineering"),
]
DESCRIPTION_RU = (
    "Ежегодная международная специализированная выставка-ярмарка «{topic}». Экспозиция "
    "объединяет производителей, дистрибьюторов и торговые сети Беларуси и соседних стран. "
    "В программе — деловые встречи, семинары, презентации новинок и конкурс лучших "
    "экспонатов. Площадь экспозиции — более пяти тысяч квадратных метров, №{n}."
)
DESCRIPTION_EN = (
    "The annual international trade fair “{topic}” brings together manufacturers, "
    "distributors and retail chains from Belarus and neighbouring countries, with B2B "
    "meetings, seminars and product presentations. Edition no. {n}."
)
EVENT_TITLES = [
    ("Торжественное открытие", "Opening ceremony", "opening"),
    ("Деловой семинар", "Business seminar", "seminar"),
    ("Биржа деловых контактов", "B2B matchmaking", "b2b"),
    ("Презентация новинок", "Product presentation", "presentation"),
]


def fill(n_fairs: int, today: date, *, events_per_fair: int = 4) -> dict[str, int]:
    """Bulk-insert the reference rows and `n_fairs` published fairs; return the row counts."""
    now = datetime.now(UTC)
    session = db.session
    session.execute(
        insert(City.__table__),
        [
            {"id": i, "slug": slug, "name_ru": ru, "name_en": en, "oblast": oblast}
            for i, (slug, ru, en, oblast) in enumerate(CITIES, 1)
        ],
    )
    venues = [
        {
            "id": i,
            "slug": f"venue-{i}",
            "name_ru": f"Выставочный центр «Экспо-{i}»",
            "name_en": f"Expo-{i} Exhibition Centre",
            "city_id": (i - 1) % len(CITIES) + 1,
            "address_ru": f"пр. Победителей, {i}",
            "address_en": f"{i} Pobediteley Ave",
            "latitude": 53.9 + i / 100,
            "longitude": 27.5 + i / 100,
        }
        for i in range(1, 13)
    ]
    session.execute(insert(Venue.__table__), venues)
    organizers = [
        {
            "id": i,
            "slug": f"organizer-{i}",
            "name_ru": f"ООО «Выставочная компания {i}»",
            "name_en": f"Exhibition Company {i} LLC",
            "short_name_ru": f"ВК-{i}",
            "short_name_en": f"EC-{i}",
            "website": f"https://organizer-{i}.example.by",
        }
        for i in range(1, 9)
    ]
    session.execute(insert(Organizer.__table__), organizers)
    session.execute(
        insert(Sector.__table__),
        [
            {"id": i, "code": code, "name_ru": ru, "name_en": en}
            for i, (code, ru, en) in enumerate(SECTORS, 1)
        ],
    )

    fairs, links, events = [], [], []
    opens = today - timedelta(days=30)
    for i in range(1, n_fairs + 1):
        topic_ru, topic_en = TOPICS[i % len(TOPICS)]
        starts = today + timedelta(days=1 + (i * 365) // n_fairs)  # the next twelve months
        ends = starts + timedelta(days=i % 4)
        name_ru = f"Выставка «{topic_ru}-{today.year}» №{i}"
        name_en = f"{topic_en} {today.year} no. {i}"
        description_ru = DESCRIPTION_RU.format(topic=topic_ru, n=i)
        description_en = DESCRIPTION_EN.format(topic=topic_en, n=i)
        fairs.append(
            {
                "id": i,
                "slug": f"fair-{i}",
                "name_ru": name_ru,
                "name_en": name_en,
                "description_ru": description_ru,
                "description_en": description_en,
                "kind": ("exhibition", "fair", "forum")[i % 3],
                "starts_on": starts,
                "ends_on": ends,
                "venue_id": i % len(venues) + 1,
                "organizer_id": i % len(organizers) + 1,
                "status": "published",
                "registration_opens_on": opens,
                "registration_deadline": max(opens, starts - timedelta(days=7)),
                "capacity": 100 + i % 200,
                "capacity_unit": "stands",
                "stand_area_min": 4,
                "stand_area_max": 500,
                "website": None,
                "search_name": fold(f"{name_ru} {name_en}"),
                "search_body": fold(f"{description_ru} {description_en}"),
                "created_at": now - timedelta(days=60, seconds=i),
                "updated_at": now - timedelta(days=1, seconds=i),
                "revision": 1,
            }
        )
        first = i % len(SECTORS) + 1
        links.append({"fair_id": i, "sector_id": first})
        if i % 2:
            links.append({"fair_id": i, "sector_id": (first % len(SECTORS)) + 1})
        for k in range(events_per_fair):
            title_ru, title_en, kind = EVENT_TITLES[k % len(EVENT_TITLES)]
            day = starts + timedelta(days=min(k // 2, (ends - starts).days))
            # 10:00 and 14:00 in Minsk (UTC+3), as aware UTC datetimes.
            begin = datetime(day.year, day.month, day.day, 7 + 4 * (k % 2), tzinfo=UTC)
            events.append(
                {
                    "fair_id": i,
                    "title_ru": title_ru,
                    "title_en": title_en,
                    "description_ru": f"{title_ru} в рамках выставки «{topic_ru}».",
                    "description_en": f"{title_en} at {topic_en}.",
                    "starts_at": begin,
                    "ends_at": begin + timedelta(hours=2),
                    "hall_ru": f"Зал {k % 8 + 1}",
                    "hall_en": f"Hall {k % 8 + 1}",
                    "kind": kind,
                    "created_at": now - timedelta(days=60),
                    "updated_at": now - timedelta(days=2),
                    "revision": 1,
                }
            )
    session.execute(insert(Fair.__table__), fairs)
    session.execute(insert(fair_sectors), links)
    session.execute(insert(ProgrammeEvent.__table__), events)
    # Bulk inserts pass the session hook by: the search terms are made in one pass.
    reindex(session.connection())
    session.commit()
    return {"fairs": len(fairs), "fair_sectors": len(links), "programme_events": len(events)}


def expect(response: TestResponse, status: int, what: str) -> TestResponse:
    if response.status_code != status:
        raise SystemExit(f"{what}: expected HTTP {status}, got {response.status}")
    return response


def per_request(call: Callable[[], object], requests: int, rounds: int = 5) -> float:
    """Median of `rounds` rounds of `requests` calls, in milliseconds per call."""
    return statistics.median(rounds_ms(call, requests, rounds))


def reset_postgres(url: str) -> None:
    """An empty public schema on the PostgreSQL database of `url` (created when missing)."""
    from bench.load import create_database

    create_database(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def cold(client: FlaskClient, app: Flask, query: dict[str, str], headers: dict[str, str]) -> float:
    """One request with an empty cache, in milliseconds."""
    cache.init_app(app)  # an empty feed cache: measure a real build
    start = time.perf_counter()
    expect(client.get(FEED, query_string=query, headers=headers), 200, f"feed {query}")
    return (time.perf_counter() - start) * 1000


@dataclass
class Variant:
    name: str
    query: dict[str, str]
    build_ms: float = 0.0
    gzip_ms: float = 0.0
    plain: int = 0
    gzip: int = 0
    events: int = 0
    encoded: bool = False  # whether the app compressed it (False: gzip size computed here)


def measure(client: FlaskClient, app: Flask, variant: Variant, runs: int) -> TestResponse:
    plain_runs = [cold(client, app, variant.query, {}) for _ in range(runs)]
    gzip_runs = [cold(client, app, variant.query, GZIP) for _ in range(runs)]
    variant.build_ms = statistics.median(plain_runs)
    variant.gzip_ms = statistics.median(gzip_runs)
    response = client.get(FEED, query_string=variant.query)
    body = response.get_data()
    variant.plain, variant.events = len(body), body.count(b"BEGIN:VEVENT")
    packed = client.get(FEED, query_string=variant.query, headers=GZIP)
    variant.encoded = packed.headers.get("Content-Encoding") == "gzip"
    if variant.encoded:
        variant.gzip = len(packed.get_data())
        if gzip.decompress(packed.get_data()) != body:
            raise SystemExit(f"{variant.name}: the gzip body is not the plain one compressed")
    else:  # an app that does not compress: what gzip would make of it
        variant.gzip = len(gzip.compress(body, mtime=0))
    return response


def run(label: str, url: str, args: argparse.Namespace, bare_ms: float) -> None:
    app = bench_app(url)
    with app.app_context():
        start = time.perf_counter()
        counts = fill(args.fairs, minsk_today(), events_per_fair=args.events)
        fill_s = time.perf_counter() - start
        if db.engine.dialect.name == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()
    client = app.test_client()
    print(
        f"[{label}] filled {counts['fairs']} fairs, {counts['fair_sectors']} sector links, "
        f"{counts['programme_events']} programme items in {fill_s:.2f} s"
    )
    runs, requests = args.runs, args.requests
    default = Variant("default feed (one event per fair)", QUERY)
    programme = Variant("programme feed (?detail=programme)", {**QUERY, "detail": "programme"})
    first = measure(client, app, default, runs)
    measure(client, app, programme, runs)
    if programme.events != counts["fairs"] + counts["programme_events"]:
        raise SystemExit(f"programme feed: {programme.events} VEVENTs, expected more")

    etag, last_modified = first.headers["ETag"], first.headers["Last-Modified"]
    by_etag = {"If-None-Match": etag}
    by_date = {"If-Modified-Since": last_modified}

    def not_modified_etag() -> TestResponse:
        return expect(client.get(FEED, query_string=QUERY, headers=by_etag), 304, "ETag")

    def not_modified_date() -> TestResponse:
        response = client.get(FEED, query_string=QUERY, headers=by_date)
        return expect(response, 304, "If-Modified-Since")

    def cached_default() -> TestResponse:
        return expect(client.get(FEED, query_string=QUERY, headers=GZIP), 200, "cached")

    cached_ms = per_request(cached_default, max(1, requests // 10), rounds=3)
    etag_ms = per_request(not_modified_etag, requests)
    date_ms = per_request(not_modified_date, max(1, requests // 4), rounds=3)

    print()
    print(f"[{label}] {'feed':36} {'events':>7} {'plain':>12} {'gzip':>11} {'cold ms':>8}")
    for v in (default, programme):
        note = "" if v.encoded else "  (not served compressed; gzip size computed)"
        print(
            f"[{label}] {v.name:36} {v.events:7,} {v.plain:12,} {v.gzip:11,} "
            f"{v.build_ms:8,.0f}{note}"
        )
    print()
    print(f"[{label}] {'path':42} {'status':>6} {'ms/request':>11} {'x bare':>8}")
    rows = [
        ("bare Flask route", 200, bare_ms),
        ("304 If-None-Match (ETag)", 304, etag_ms),
        ("304 If-Modified-Since", 304, date_ms),
        ("200 default feed, built cold", 200, default.build_ms),
        ("200 default feed gzip, built cold", 200, default.gzip_ms),
        ("200 default feed gzip, from the cache", 200, cached_ms),
        ("200 programme feed, built cold", 200, programme.build_ms),
        ("200 programme feed gzip, built cold", 200, programme.gzip_ms),
    ]
    for name, status, ms in rows:
        print(f"[{label}] {name:42} {status:>6} {ms:11.2f} {ms / bare_ms:8.1f}")
    print()

    if args.profile:
        cache.init_app(app)  # profile a real build, not a cache hit
        profiler = cProfile.Profile()
        profiler.runcall(lambda: client.get(FEED, query_string=programme.query))
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("cumulative")
        stats.print_stats(30)
        print(out.getvalue())
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.feed", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--fairs", type=int, default=5000)
    parser.add_argument("--events", type=int, default=10, help="programme items per fair")
    parser.add_argument("--runs", type=int, default=3, help="cold builds to take the median of")
    parser.add_argument("--requests", type=int, default=100, help="per round, for the 304 paths")
    parser.add_argument(
        "--pg-url", help="also on this PostgreSQL database (its public schema is wiped)"
    )
    parser.add_argument("--profile", action="store_true", help="cProfile one programme build")
    args = parser.parse_args(argv)
    args.runs, args.requests = max(1, min(args.runs, 9)), max(1, min(args.requests, 2000))

    # Other processes on the machine make every figure larger: say how busy it was.
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    bare = bare_client()
    bare_ms = per_request(lambda: expect(bare.get("/"), 200, "bare"), args.requests)
    with tempfile.TemporaryDirectory() as tmp:
        run("sqlite", f"sqlite:///{Path(tmp) / 'feed.sqlite3'}", args, bare_ms)
    if args.pg_url:
        reset_postgres(args.pg_url)
        run("postgresql", args.pg_url, args, bare_ms)


if __name__ == "__main__":
    main()
