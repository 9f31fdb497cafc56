"""The B2B scheduler: a slot and a table for every accepted meeting request that has none
(issue 17, "as b2match does"). Pure: plain data in, plain data out, no Flask, no database.

The organizer's run gathers a `Problem` (the programme's slot starts, its tables and the ones
already booked, each company's busy slots and how many more meetings it may get, the accepted
requests without a time) and `schedule()` returns the placements, the requests it could not
place with the reason, and how far from the best possible the answer is.

How (each step only when the one before has not reached a proven bound):

1. greedy: the scarcest requests first, each at its earliest slot that fits (`greedy()`);
2. which meetings, ignoring when: CP-SAT picks the most requests each company's limit (and
   number of usable slots) allows; its optimum bounds the answer, and placing the picked
   requests first, then moving a meeting that is in the way of one left out, usually reaches
   it within a second on a fair of 2,000 requests;
3. the full model below, with the best placement so far as its hint.

The model is OR-Tools CP-SAT's: one boolean per (request, slot) where both companies are free
and a table is left; each request at most once, each company at most one meeting per slot and
at most its `limit` in all, each slot at most its free tables; maximise the meetings placed.
Requests that cannot be placed whatever the others do (a company with no meetings left, no
slot both are free at, no free table at any of those slots) are answered before the model and
never enter it. The hint makes CP-SAT's first solution the best placement so far, so the time
limit only ever buys improvements.

The answer is the same for the same input (by default, see `schedule()`): the search runs on
one thread with a fixed seed, stopped by CP-SAT's deterministic clock (the wall-clock limit only
guards a slow machine), and everything around it (the greedy hint, the fill-up after it, moving
meetings to earlier slots, tables in `tables` order) goes in a fixed order.
"""

from __future__ import annotations

import enum
import math
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where the solver runs: OR-Tools brings pandas and numpy, a
    # second of import that the app's other pages need not pay (python -X importtime)
    from ortools.sat.python import cp_model


@dataclass(frozen=True)
class Party:
    """A participant company of the B2B programme."""

    id: int
    busy: frozenset[datetime]  # slot starts it cannot meet at (unavailable, or already booked)
    limit: int  # how many MORE meetings it may get (max per company minus booked)


@dataclass(frozen=True)
class Wanted:
    """An accepted meeting request without a time yet, between parties `a` and `b`."""

    id: int
    a: int
    b: int


@dataclass(frozen=True)
class Problem:
    slots: Sequence[datetime]  # every slot start of the programme, ordered
    tables: Sequence[int]  # table ids, in the order to fill them
    taken: Mapping[datetime, frozenset[int]]  # tables already booked per slot start
    parties: Mapping[int, Party]
    wanted: Sequence[Wanted]


@dataclass(frozen=True)
class Placement:
    wanted_id: int
    starts_at: datetime
    table_id: int


class Reason(enum.StrEnum):
    """Why a wanted meeting was not placed."""

    # The two have no slot both are free at (their busy sets cover every slot).
    NO_COMMON_SLOT = "no-common-slot"
    # One of them has no meetings left before the run (limit 0). Checked first: a request
    # between a company at its limit and one it shares no slot with is LIMIT.
    LIMIT = "limit"
    # Slots both are free at existed, but were all used: every table taken, or one of the two
    # meeting someone else then, or (see `Unplaced.at_limit`) one of them got its last meeting
    # allowed elsewhere.
    FULL = "full"


@dataclass(frozen=True)
class Unplaced:
    wanted_id: int
    reason: Reason
    # For FULL: the party ids of the two that this run gave all the meetings they could get
    # (their limit), sorted; empty when slots and tables, not limits, were what ran out.
    at_limit: tuple[int, ...] = ()


@dataclass(frozen=True)
class Result:
    placed: tuple[Placement, ...]  # by slot start, then table order
    unplaced: tuple[Unplaced, ...]  # by wanted id
    # A proven bound on how many could be placed (the solver's best bound, never below
    # len(placed)); equal to len(placed) when optimal.
    upper_bound: int
    optimal: bool
    seconds: float


