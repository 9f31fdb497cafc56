"""Time the B2B scheduler (fairplanner.meetings.scheduler) on seeded random programmes.

Usage: python -m bench.meetings [--time-limit S] [--workers N] [--seed N]

Five programmes (SIZES): a big fair's (300 participants, 2,000 distinct accepted requests, two
days of sixteen 30-minute slots from 10:00 to 18:00 Minsk time, 40 tables, at most 12 meetings
per company, each company busy at 0-6 random slots), the same with 60 tables, a small one (60
participants, 300 requests, the same days, 10 tables) and one short day (8 slots, limit 6)
where the full model has to run, small and big. For each: the solver's time, the meetings it
placed, its proven upper bound, what CP-SAT's parallel search (`deterministic=False`) places
in the same time, a counting bound (no solver), greedy's count and the requests left out by
reason. No route is involved, so there is no ratio to the bare Flask route: the figures are
seconds on this machine. Not hooked into `python -m bench`, which times pages (and the feed) only.
"""

from __future__ import annotations

import argparse
import os
import random
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from fairplanner.meetings.scheduler import (
    Party,
    Problem,
    Reason,
    Result,
    Wanted,
    greedy,
    schedule,
)


@dataclass(frozen=True)
class Size:
    name: str
    participants: int
    requests: int
    tables: int
    days: int = 2
    slots_per_day: int = 16  # 30 minutes each, 10:00-18:00 Minsk
    limit: int = 12
    max_busy: int = 6


SIZES = [
    # The brief's programme: 40 tables x 32 slots = 1,280 meetings at most, fewer than the
    # limits allow (about 1,650), so the tables decide and greedy fills them all.
    Size("big fair", participants=300, requests=2000, tables=40),
    # The same fair with 60 tables: the companies' limits decide, greedy stops short.
    Size("big fair, 60 tables", participants=300, requests=2000, tables=60),
    Size("small fair", participants=60, requests=300, tables=10),
    # One short day, limit 6: when matters, and the full CP-SAT model has to run.
    Size(
        "short day",
        participants=60,
        requests=300,
        tables=20,
        days=1,
        slots_per_day=8,
        limit=6,
        max_busy=3,
    ),
    # The same at the big fair's scale (120 tables): the full model on 2,000 requests.
    Size(
        "big short day",
        participants=300,
        requests=2000,
        tables=120,
        days=1,
        slots_per_day=8,
        limit=6,
        max_busy=3,
    ),
]


def instance(size: Size, seed: int) -> Problem:
    rng = random.Random(seed)
    first = datetime(2027, 3, 16, 7, 0, tzinfo=UTC)  # 10:00 in Minsk (UTC+3)
    slots = [
        first + timedelta(days=day, minutes=30 * n)
        for day in range(size.days)
        for n in range(size.slots_per_day)
    ]
    parties = {
        pid: Party(
            pid,
            busy=frozenset(rng.sample(slots, rng.randint(0, size.max_busy))),
            limit=size.limit,
        )
        for pid in range(1, size.participants + 1)
    }
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < size.requests:
        a, b = rng.sample(range(1, size.participants + 1), 2)
        pairs.add((min(a, b), max(a, b)))
    wanted = [Wanted(n, a, b) for n, (a, b) in enumerate(sorted(pairs), start=1)]
    return Problem(
        slots=slots,
        tables=list(range(1, size.tables + 1)),
        taken={},
        parties=parties,
        wanted=wanted,
    )


def counting_bound(problem: Problem) -> int:
    """What a count alone allows: no more than the requests, the tables of all slots, half the
    meetings the companies may have (each meeting takes two), each company capped by its
    limit, its free slots and its requests."""
    slots = set(problem.slots)
    requests = Counter(p for w in problem.wanted for p in (w.a, w.b))
    per_party = sum(
        min(party.limit, len(slots - party.busy), requests[pid])
        for pid, party in problem.parties.items()
    )
    tables = sum(len(set(problem.tables) - problem.taken.get(s, frozenset())) for s in slots)
    return min(len(problem.wanted), tables, per_party // 2)


def check(problem: Problem, result: Result) -> None:
    """The answer keeps every rule (a benchmark of a wrong answer measures nothing)."""
    wanted = {w.id: w for w in problem.wanted}
    seen, tables, used = set(), set(), Counter()
    for p in result.placed:
        w = wanted[p.wanted_id]
        assert p.wanted_id not in seen
        seen.add(p.wanted_id)
        assert (p.starts_at, p.table_id) not in tables
        tables.add((p.starts_at, p.table_id))
        for pid in (w.a, w.b):
            assert p.starts_at not in problem.parties[pid].busy
            assert (pid, p.starts_at) not in seen
            seen.add((pid, p.starts_at))
            used[pid] += 1
    assert all(used[pid] <= problem.parties[pid].limit for pid in used)
    assert len(result.placed) + len(result.unplaced) == len(problem.wanted)


def run(size: Size, *, seed: int, time_limit: float, workers: int) -> list[str]:
    problem = instance(size, seed)
    started = time.perf_counter()
    baseline = greedy(problem)
    greedy_seconds = time.perf_counter() - started
    result = schedule(problem, time_limit=time_limit, workers=workers)
    check(problem, result)
    parallel = schedule(problem, time_limit=time_limit, workers=workers, deterministic=False)
    check(problem, parallel)
    reasons = Counter(u.reason for u in result.unplaced)
    by_limit = sum(1 for u in result.unplaced if u.at_limit)
    slots = len(problem.slots)
    return [
        f"## {size.name}: {size.participants} participants, {size.requests} requests, "
        f"{size.days} day{'s' if size.days > 1 else ''} x {size.slots_per_day} slots, "
        f"{size.tables} tables, "
        f"limit {size.limit}, busy 0-{size.max_busy} slots",
        f"solver time          {result.seconds:8.2f} s   (limit {time_limit:g} s, one thread, "
        f"deterministic; {'optimal' if result.optimal else 'stopped by the limit'})",
        f"placed               {len(result.placed):8d}",
        f"solver upper bound   {result.upper_bound:8d}",
        f"parallel search      {len(parallel.placed):8d}   (bound {parallel.upper_bound}, "
        f"{parallel.seconds:.2f} s, {workers} workers, not deterministic; "
        f"{'optimal' if parallel.optimal else 'stopped by the limit'})",
        f"counting bound       {counting_bound(problem):8d}   "
        f"(tables x slots = {size.tables * slots})",
        f"greedy               {len(baseline):8d}   ({greedy_seconds:.2f} s)",
        "unplaced             "
        + ", ".join(f"{reason.value} {reasons[reason]}" for reason in Reason)
        + f"   ({by_limit} of them with a company at its limit)",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=20.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(
        f"# python -m bench.meetings, {stamp}, {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f}, seed {args.seed}"
    )
    for size in SIZES:
        print()
        print(
            "\n".join(run(size, seed=args.seed, time_limit=args.time_limit, workers=args.workers))
        )


if __name__ == "__main__":
    main()
