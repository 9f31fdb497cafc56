"""The search statement: the fairs whose terms match every required word of a search (or, in
the relaxed fallback, any of them), each with a score (a term's weight, doubled for a
whole-term match; summed over the words) and how many of the words it matched."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, select, union_all

from fairplanner.catalogue.models import fair_terms
from fairplanner.catalogue.search.analyzer import ASIDE, QueryTerm, terms
from fairplanner.catalogue.search.places import PLACE_ALIASES

t = fair_terms.c

# The terms of every known spelling of a city. A place word weighs as a place wherever it is
# found: "the food fair in Minsk" means food first, not the fair with "Minsk" in its name.
PLACE_TERMS = frozenset(
    term for names in PLACE_ALIASES.values() for name in names for term in terms(name)
)


def successor(stem: str) -> str:
    """The first string after every string that starts with `stem` (code-point order)."""
    return stem[:-1] + chr(ord(stem[-1]) + 1)


def term_matches(term: QueryTerm) -> ColumnElement[bool]:
    """The index rows of a query word: its stem, and longer terms it begins, as a range."""
    if term.prefix:
        return and_(t.term >= term.stem, t.term < successor(term.stem))
    return t.term == term.stem


def _per_word(term: QueryTerm) -> Select:
    weight = ASIDE if term.stem in PLACE_TERMS else t.weight
    score = func.max(case((t.term == term.stem, weight * 2), else_=weight))
    return select(t.fair_id, score.label("score")).where(term_matches(term)).group_by(t.fair_id)


def hits(terms: list[QueryTerm], *, relaxed: bool = False) -> Select:
    """(fair_id, score, matched) of the fairs matching every required term (any of them when
    `relaxed`): an index range per word. Optional (generic) words are not looked up: they are
    in nearly every fair, and only the kind of fair they name counts (see `kind_bonus`)."""
    required = [term for term in terms if term.required]
    if len(required) == 1:
        return _per_word(required[0]).add_columns(literal(1).label("matched"))
    words = union_all(*(_per_word(term) for term in required)).subquery()
    stmt = select(
        words.c.fair_id, func.sum(words.c.score).label("score"), func.count().label("matched")
    ).group_by(words.c.fair_id)
    return stmt if relaxed else stmt.having(func.count() == len(required))
