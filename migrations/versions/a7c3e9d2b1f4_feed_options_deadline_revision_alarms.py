"""feed options, deadline revisions and calendar alarms

The private feed carries registration deadlines: their SEQUENCE grows with each move of the
deadline (fairs.deadline_revision). Each feed address says whether its calendar holds the
deadlines and the programme items; a company may ask for alarms in its calendars.

Revision ID: a7c3e9d2b1f4
Revises: f2a3b4c5d6e7
Create Date: 2026-11-27 17:00:00

"""

from alembic import op
import sqlalchemy as sa

import fairplanner.db


# revision identifiers, used by Alembic.
revision = "a7c3e9d2b1f4"
down_revision = "f2a3b4c5d6e7"
branch_labels = None
depends_on = None


# Defaults as plain strings ("1" is true, "0" false on both databases): with an SQL expression
# (sa.true()) Alembic rebuilds the table on SQLite, and dropping "companies" fails on a database
# whose other tables refer to it.


def upgrade():
    with op.batch_alter_table("fairs", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deadline_revision", sa.Integer(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("calendar_tokens", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("include_deadlines", sa.Boolean(), nullable=False, server_default="1")
        )
        batch_op.add_column(
            sa.Column("include_programme", sa.Boolean(), nullable=False, server_default="1")
        )
        batch_op.add_column(
            sa.Column("changed_at", fairplanner.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("calendar_alarms", sa.Boolean(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("companies", schema=None) as batch_op:
        batch_op.drop_column("calendar_alarms")
    with op.batch_alter_table("calendar_tokens", schema=None) as batch_op:
        batch_op.drop_column("changed_at")
        batch_op.drop_column("include_programme")
        batch_op.drop_column("include_deadlines")
    with op.batch_alter_table("fairs", schema=None) as batch_op:
        batch_op.drop_column("deadline_revision")
