"""The search statement: the fairs whose terms match every required word of a search, each
with a score (a term's weight, doubled for a whole-term match; summed over the words)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, case, func, select, union_all

from fairplanner.catalogue.models import fair_terms
from fairplanner.catalogue.search.analyzer import QueryTerm

t = fair_terms.c


def successor(stem: str) -> str:
    """The first string after every string that starts with `stem` (code-point order)."""
    return stem[:-1] + chr(ord(stem[-1]) + 1)


def term_matches(term: QueryTerm) -> ColumnElement[bool]:
    """The index rows of a query word: its stem, and longer terms it begins, as a range."""
    if term.prefix:
        return and_(t.term >= term.stem, t.term < successor(term.stem))
    return t.term == term.stem


def _per_word(term: QueryTerm) -> Select:
    score = func.max(case((t.term == term.stem, t.weight * 2), else_=t.weight))
    return select(t.fair_id, score.label("score")).where(term_matches(term)).group_by(t.fair_id)


def hits(terms: list[QueryTerm]) -> Select:
    """(fair_id, score) of the fairs matching every required term: an index range per word.
    Optional (generic) words are not looked up: they are in nearly every fair, and only the
    kind of fair they name counts (see `kind_bonus`)."""
    required = [term for term in terms if term.required]
    if len(required) == 1:
        return _per_word(required[0])
    words = union_all(*(_per_word(term) for term in required)).subquery()
    return (
        select(words.c.fair_id, func.sum(words.c.score).label("score"))
        .group_by(words.c.fair_id)
        .having(func.count() == len(required))
    )
