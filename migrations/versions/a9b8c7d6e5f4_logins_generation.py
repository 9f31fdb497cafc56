"""the "logins" cache generation: logins kept for the public pages

Every change to a user, a company or the ended logins replaces it (fairplanner.cache.cover in
fairplanner.accounts.models), so a process may keep a checked login while it stands.

Revision ID: a9b8c7d6e5f4
Revises: d1661f33b506
Create Date: 2026-11-27 20:20:00.000000

"""
import secrets

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9b8c7d6e5f4'
down_revision = 'd1661f33b506'
branch_labels = None
depends_on = None

generations = sa.table(
    "cache_generations",
    sa.column("name", sa.String(40)),
    sa.column("value", sa.BigInteger()),
)


def upgrade():
    op.bulk_insert(generations, [{"name": "logins", "value": secrets.randbelow(2**62)}])


def downgrade():
    op.execute(generations.delete().where(generations.c.name == "logins"))
