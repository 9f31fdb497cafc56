"""The B2B scheduler (fairplanner.meetings.scheduler): pure, so no app or database here."""

from __future__ import annotations

import itertools
import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from fairplanner.meetings.scheduler import (
    Party,
    Placement,
    Problem,
    Reason,
    Result,
    Unplaced,
    Wanted,
    greedy,
    schedule,
)

FIRST = datetime(2027, 3, 16, 7, 0, tzinfo=UTC)  # 10:00 in Minsk


def slots(n: int) -> list[datetime]:
    return [FIRST + timedelta(minutes=30 * i) for i in range(n)]


def party(pid: int, *, busy: tuple[datetime, ...] = (), limit: int = 10) -> Party:
    return Party(pid, frozenset(busy), limit)


def problem(
    n_slots: int,
    tables: list[int],
    parties: list[Party],
    pairs: list[tuple[int, int]],
    taken: dict[datetime, frozenset[int]] | None = None,
) -> Problem:
    return Problem(
        slots=slots(n_slots),
        tables=tables,
        taken=taken or {},
        parties={p.id: p for p in parties},
        wanted=[Wanted(n, a, b) for n, (a, b) in enumerate(pairs, start=1)],
    )


def check(p: Problem, placed: tuple[Placement, ...]) -> None:
    """Every rule of the programme holds for `placed`."""
    wanted = {w.id: w for w in p.wanted}
    assert len({pl.wanted_id for pl in placed}) == len(placed)  # each request at most once
    cells = Counter((pl.starts_at, pl.table_id) for pl in placed)
    assert max(cells.values(), default=1) == 1  # no table double-booked
    meets = Counter()
    used = Counter()
    for pl in placed:
        assert pl.starts_at in p.slots
        assert pl.table_id in p.tables
        assert pl.table_id not in p.taken.get(pl.starts_at, frozenset())
        w = wanted[pl.wanted_id]
        for pid in (w.a, w.b):
            assert pl.starts_at not in p.parties[pid].busy
            meets[pid, pl.starts_at] += 1
            used[pid] += 1
    assert max(meets.values(), default=1) == 1  # one meeting per slot per company
    for pid, n in used.items():
        assert n <= p.parties[pid].limit
    per_slot = Counter(pl.starts_at for pl in placed)
    for start, n in per_slot.items():
        assert n <= len(set(p.tables) - p.taken.get(start, frozenset()))


def check_result(p: Problem, result: Result) -> None:
    check(p, result.placed)
    ids = [pl.wanted_id for pl in result.placed] + [u.wanted_id for u in result.unplaced]
    assert sorted(ids) == sorted(w.id for w in p.wanted)  # every request answered once
    assert result.upper_bound >= len(result.placed)
    assert result.optimal == (result.upper_bound == len(result.placed))


