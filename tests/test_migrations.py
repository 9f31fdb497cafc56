"""The migrations build the schema from nothing, tear it down, and match the models."""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from fairplanner.catalogue.search.fuzzy import TRIGRAM_INDEX
from fairplanner.db import compared
from fairplanner.extensions import db


def test_migrations_go_down_and_up_and_match_the_models(app):
    with app.app_context():
        db.session.remove()
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        assert tables == set()
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
        assert {"fairs", "venues", "cities", "sectors", "organizers", "programme_events"} <= tables
        with db.engine.connect() as conn:
            diff = compare_metadata(
                MigrationContext.configure(conn, opts={"include_object": compared}), db.metadata
            )
        assert diff == [], f"models and migrations disagree: {diff}"


SEARCH_REVISION = "a2fdd8ced432"


def _search_migration():
    path = next(Path(__file__).parent.parent.glob(f"migrations/versions/{SEARCH_REVISION}_*.py"))
    spec = importlib.util.spec_from_file_location("search_migration", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_search_migration_indexes_the_fairs_there_are_and_goes_down(app):
    from fairplanner.catalogue.models import City, Fair, Organizer, Venue

    with app.app_context():
        db.session.remove()
        downgrade(revision=f"{SEARCH_REVISION}-1")
        assert "fair_terms" not in sa.inspect(db.engine).get_table_names()
        today = date(2027, 5, 1)
        with db.engine.begin() as conn:
            city = conn.execute(
                sa.insert(City.__table__).returning(City.id),
                {"slug": "gomel", "name_ru": "Гомель", "name_en": "Gomel", "oblast": "gomel"},
            ).scalar_one()
            venue = conn.execute(
                sa.insert(Venue.__table__).returning(Venue.id),
                {"slug": "v", "name_ru": "Ледовый дворец", "city_id": city},
            ).scalar_one()
            organizer = conn.execute(
                sa.insert(Organizer.__table__).returning(Organizer.id),
                {"slug": "o", "name_ru": "Облисполком"},
            ).scalar_one()
            conn.execute(
                sa.insert(Fair.__table__),
                {
                    "slug": "agro", "name_ru": "Белагро", "kind": "fair", "status": "published",
                    "starts_on": today, "ends_on": today, "venue_id": venue,
                    "organizer_id": organizer, "registration_opens_on": today,
                    "registration_deadline": today, "capacity_unit": "stands",
                    "stand_area_min": 4, "stand_area_max": 10,
                },
            )  # fmt: skip
        try:
            upgrade()
            with db.engine.connect() as conn:
                terms = set(conn.scalars(sa.text("SELECT term FROM fair_terms")))
                words = set(conn.scalars(sa.text("SELECT word FROM search_words")))
                indexes = {i["name"] for i in sa.inspect(conn).get_indexes("search_words")}
            assert {"белагр", "гомел", "homiel", "ледов", "облисполк"} <= terms
            assert {"белагро", "homiel", "ледовый"} <= words
            # Where pg_trgm may be created (the test server lets us), its index is made.
            assert (TRIGRAM_INDEX in indexes) == (db.engine.dialect.name == "postgresql")
            downgrade(revision=f"{SEARCH_REVISION}-1")
            names = set(sa.inspect(db.engine).get_table_names())
            assert not {"fair_terms", "search_words"} & names
        finally:
            upgrade()
            with db.engine.begin() as conn:
                for table in (Fair, Venue, Organizer, City):
                    conn.execute(sa.delete(table.__table__))


# pg_trgm is PostgreSQL's: this test runs on that database only (no skip on SQLite).
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_search_migration_goes_on_where_pg_trgm_is_refused(app):
    with app.app_context():
        migration = _search_migration()
        with db.engine.connect() as conn, conn.begin() as outer:
            conn.execute(sa.text("DROP EXTENSION IF EXISTS pg_trgm CASCADE"))
            # A role without CREATE on the database may not create even a trusted extension.
            conn.execute(sa.text("CREATE ROLE fp_no_extensions"))
            conn.execute(sa.text("GRANT ALL ON SCHEMA public TO fp_no_extensions"))
            conn.execute(sa.text("SET ROLE fp_no_extensions"))
            migration.enable_trigrams(conn)
            conn.execute(sa.text("RESET ROLE"))
            assert conn.scalar(sa.text("SELECT 1")) == 1  # the transaction goes on
            indexes = {i["name"] for i in sa.inspect(conn).get_indexes("search_words")}
            assert TRIGRAM_INDEX not in indexes
            outer.rollback()


LANDED_HEAD = "c4d5e6f7a8b9"  # the last revision a release had before issue 14's


def _fill(conn: sa.Connection, table: str, values: dict) -> int:
    """A row of `table` with `values` and a plain value in every other required column."""
    columns = sa.inspect(conn).get_columns(table)
    row = dict(values)
    for column in columns:
        name = column["name"]
        if name in row or column["nullable"] or column.get("default") is not None:
            continue
        if column.get("autoincrement") is True or name == "id":
            continue
        kind = str(column["type"]).upper()
        if "INT" in kind or "NUMERIC" in kind:
            row[name] = 1
        elif "BOOL" in kind:
            row[name] = False
        elif "DATETIME" in kind or "TIMESTAMP" in kind:
            row[name] = "2026-11-01 10:00:00.000000"
        elif kind == "DATE":
            row[name] = "2027-05-01"
        elif "JSON" in kind:
            row[name] = "[]"
        else:
            row[name] = f"{name}-{table}"[:20]
    keys = ", ".join(row)
    marks = ", ".join(f":{key}" for key in row)
    return conn.execute(
        sa.text(f"INSERT INTO {table} ({keys}) VALUES ({marks}) RETURNING id"),  # noqa: S608 - names from the schema
        row,
    ).scalar_one()


def test_the_migrations_upgrade_a_database_that_holds_data(app):
    """Issue 14's migrations add columns to tables other tables refer to (companies, fairs):
    on SQLite, where foreign keys are enforced, a migration that rebuilt such a table would
    fail on any real database, though never on an empty one."""
    with app.app_context():
        db.session.remove()
        downgrade(revision="base")
        upgrade(revision=LANDED_HEAD)
        with db.engine.begin() as conn:
            company = _fill(conn, "companies", {"legal_name": "ООО «Вятка-Лес»"})
            _fill(conn, "users", {"email": "member@vyatka.example", "company_id": company})
            _fill(conn, "calendar_tokens", {"company_id": company, "token": "t" * 40})
        upgrade()
        with db.engine.connect() as conn:
            row = conn.execute(
                sa.text("SELECT legal_name, calendar_alarms, follows_version FROM companies")
            ).one()
            token = conn.execute(
                sa.text("SELECT include_deadlines, include_programme FROM calendar_tokens")
            ).one()
        assert row[0] == "ООО «Вятка-Лес»"
        assert not row[1]
        assert row[2] == 0
        assert all(token)
        with db.engine.begin() as conn:  # the next tests start from empty tables
            for table in ("calendar_tokens", "users", "companies"):
                conn.execute(sa.text(f"DELETE FROM {table}"))  # noqa: S608 - fixed names
