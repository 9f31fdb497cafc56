"""The exhibitor catalogue's migration gives the companies there are unique slugs."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from fairplanner.extensions import db
from tests.test_migrations import _fill

REVISION = "3ed3639d01aa"


def test_existing_companies_get_unique_slugs_and_applications_stay_listed(app):
    with app.app_context():
        db.session.remove()
        downgrade(revision=f"{REVISION}-1")
        with db.engine.begin() as conn:
            for name in ("ООО «Вятка-Лес»", "ООО «Вятка-Лес»", "!!!"):
                _fill(conn, "companies", {"legal_name": name})
        upgrade()
        with db.engine.connect() as conn:
            slugs = conn.execute(sa.text("SELECT slug FROM companies ORDER BY id")).scalars().all()
        assert slugs == ["ooo-viatka-les", "ooo-viatka-les-2", "company"]
        downgrade(revision=f"{REVISION}-1")
        assert "slug" not in {c["name"] for c in sa.inspect(db.engine).get_columns("companies")}
        upgrade()
        with db.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM companies"))
