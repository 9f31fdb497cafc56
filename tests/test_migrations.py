"""The migrations build the schema from nothing, tear it down, and match the models."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

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