# The one-thread search stops at whichever of the two limits comes first, and only the
# deterministic one gives the same answer on every run, so it is the tighter of the two: its
# units went 0.2 to 0.7 per wall second on the benchmark's machine (2 CPUs; the low end with
# other work on them), so 0.3 of the limit ends the search before the wall clock unless the
# machine is overloaded: then the answer can differ between runs.
DETERMINISTIC_SHARE = 0.3
# The part of the time limit for choosing the meetings without their slots (`_choose`).
CHOOSE_SHARE = 0.1


@dataclass
class _Prepared:
    """The problem reduced to what the model needs: slots as indices 0..n-1 (ordered)."""

    slots: list[datetime]
    free_tables: list[list[int]]  # per slot index, the free table ids in fill order
    limit: dict[int, int]  # party id -> meetings it may still get
    candidates: dict[int, list[int]]  # wanted id -> slot indices both free with a table left
    wanted: dict[int, Wanted]  # modelled requests by id, in id order
    early: list[Unplaced]  # requests answered before the model


def _prepare(problem: Problem) -> _Prepared:
    slots = sorted(set(problem.slots))
    free_tables = []
    for start in slots:
        taken = problem.taken.get(start, frozenset())
        free_tables.append(list(dict.fromkeys(t for t in problem.tables if t not in taken)))
    limit = {pid: max(party.limit, 0) for pid, party in problem.parties.items()}
    free_slots = {
        pid: {i for i, start in enumerate(slots) if start not in party.busy}
        for pid, party in problem.parties.items()
    }
    candidates: dict[int, list[int]] = {}
    wanted: dict[int, Wanted] = {}
    early = []
    seen: set[int] = set()
    for w in sorted(problem.wanted, key=lambda w: w.id):
        if w.id in seen:
            raise ValueError(f"wanted id {w.id} appears twice")
        seen.add(w.id)
        for pid in (w.a, w.b):
            if pid not in problem.parties:
                raise ValueError(f"wanted {w.id} names party {pid}, which is not in parties")
        if w.a == w.b:
            raise ValueError(f"wanted {w.id} is a meeting of party {w.a} with itself")
        if limit[w.a] == 0 or limit[w.b] == 0:
            early.append(Unplaced(w.id, Reason.LIMIT))
            continue
        common = sorted(free_slots[w.a] & free_slots[w.b])
        if not common:
            early.append(Unplaced(w.id, Reason.NO_COMMON_SLOT))
            continue
        usable = [i for i in common if free_tables[i]]
        if not usable:
            early.append(Unplaced(w.id, Reason.FULL))
            continue
        candidates[w.id] = usable
        wanted[w.id] = w
    return _Prepared(slots, free_tables, limit, candidates, wanted, early)


