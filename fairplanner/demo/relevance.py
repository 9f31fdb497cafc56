"""The relevance set of the demo catalogue: everyday searches and the fairs they mean.

`score(client)` asks the catalogue page (`/?q=…`, as a visitor sees it) for each query of
relevance.json (or of relevance-heldout.json, the reviewer's set) and counts the share with an
expected fair among the first five results. The benchmark (`python -m bench.search`) prints
it; a test holds it above a floor.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

RELEVANCE_FILE = Path(__file__).with_name("relevance.json")
# Written by a reviewer who had not seen the search: a check that relevance.json is not the only
# thing the search was tuned to.
HELDOUT_FILE = Path(__file__).with_name("relevance-heldout.json")
SETS = {"author": RELEVANCE_FILE, "held-out": HELDOUT_FILE}
TOP = 5
_FAIR_LINK = re.compile(r'href="/fairs/([\w-]+?)-(\d{4})"')


@dataclass(frozen=True)
class Query:
    q: str
    kind: str
    expect: frozenset[str]


@dataclass
class Outcome:
    query: Query
    found: list[str]  # fair keys in the order listed, at most TOP

    @property
    def hit(self) -> bool:
        return bool(self.query.expect.intersection(self.found))


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def share(self) -> float:
        return sum(o.hit for o in self.outcomes) / len(self.outcomes) if self.outcomes else 0.0

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.hit]

    def by_kind(self) -> dict[str, tuple[int, int]]:
        """kind -> (answered, asked)."""
        kinds: dict[str, tuple[int, int]] = {}
        for o in self.outcomes:
            hit, total = kinds.get(o.query.kind, (0, 0))
            kinds[o.query.kind] = (hit + o.hit, total + 1)
        return kinds


def load_queries(path: Path = RELEVANCE_FILE) -> list[Query]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Query(q["q"], q["kind"], frozenset(q["expect"])) for q in data["queries"]]


def listed_keys(html: str, top: int = TOP) -> list[str]:
    """The keys of the fairs a catalogue page lists, in order, the first `top` of them."""
    keys: list[str] = []
    for key, _year in _FAIR_LINK.findall(html):
        if key not in keys:
            keys.append(key)
    return keys[:top]


def score(client: Any, queries: list[Query] | None = None) -> Report:
    """Ask the catalogue page for every query (in Russian, as a default visitor)."""
    report = Report()
    for query in queries or load_queries():
        response = client.get("/", query_string={"q": query.q}, headers={"Accept-Language": "ru"})
        report.outcomes.append(Outcome(query, listed_keys(response.get_data(as_text=True))))
    return report
