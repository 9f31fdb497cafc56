"""Search: relevance on the demo catalogue and speed at national scale, on each database.

Usage: python -m bench.search [--pg-url URL] [--fairs N] [--requests N] [--relevance-only]

For SQLite (a scratch file) and, with `--pg-url` (or BENCH_DATABASE_URL), PostgreSQL (its public
schema is wiped):

1. the demo catalogue (`flask seed-demo`): the share of each relevance set (the author's
   fairplanner/demo/relevance.json, the reviewer's relevance-heldout.json) with an expected
   fair among the first five results of `/?q=…`, by kind of query, and the queries missed;
2. `--fairs` generated fairs (bench.feed.fill, as bench.generate makes them): milliseconds per
   search — the catalogue's two statements (count and first page, as `/` runs them) — and
   per rendered catalogue page, with the ratio to a bare Flask route.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from flask import Flask

from bench.common import bare_client, bench_app, rounds_ms
from fairplanner.catalogue import queries
from fairplanner.demo.relevance import SETS, load_queries, score
from fairplanner.extensions import db
from fairplanner.i18n import minsk_today

SEARCHES = [
    "выставка",  # in every generated fair
    "Белагро",
    "выставки машиностроения",
    "Homiel",
    "Мінск энергетика",
    "exhibition of the furniture industry",
    "белогро",  # a typo: the fuzzy fallback
    "ярмарок Гомеля",  # a fleeting-vowel plural: a generic word
    "Белагро машиностроение",  # both known, never together: the relaxed fallback
    "IT forum Minsk",  # it -> ict
    "zzzz-nothing-like-this",
]


def timed(call: Callable[[], object], requests: int) -> tuple[float, float]:
    """Median and best of five rounds of `requests` calls, in milliseconds per call (the best
    round shows the cost on a quiet machine, the median what a busy one gives)."""
    rounds = rounds_ms(call, requests)
    return statistics.median(rounds), min(rounds)


def wipe(url: str) -> None:
    if url.startswith("postgres"):
        engine = sa.create_engine(url)
        with engine.begin() as conn:
            conn.execute(sa.text("DROP SCHEMA public CASCADE"))
            conn.execute(sa.text("CREATE SCHEMA public"))
        engine.dispose()


def relevance(app: Flask) -> None:
    app.config["PAGE_CACHE"] = False
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    if result.exit_code:
        raise SystemExit(result.output)
    for name, path in SETS.items():
        report = score(app.test_client(), load_queries(path))
        answered = sum(o.hit for o in report.outcomes)
        print(
            f"relevance ({name} set, {path.name}): {answered}/{len(report.outcomes)} queries = "
            f"{report.share:.1%} with an expected fair in the first five"
        )
        kinds = report.by_kind().items()
        print("  by kind: " + ", ".join(f"{k} {h}/{n}" for k, (h, n) in kinds))
        for miss in report.misses:
            print(f"  missed {miss.query.q!r}: first five {miss.found}")


def search_call(q: str, per_page: int) -> Callable[[], object]:
    """What `/` runs for a search: the count and the first page (the fuzzy fallback with it,
    where the search module offers one)."""
    from fairplanner.catalogue.queries import FairFilters

    def call() -> object:
        today = minsk_today()
        filters = FairFilters(q=q)
        run = getattr(queries, "search_page", None)
        if run is not None:
            return run(filters, today=today, page=1, per_page=per_page)
        return db.paginate(queries.fairs_matching(filters, today=today), page=1, per_page=per_page)

    return call


def speed(app: Flask, fairs: int, requests: int) -> None:
    from bench.feed import fill

    with app.app_context():
        start = time.perf_counter()
        fill(fairs, minsk_today())
        db.session.commit()
    # Statistics, and on PostgreSQL the visibility map that lets index-only scans skip the
    # table: what autovacuum gives a live database soon after a bulk load.
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"], isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(
            sa.text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE")
        )
    engine.dispose()
    took = time.perf_counter() - start
    print(f"filled {fairs} fairs and their search terms in {took:.1f} s")
    app.config["PAGE_CACHE"] = False
    bare = bare_client()
    client = app.test_client()
    bare_ms, bare_best = timed(lambda: bare.get("/"), requests * 4)
    print("milliseconds: median of five rounds / best round")
    print(f"{'search':38} {'results':>7} {'search ms':>13} {'page ms':>13} {'x bare':>6}")
    for q in SEARCHES:
        with app.test_request_context("/"):
            call = search_call(q, app.config["PER_PAGE"])
            total = call().total  # type: ignore[attr-defined]
            search_ms, search_best = timed(call, requests)
        page_ms, page_best = timed(lambda q=q: client.get("/", query_string={"q": q}), requests)
        print(
            f"{q:38} {total:7} {search_ms:6.2f} /{search_best:5.2f} "
            f"{page_ms:6.2f} /{page_best:5.2f} {page_ms / bare_ms:6.1f}"
        )
    print(f"{'bare Flask route':38} {'':7} {'':13} {bare_ms:6.3f} /{bare_best:5.3f} {1:6.1f}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_DATABASE_URL"))
    parser.add_argument("--fairs", type=int, default=5000)
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--relevance-only", action="store_true")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        urls = [f"sqlite:///{Path(tmp) / 'search.sqlite3'}"]
        if args.pg_url:
            urls.append(args.pg_url)
        for url in urls:
            print(f"== {url.split(':')[0]}")
            wipe(url)
            relevance(bench_app(url))
            if args.relevance_only:
                continue
            if url.startswith("sqlite"):
                Path(url.removeprefix("sqlite:///")).unlink()
            wipe(url)
            speed(bench_app(url), args.fairs, args.requests)


if __name__ == "__main__":
    main()