class _Board:
    """Who meets when, as the greedy pass and the clean-up after the solver fill it."""

    def __init__(self, prep: _Prepared) -> None:
        self.prep = prep
        self.left = [len(tables) for tables in prep.free_tables]  # tables left per slot
        self.limit = dict(prep.limit)  # meetings each party may still get
        self.meeting: set[tuple[int, int]] = set()  # (party, slot) pairs in use
        self.slot_of: dict[int, int] = {}  # wanted id -> slot index

    def fits(self, w: Wanted, slot: int) -> bool:
        return (
            self.left[slot] > 0
            and (w.a, slot) not in self.meeting
            and (w.b, slot) not in self.meeting
        )

    def put(self, w: Wanted, slot: int) -> None:
        self.left[slot] -= 1
        self.limit[w.a] -= 1
        self.limit[w.b] -= 1
        self.meeting.update(((w.a, slot), (w.b, slot)))
        self.slot_of[w.id] = slot

    def take(self, w: Wanted) -> None:
        slot = self.slot_of.pop(w.id)
        self.left[slot] += 1
        self.limit[w.a] += 1
        self.limit[w.b] += 1
        self.meeting.difference_update(((w.a, slot), (w.b, slot)))

    def try_place(self, w: Wanted) -> bool:
        """Put `w` at its earliest slot that fits, if it fits anywhere."""
        if self.limit[w.a] <= 0 or self.limit[w.b] <= 0:
            return False
        for slot in self.prep.candidates[w.id]:
            if self.fits(w, slot):
                self.put(w, slot)
                return True
        return False

    def fill(self, among: set[int] | None = None) -> None:
        """Place what still fits (of `among`, if given): the scarcest requests first (fewest
        candidate slots, then the parties with the fewest meetings left), each at its earliest
        slot."""
        for w in sorted(
            (
                w
                for w in self.prep.wanted.values()
                if w.id not in self.slot_of and (among is None or w.id in among)
            ),
            key=lambda w: (
                len(self.prep.candidates[w.id]),
                min(self.limit[w.a], self.limit[w.b]),
                w.id,
            ),
        ):
            self.try_place(w)

    def repair(self) -> None:
        """Place what fits once one meeting in its way moves to another slot: for each request
        left out whose companies have meetings left, at each of its slots, the meetings there of
        either company (or, when the tables are all used, any one meeting there) move to their
        earliest other slot that fits."""
        for wid in sorted(self.prep.wanted):
            w = self.prep.wanted[wid]
            if wid in self.slot_of or self.limit[w.a] <= 0 or self.limit[w.b] <= 0:
                continue
            for slot in self.prep.candidates[wid]:
                if self._place_moving(w, slot):
                    break

    def _place_moving(self, w: Wanted, slot: int) -> bool:
        there = sorted(wid for wid, s in self.slot_of.items() if s == slot)
        mine = [
            wid for wid in there if {w.a, w.b} & {self.prep.wanted[wid].a, self.prep.wanted[wid].b}
        ]
        # A meeting moved cannot come back to `slot`: it shares a company with `w` there, or
        # `w` took the last table.
        for movers in [mine] if mine else [[wid] for wid in there] if not self.left[slot] else []:
            moved = [self.prep.wanted[wid] for wid in movers]
            for m in moved:
                self.take(m)
            if self.fits(w, slot):
                self.put(w, slot)
                placed = []
                for m in moved:
                    if not self.try_place(m):
                        break
                    placed.append(m)
                else:
                    return True
                for m in placed:
                    self.take(m)
                self.take(w)
            for m in moved:
                self.put(m, slot)
        return False

    def earlier(self) -> None:
        """Move each meeting to the earliest slot it fits (same meetings, earlier days)."""
        for wid in sorted(self.slot_of, key=lambda wid: (self.slot_of[wid], wid)):
            w = self.prep.wanted[wid]
            current = self.slot_of[wid]
            self.take(w)
            slot = next(s for s in self.prep.candidates[wid] if s == current or self.fits(w, s))
            self.put(w, slot)

    def placements(self) -> tuple[Placement, ...]:
        by_slot: dict[int, list[int]] = defaultdict(list)
        for wid, slot in self.slot_of.items():
            by_slot[slot].append(wid)
        placed = []
        for slot in sorted(by_slot):
            tables = self.prep.free_tables[slot]
            for wid, table in zip(sorted(by_slot[slot]), tables, strict=False):
                placed.append(Placement(wid, self.prep.slots[slot], table))
        return tuple(placed)


def greedy(problem: Problem) -> tuple[Placement, ...]:
    """A quick placement without the solver: the scarcest requests first (fewest slots both
    companies are free at), each at its earliest slot with a table and both companies free.
    The solver's starting point, and the baseline it is measured against."""
    board = _Board(_prepare(problem))
    board.fill()
    return board.placements()


