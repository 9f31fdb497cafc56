"""The fuzzy fallback: when a search finds nothing because some of its words are in no fair,
each such word is replaced by the nearest word of the vocabulary (search_words), and the
corrected search is offered ("Возможно, вы искали: Белагро") and shown.

Candidates come from pg_trgm's index on PostgreSQL where the migration could create it, else
from the whole vocabulary (kept in memory per catalogue generation) through rapidfuzz; the
same edit-distance measure then picks the nearest, so both databases suggest the same word.
"""

from __future__ import annotations

from dataclasses import dataclass
from threading import Lock

from flask import current_app
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from sqlalchemy import func, select, text

from fairplanner.cache import cache_key
from fairplanner.catalogue.models import fair_terms, search_words
from fairplanner.catalogue.search.analyzer import WORD, QueryTerm, fold, query_terms
from fairplanner.catalogue.search.query import term_matches
from fairplanner.db import OPTIONAL_INDEXES
from fairplanner.extensions import db

MIN_LENGTH = 4  # shorter words are too easily near anything
CLOSE = 0.7  # 1 - edits / length: one typo in four letters, two in seven
CANDIDATES = 30
TRIGRAM_INDEX = "ix_search_words_trgm"
assert TRIGRAM_INDEX in OPTIONAL_INDEXES  # noqa: S101 - the migration makes it under this name

Word = tuple[str, str, int]  # folded, as written, weight

_memo: tuple[str, list[Word]] | None = None
_memo_lock = Lock()


def closeness(typed: str, word: str) -> float:
    """How near a typed word is to a known one: the edit-distance similarity of the whole
    word, or (a little less) of its beginning, so that "мибель" is near "мебельного". Two
    letters swapped are one edit (optimal string alignment): "свакра" is near "сварка"."""
    whole = OSA.normalized_similarity(typed, word)
    if len(word) > len(typed):
        whole = max(whole, OSA.normalized_similarity(typed, word[: len(typed)]) - 0.1)
    return whole


def unknown(terms: list[QueryTerm]) -> list[QueryTerm]:
    """The words of a search that no fair has: one statement."""
    known = db.session.execute(
        select(*(select(fair_terms.c.fair_id).where(term_matches(t)).exists() for t in terms))
    ).one()
    return [term for term, found in zip(terms, known, strict=True) if not found]


def _has_trigrams() -> bool:
    """Whether pg_trgm's index exists here (looked up once per process)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if "search_trigrams" not in app.extensions:
        present = False
        if db.engine.dialect.name == "postgresql":
            stmt = text("SELECT 1 FROM pg_indexes WHERE indexname = :name")
            present = db.session.scalar(stmt, {"name": TRIGRAM_INDEX}) is not None
        app.extensions["search_trigrams"] = present
    return app.extensions["search_trigrams"]


def _vocabulary() -> list[Word]:
    """Every known word, read once per catalogue generation (each time when caching is off)."""
    global _memo
    key = cache_key("search-words", ("catalogue",), ())
    memo = _memo
    if key is not None and memo is not None and memo[0] == key:
        return memo[1]
    words: list[Word] = [tuple(row) for row in db.session.execute(select(search_words))]  # type: ignore[misc]
    if key is not None:
        with _memo_lock:
            _memo = (key, words)
    return words


def _candidates(typed: str) -> list[Word]:
    w = search_words.c
    if _has_trigrams():
        # Below pg_trgm's default 0.3: a typo in a short word leaves few trigrams in common.
        # For the connection, not the transaction: a read-only page runs in autocommit, where
        # a transaction lasts one statement (and inside a transaction a rollback undoes it).
        db.session.execute(text("SELECT set_config('pg_trgm.similarity_threshold', '0.15', false)"))
        stmt = (
            select(w.word, w.written, w.weight)
            .where(w.word.op("%")(typed))
            .order_by(func.similarity(w.word, typed).desc())
            .limit(CANDIDATES)
        )
        return [tuple(row) for row in db.session.execute(stmt)]  # type: ignore[misc]
    words = _vocabulary()
    folded = [word for word, _, _ in words]
    heads = [word[: len(typed)] for word in folded]
    picked = {
        i
        for choices, cutoff in ((folded, 50), (heads, 70))
        for _, _, i in process.extract(
            typed, choices, scorer=fuzz.ratio, limit=CANDIDATES, score_cutoff=cutoff
        )
    }
    return [words[i] for i in picked]


def nearest(typed: str) -> str | None:
    """The known word nearest to a typed (folded) one, as written; None if none is near."""
    if len(typed) < MIN_LENGTH:
        return None
    scored = [
        (closeness(typed, word), weight, -len(word), written)
        for word, written, weight in _candidates(typed)
    ]
    scored = [s for s in scored if s[0] >= CLOSE]
    return max(scored)[3] if scored else None


@dataclass(frozen=True)
class Correction:
    """What the fallback makes of a search that found nothing."""

    text: str | None  # the search with its unknown words replaced by the nearest known ones
    known: bool  # every required word is in some fair: they just never meet in one


def correct(q: str, *, limit: int) -> Correction:
    """The search with each word that no fair has replaced by the nearest known word; no text
    when every word is known (`known`: the words just never meet in one fair) or one has no
    near word."""
    terms = query_terms(q, limit=limit)
    if not terms:
        return Correction(None, known=False)
    missing = [term for term in unknown(terms) if term.required]  # "выставка" may stay unmet
    if not missing:
        return Correction(None, known=True)
    replacements: dict[str, str] = {}
    for term in missing:
        near = nearest(term.word)
        if near is None:
            return Correction(None, known=False)
        replacements[term.word] = near
    text = WORD.sub(lambda m: replacements.get(fold(m.group()), m.group()), q)
    return Correction(text, known=False)


def suggest(q: str, *, limit: int) -> str | None:
    """The corrected search (see `correct`), or None."""
    return correct(q, limit=limit).text