def random_problem(seed: int, *, parties: int, requests: int, n_slots: int, tables: int):
    rng = random.Random(seed)
    all_slots = slots(n_slots)
    people = [
        party(
            pid,
            busy=tuple(rng.sample(all_slots, rng.randint(0, n_slots // 2))),
            limit=rng.randint(0, 4),
        )
        for pid in range(1, parties + 1)
    ]
    pairs = sorted({tuple(sorted(rng.sample(range(1, parties + 1), 2))) for _ in range(requests)})
    taken = {s: frozenset(rng.sample(range(1, tables + 1), rng.randint(0, 1))) for s in all_slots}
    return problem(n_slots, list(range(1, tables + 1)), people, pairs, taken)


def brute_force(p: Problem) -> int:
    """The most requests that can be placed, trying every choice of slot (or none)."""
    best = 0
    options = [None, *p.slots]
    for choice in itertools.product(options, repeat=len(p.wanted)):
        count = sum(1 for c in choice if c is not None)
        if count <= best:
            continue
        placed, table = [], Counter()
        for w, start in zip(p.wanted, choice, strict=True):
            if start is not None:
                free = [t for t in p.tables if t not in p.taken.get(start, frozenset())]
                if table[start] >= len(free):
                    break
                placed.append(Placement(w.id, start, free[table[start]]))
                table[start] += 1
        else:
            try:
                check(p, tuple(placed))
            except AssertionError:
                continue
            best = count
    return best


def test_empty_problem():
    result = schedule(Problem(slots=[], tables=[], taken={}, parties={}, wanted=[]))
    assert result.placed == ()
    assert result.unplaced == ()
    assert result.upper_bound == 0
    assert result.optimal
    assert greedy(Problem(slots=[], tables=[], taken={}, parties={}, wanted=[])) == ()


def test_no_slots_at_all_means_no_common_slot():
    p = problem(0, [1], [party(1), party(2)], [(1, 2)])
    assert schedule(p).unplaced == (Unplaced(1, Reason.NO_COMMON_SLOT),)


def test_places_at_the_earliest_common_slot_and_the_first_free_table():
    s = slots(4)
    p = problem(4, [7, 3, 5], [party(1, busy=(s[0],)), party(2, busy=(s[1],))], [(1, 2)])
    p = Problem(p.slots, p.tables, {s[2]: frozenset({7})}, p.parties, p.wanted)
    result = schedule(p)
    assert result.placed == (Placement(1, s[2], 3),)  # table 7 is taken: the next in order
    assert result.unplaced == ()
    assert result.optimal


def test_reasons_in_hand_made_cases():
    s = slots(2)
    p = problem(
        2,
        [1],
        [
            party(1, busy=(s[0],)),
            party(2, busy=(s[1],)),  # 1 and 2 are never free together
            party(3, limit=0),  # no meetings left
            party(4),
            party(5),
            party(6, busy=(s[1],)),
            party(7, busy=(s[1],)),
        ],
        [(1, 2), (3, 4), (4, 5), (6, 7)],
        taken={},
    )
    result = schedule(p)
    check_result(p, result)
    # 4-5 and 6-7 both want the one table of the first slot; 4-5 could also take the second.
    assert {pl.wanted_id for pl in result.placed} == {3, 4}
    assert result.unplaced == (
        Unplaced(1, Reason.NO_COMMON_SLOT),
        Unplaced(2, Reason.LIMIT),
    )


def test_limit_before_no_common_slot():
    s = slots(1)
    p = problem(1, [1], [party(1, limit=0), party(2, busy=(s[0],))], [(1, 2)])
    assert schedule(p).unplaced == (Unplaced(1, Reason.LIMIT),)


def test_full_when_the_tables_are_taken():
    s = slots(2)
    p = problem(2, [1, 2], [party(1), party(2)], [(1, 2)], taken={t: frozenset({1, 2}) for t in s})
    assert schedule(p).unplaced == (Unplaced(1, Reason.FULL),)


def test_full_when_the_common_slot_goes_to_another_meeting():
    s = slots(2)
    # 1 and 2 are free together only at the first slot, which 1 gives to 3 (3's only slot too
    # is the first; the solver cannot place both).
    p = problem(
        2,
        [1, 2],
        [party(1), party(2, busy=(s[1],)), party(3, busy=(s[1],))],
        [(1, 2), (1, 3)],
    )
    result = schedule(p)
    check_result(p, result)
    assert len(result.placed) == 1
    assert [u.reason for u in result.unplaced] == [Reason.FULL]
    assert result.unplaced[0].at_limit == ()
    assert result.optimal


def test_full_with_a_company_at_its_limit():
    p = problem(3, [1, 2], [party(1, limit=1), party(2), party(3)], [(1, 2), (1, 3)])
    result = schedule(p)
    check_result(p, result)
    assert result.placed == (Placement(1, p.slots[0], 1),)
    assert result.unplaced == (Unplaced(2, Reason.FULL, at_limit=(1,)),)


def test_the_solver_places_more_than_greedy():
    s = slots(3)
    # A (1) and B (2) may have one more meeting each; they share only the first slot. Greedy
    # takes the scarcest request first, A-B, and then A-C and B-D cannot go anywhere; the
    # optimum leaves A-B out and places A-C and B-D.
    p = problem(
        3,
        [1, 2],
        [
            party(1, busy=(s[1],), limit=1),
            party(2, busy=(s[2],), limit=1),
            party(3),
            party(4),
        ],
        [(1, 2), (1, 3), (2, 4)],
    )
    assert [pl.wanted_id for pl in greedy(p)] == [1]
    result = schedule(p)
    check_result(p, result)
    assert sorted(pl.wanted_id for pl in result.placed) == [2, 3]
    assert result.optimal
    assert result.upper_bound == 2
    assert result.unplaced == (Unplaced(1, Reason.FULL, at_limit=(1, 2)),)


@pytest.mark.parametrize("seed", range(12))
def test_optimal_on_small_random_programmes(seed):
    p = random_problem(seed, parties=5, requests=7, n_slots=3, tables=2)
    result = schedule(p, time_limit=5)
    check_result(p, result)
    check(p, greedy(p))
    best = brute_force(p)
    assert len(result.placed) == best
    assert result.optimal
    assert result.upper_bound == best
    assert len(greedy(p)) <= best


def test_every_rule_holds_on_a_bigger_programme_and_the_solver_beats_greedy():
    p = random_problem(5, parties=40, requests=120, n_slots=8, tables=10)
    result = schedule(p, time_limit=5)
    check_result(p, result)
    assert len(result.placed) > len(greedy(p))
    assert result.optimal


def short_day(seed: int, limits: tuple[int, int] = (12, 12)) -> Problem:
    """60 companies, 300 requests, one day of 8 slots, 20 tables, busy at 0-3 slots: when
    matters, so greedy and the choice of meetings alone stop short of the optimum and the full
    model runs."""
    rng = random.Random(seed)
    all_slots = slots(8)
    people = [
        party(pid, busy=tuple(rng.sample(all_slots, rng.randint(0, 3))), limit=rng.randint(*limits))
        for pid in range(1, 61)
    ]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < 300:
        pairs.add(tuple(sorted(rng.sample(range(1, 61), 2))))
    return problem(8, list(range(1, 21)), people, sorted(pairs))


def test_the_full_model_reaches_the_optimum_and_the_answer_repeats():
    p = short_day(0)  # greedy places 159, and the search needs about two seconds for 160
    first = schedule(p, time_limit=20)
    check_result(p, first)
    assert first.optimal
    assert len(first.placed) > len(greedy(p))
    again = schedule(p, time_limit=20)
    assert (again.placed, again.unplaced, again.upper_bound) == (
        first.placed,
        first.unplaced,
        first.upper_bound,
    )


def test_a_search_stopped_by_the_limit_keeps_every_rule():
    p = short_day(6)
    result = schedule(p, time_limit=0.1)
    check_result(p, result)
    assert len(result.placed) >= len(greedy(p))


def test_the_full_model_keeps_the_limits():
    # Limits of 4-8 meetings bind here: five seconds of the full model's search are not
    # enough for the optimum, and found more meetings than the limits allow when its limit
    # constraints were left out.
    p = short_day(1, limits=(4, 8))
    result = schedule(p, time_limit=5)
    check_result(p, result)
    assert len(result.placed) > len(greedy(p))


def test_parallel_search_keeps_every_rule():
    p = random_problem(1, parties=40, requests=120, n_slots=8, tables=10)
    result = schedule(p, time_limit=3, workers=2, deterministic=False)
    check_result(p, result)
    assert len(result.placed) >= len(greedy(p))


def test_unknown_party_or_duplicate_request_is_a_programming_error():
    with pytest.raises(ValueError, match="not in parties"):
        schedule(problem(1, [1], [party(1)], [(1, 2)]))
    p = problem(1, [1], [party(1), party(2)], [(1, 2)])
    twice = Problem(p.slots, p.tables, p.taken, p.parties, [*p.wanted, *p.wanted])
    with pytest.raises(ValueError, match="twice"):
        schedule(twice)