def schedule(
    problem: Problem, *, time_limit: float = 20.0, workers: int = 2, deterministic: bool = True
) -> Result:
    """Place as many of `problem.wanted` as can be, within about `time_limit` seconds.

    `deterministic` (the default): the same input gives the same answer on every run. CP-SAT
    then searches on one thread, stopped by its deterministic clock, and `workers` is unused:
    its parallel search (`deterministic=False`, `workers` threads) often places a few more
    meetings in the same time, but which ones and where depends on the threads' timing. (Its
    deterministic parallel mode, `interleave_search`, placed fewer than either here.)"""
    started = time.perf_counter()
    prep = _prepare(problem)
    board = _Board(prep)
    board.fill()  # the greedy hint
    upper = _counting_bound(prep)
    optimal = len(board.slot_of) == upper
    if not optimal:
        # Which meetings, ignoring when: the best choice within the limits is a bound, and
        # placing that choice first often beats greedy's start.
        chosen, bound = _choose(
            prep, upper, set(board.slot_of), time_limit=time_limit * CHOOSE_SHARE
        )
        upper = min(upper, bound)
        better = _Board(prep)
        better.fill(among=chosen)
        better.repair()
        better.fill()
        if len(better.slot_of) > len(board.slot_of):
            board = better
        optimal = len(board.slot_of) == upper
    if not optimal:
        solved, optimal = _solve(
            prep,
            board,
            upper,
            time_limit=time_limit * (1 - CHOOSE_SHARE),
            deadline=started + time_limit,
            workers=1 if deterministic else workers,
        )
        upper = min(upper, solved)
        board.fill()  # anything a stopped search left out that still fits
        board.repair()
    board.earlier()
    placed = board.placements()
    upper = max(upper, len(placed))
    optimal = optimal or len(placed) == upper
    unplaced = list(prep.early)
    for wid, w in prep.wanted.items():
        if wid not in board.slot_of:
            at_limit = tuple(sorted({p for p in (w.a, w.b) if board.limit[p] <= 0}))
            unplaced.append(Unplaced(wid, Reason.FULL, at_limit))
    unplaced.sort(key=lambda u: u.wanted_id)
    return Result(
        placed=placed,
        unplaced=tuple(unplaced),
        upper_bound=upper,
        optimal=optimal,
        seconds=time.perf_counter() - started,
    )


