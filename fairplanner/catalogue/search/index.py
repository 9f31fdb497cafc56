"""The term index (fair_terms) and the vocabulary (search_words), kept current at write time.

`reindex(connection, fair_ids)` recomputes the rows of some fairs, `reindex(connection)` of all
of them; both read the texts with plain Core statements over the columns they need, so the
migration that creates the tables and `flask search reindex` run the very same code. A session
hook reindexes, after each flush, the fairs whose searched texts changed and the fairs held at
a venue, in a city, by an organizer or in a sector whose name changed.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from fairplanner.catalogue.search.analyzer import ASIDE, DESCRIPTION, NAME, document, vocabulary
from fairplanner.catalogue.search.places import place_names

log = logging.getLogger(__name__)
CHUNK = 500  # fairs read and written at a time
ROWS = 10_000  # rows per INSERT batch

# The columns read, declared here (not the models) so that the migration can use this code.
_fairs = sa.table(
    "fairs",
    *(sa.column(c) for c in ("id", "venue_id", "organizer_id")),
    *(sa.column(c) for c in ("name_ru", "name_en", "description_ru", "description_en")),
)
_venues = sa.table("venues", *(sa.column(c) for c in ("id", "city_id", "name_ru", "name_en")))
_cities = sa.table("cities", *(sa.column(c) for c in ("id", "slug", "name_ru", "name_en")))
_organizers = sa.table(
    "organizers",
    *(sa.column(c) for c in ("id", "name_ru", "name_en", "short_name_ru", "short_name_en")),
)
_sectors = sa.table("sectors", *(sa.column(c) for c in ("id", "name_ru", "name_en")))
_links = sa.table("fair_sectors", sa.column("fair_id"), sa.column("sector_id"))
_terms = sa.table("fair_terms", sa.column("fair_id"), sa.column("term"), sa.column("weight"))
_words = sa.table("search_words", sa.column("word"), sa.column("written"), sa.column("weight"))

Fields = list[tuple[str | None, int]]


def _texts(conn: Connection, fair_ids: Sequence[int] | None) -> dict[int, Fields]:
    """The searched texts of the fairs, each with the weight of its field: two statements."""
    f, v, c, o = _fairs, _venues, _cities, _organizers
    stmt = (
        sa.select(
            f.c.id, f.c.name_ru, f.c.name_en, f.c.description_ru, f.c.description_en,
            v.c.name_ru.label("venue_ru"), v.c.name_en.label("venue_en"),
            c.c.slug, c.c.name_ru.label("city_ru"), c.c.name_en.label("city_en"),
            o.c.name_ru.label("org_ru"), o.c.name_en.label("org_en"),
            o.c.short_name_ru, o.c.short_name_en,
        )
        .select_from(
            f.join(v, v.c.id == f.c.venue_id)
            .join(c, c.c.id == v.c.city_id)
            .join(o, o.c.id == f.c.organizer_id)
        )
    )  # fmt: skip
    links = sa.select(_links.c.fair_id, _sectors.c.name_ru, _sectors.c.name_en).join(
        _sectors, _sectors.c.id == _links.c.sector_id
    )
    if fair_ids is not None:
        stmt = stmt.where(f.c.id.in_(fair_ids))
        links = links.where(_links.c.fair_id.in_(fair_ids))
    found: dict[int, Fields] = {}
    for r in conn.execute(stmt).mappings():
        places = place_names(r["slug"], r["city_ru"], r["city_en"])
        found[r["id"]] = [
            (r["name_ru"], NAME),
            (r["name_en"], NAME),
            *((p, ASIDE) for p in places),
            (r["venue_ru"], ASIDE),
            (r["venue_en"], ASIDE),
            (r["org_ru"], ASIDE),
            (r["org_en"], ASIDE),
            (r["short_name_ru"], ASIDE),
            (r["short_name_en"], ASIDE),
            (r["description_ru"], DESCRIPTION),
            (r["description_en"], DESCRIPTION),
        ]
    for fair_id, name_ru, name_en in conn.execute(links):
        if fair_id in found:
            found[fair_id] += [(name_ru, ASIDE), (name_en, ASIDE)]
    return found


def _insert(conn: Connection, table: sa.TableClause, rows: list[dict[str, Any]]) -> None:
    if rows and conn.dialect.driver == "psycopg":
        # COPY: a national catalogue's 400,000 terms in seconds, not a minute of INSERTs.
        names = list(rows[0])
        columns = ", ".join(names)
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        with cursor, cursor.copy(f"COPY {table.name} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in names])
        return
    for start in range(0, len(rows), ROWS):
        conn.execute(sa.insert(table), rows[start : start + ROWS])


def _add_words(conn: Connection, words: dict[str, tuple[str, int]], *, fresh: bool) -> None:
    rows = [{"word": k, "written": w, "weight": n} for k, (w, n) in words.items()]
    if not rows:
        return
    if fresh:  # the table was emptied: no conflicts
        _insert(conn, _words, rows)
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    for start in range(0, len(rows), ROWS):
        stmt = dialect.insert(_words).on_conflict_do_nothing(index_elements=["word"])
        conn.execute(stmt, rows[start : start + ROWS])


def reindex(conn: Connection, fair_ids: Iterable[int] | None = None) -> int:
    """Recompute the terms of the given fairs (all when None); returns how many fairs."""
    everything = fair_ids is None
    if everything:
        conn.execute(sa.delete(_terms))
        conn.execute(sa.delete(_words))
        chunks: list[Sequence[int] | None] = [None]
    else:
        ids = sorted(set(fair_ids))  # type: ignore[arg-type]
        chunks = [ids[i : i + CHUNK] for i in range(0, len(ids), CHUNK)]
    done = 0
    for chunk in chunks:
        if chunk is not None:
            if not chunk:
                continue
            conn.execute(sa.delete(_terms).where(_terms.c.fair_id.in_(chunk)))
        texts = _texts(conn, chunk)
        rows: list[dict[str, Any]] = []
        words: dict[str, tuple[str, int]] = {}
        for fair_id, fields in texts.items():
            rows += [
                {"fair_id": fair_id, "term": t, "weight": w} for t, w in document(fields).items()
            ]
            for folded, (written, weight) in vocabulary(fields).items():
                if words.get(folded, ("", 0))[1] < weight:
                    words[folded] = (written, weight)
        _insert(conn, _terms, rows)
        _add_words(conn, words, fresh=everything)
        done += len(texts)
    return done


# Keeping it current --------------------------------------------------------------------------

FAIR_FIELDS = ("name_ru", "name_en", "description_ru", "description_en", "venue", "venue_id")
FAIR_FIELDS += ("organizer", "organizer_id", "sectors")
NAMES = ("name_ru", "name_en")


def _fairs_of_cities(ids: list[int]) -> sa.ColumnElement[bool]:
    return _fairs.c.venue_id.in_(sa.select(_venues.c.id).where(_venues.c.city_id.in_(ids)))


def _fairs_in_sectors(ids: list[int]) -> sa.ColumnElement[bool]:
    return _fairs.c.id.in_(sa.select(_links.c.fair_id).where(_links.c.sector_id.in_(ids)))


@cache
def _dependencies() -> dict[type, tuple[tuple[str, ...], Callable[[list[int]], Any]]]:
    """What a fair's terms depend on: model -> (its searched fields, the fairs that use it)."""
    from fairplanner.catalogue.models import City, Organizer, Sector, Venue

    return {
        Venue: ((*NAMES, "city", "city_id"), lambda ids: _fairs.c.venue_id.in_(ids)),
        City: ((*NAMES, "slug"), _fairs_of_cities),
        Organizer: ((*NAMES, "short_name_ru", "short_name_en"), _fairs.c.organizer_id.in_),
        Sector: (NAMES, _fairs_in_sectors),
    }


def _changed(obj: object, fields: Iterable[str]) -> bool:
    state = sa.inspect(obj)
    return any(state.attrs[name].history.has_changes() for name in fields)


@event.listens_for(Session, "after_flush")
def _reindex_after_flush(session: Session, context: Any) -> None:
    """Reindex the fairs this flush changed the searched texts of, directly or through the
    names of their venue, city, organizer or sectors."""
    from fairplanner.catalogue.models import Fair

    fair_ids: set[int] = set()
    dependencies = _dependencies()
    depends: dict[type, set[int]] = {}
    for obj in session.new:
        if isinstance(obj, Fair):
            fair_ids.add(obj.id)
    for obj in session.dirty:
        if isinstance(obj, Fair):
            if _changed(obj, FAIR_FIELDS):
                fair_ids.add(obj.id)
        elif (model := type(obj)) in dependencies and _changed(obj, dependencies[model][0]):
            depends.setdefault(model, set()).add(obj.id)  # type: ignore[attr-defined]
    if not fair_ids and not depends:
        return
    conn = session.connection()
    for model, ids in depends.items():
        where = dependencies[model][1](sorted(ids))
        fair_ids.update(conn.scalars(sa.select(_fairs.c.id).where(where)))
    reindex(conn, fair_ids)