def _counting_bound(prep: _Prepared) -> int:
    """What counting alone allows: no more than the requests, than the free tables of the
    slots any request could use, or than half the meetings the companies may get (a meeting
    takes two), each company capped by its limit, its usable slots and its requests."""
    slots: set[int] = set()
    party_slots: dict[int, set[int]] = defaultdict(set)
    requests: dict[int, int] = defaultdict(int)
    for wid, w in prep.wanted.items():
        slots.update(prep.candidates[wid])
        for pid in (w.a, w.b):
            party_slots[pid].update(prep.candidates[wid])
            requests[pid] += 1
    tables = sum(len(prep.free_tables[slot]) for slot in slots)
    ends = sum(min(prep.limit[pid], len(party_slots[pid]), requests[pid]) for pid in requests)
    return min(len(prep.wanted), tables, ends // 2)


def _choose(
    prep: _Prepared, upper: int, hint: set[int], *, time_limit: float
) -> tuple[set[int], int]:
    """The most requests the companies' limits allow, ignoring slots but for each company's
    number of usable slots and the tables in all: the chosen request ids and a proven upper
    bound on what can be placed. One thread, deterministic."""
    from ortools.sat.python import cp_model

    usable: dict[int, set[int]] = defaultdict(set)
    for wid, w in prep.wanted.items():
        usable[w.a].update(prep.candidates[wid])
        usable[w.b].update(prep.candidates[wid])
    model = cp_model.CpModel()
    y = {wid: model.new_bool_var(f"w{wid}") for wid in prep.wanted}
    per_party: dict[int, list] = defaultdict(list)
    for wid, w in prep.wanted.items():
        per_party[w.a].append(y[wid])
        per_party[w.b].append(y[wid])
    for pid, group in per_party.items():
        cap = min(prep.limit[pid], len(usable[pid]))
        if len(group) > cap:
            model.add(sum(group) <= cap)
    model.add(sum(y.values()) <= upper)
    model.maximize(sum(y.values()))
    for wid, var in y.items():
        model.add_hint(var, wid in hint)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.random_seed = 17
    solver.parameters.max_time_in_seconds = max(time_limit, 0.1)
    solver.parameters.max_deterministic_time = max(time_limit * DETERMINISTIC_SHARE, 0.02)
    # Presolve took seconds on 2,000 requests and found nothing; the search alone proves
    # the optimum in a tenth of a second (bench.meetings).
    solver.parameters.cp_model_presolve = False
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return set(), upper
    chosen = {wid for wid, var in y.items() if solver.boolean_value(var)}
    if status == cp_model.OPTIMAL:
        return chosen, len(chosen)
    return chosen, min(upper, math.floor(solver.best_objective_bound + 1e-6))


def _solve(
    prep: _Prepared,
    board: _Board,
    upper: int,
    *,
    time_limit: float,
    deadline: float,
    workers: int,
) -> tuple[int, bool]:
    """Improve `board` (greedy's placement) with CP-SAT. Returns the proven upper bound and
    whether the answer is optimal; `board` then holds the best solution found."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x: dict[tuple[int, int], cp_model.IntVar] = {}
    per_wanted: dict[int, list] = defaultdict(list)
    per_party_slot: dict[tuple[int, int], list] = defaultdict(list)
    per_party: dict[int, list] = defaultdict(list)
    per_slot: dict[int, list] = defaultdict(list)
    y: dict[int, cp_model.IntVar] = {}
    for wid, w in prep.wanted.items():
        y[wid] = model.new_bool_var(f"w{wid}")
        per_party[w.a].append(y[wid])
        per_party[w.b].append(y[wid])
        for slot in prep.candidates[wid]:
            var = model.new_bool_var(f"w{wid}s{slot}")
            x[wid, slot] = var
            per_wanted[wid].append(var)
            per_party_slot[w.a, slot].append(var)
            per_party_slot[w.b, slot].append(var)
            per_slot[slot].append(var)
    for wid, group in per_wanted.items():
        model.add(sum(group) == y[wid])
    for group in per_party_slot.values():
        if len(group) > 1:
            model.add_at_most_one(group)
    for pid, group in per_party.items():
        if len(group) > prep.limit[pid]:
            model.add(sum(group) <= prep.limit[pid])
    for slot, group in per_slot.items():
        if len(group) > len(prep.free_tables[slot]):
            model.add(sum(group) <= len(prep.free_tables[slot]))
    model.add(sum(y.values()) <= upper)
    model.maximize(sum(y.values()))
    for (wid, slot), var in x.items():
        model.add_hint(var, board.slot_of.get(wid) == slot)
    for wid, var in y.items():
        model.add_hint(var, wid in board.slot_of)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = max(workers, 1)
    solver.parameters.random_seed = 17
    # The wall clock: what is left of the caller's limit after the steps before and building
    # the model (a second on 2,000 requests). The deterministic limit comes from `time_limit`
    # alone, never from the clock, or the same input could stop at another point.
    solver.parameters.max_time_in_seconds = max(deadline - time.perf_counter(), 0.1)
    if workers == 1:
        solver.parameters.max_deterministic_time = max(time_limit * DETERMINISTIC_SHARE, 0.05)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        found = sum(solver.boolean_value(var) for var in x.values())
        if found >= len(board.slot_of):
            for wid in list(board.slot_of):
                board.take(prep.wanted[wid])
            for (wid, slot), var in x.items():
                if solver.boolean_value(var):
                    board.put(prep.wanted[wid], slot)
    if status == cp_model.OPTIMAL:
        return len(board.slot_of), True
    if status != cp_model.FEASIBLE:  # stopped before its first solution: no bound either
        return upper, False
    return min(upper, math.floor(solver.best_objective_bound + 1e-6)), False
