"""fair imports and the fairs' external ids

Revision ID: a7c4e19b2d36
Revises: a18bc2795b81
Create Date: 2026-11-28 06:10:00.000000

"""

from alembic import op
import sqlalchemy as sa

import fairplanner.db


# revision identifiers, used by Alembic.
revision = "a7c4e19b2d36"
down_revision = "a18bc2795b81"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "fair_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organizer_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("created_at", fairplanner.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("source", sa.String(length=2000), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("applied_at", fairplanner.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organizer_id"],
            ["organizers.id"],
            name=op.f("fk_fair_imports_organizer_id_organizers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_fair_imports_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fair_imports")),
    )
    with op.batch_alter_table("fair_imports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_fair_imports_created_at"), ["created_at"])
        batch_op.create_index(batch_op.f("ix_fair_imports_organizer_id"), ["organizer_id"])
        batch_op.create_index(batch_op.f("ix_fair_imports_status"), ["status"])
        batch_op.create_index(batch_op.f("ix_fair_imports_user_id"), ["user_id"])

    with op.batch_alter_table("fairs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_id", sa.String(length=300), nullable=True))
        # An index, not a constraint: SQLite adds it without rebuilding the table (whose
        # rebuild would cascade-delete the rows that point at the fairs).
        batch_op.create_index(
            "ix_fairs_organizer_external_id", ["organizer_id", "external_id"], unique=True
        )


def downgrade():
    with op.batch_alter_table("fairs", schema=None) as batch_op:
        batch_op.drop_index("ix_fairs_organizer_external_id")
        batch_op.drop_column("external_id")

    with op.batch_alter_table("fair_imports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fair_imports_user_id"))
        batch_op.drop_index(batch_op.f("ix_fair_imports_status"))
        batch_op.drop_index(batch_op.f("ix_fair_imports_organizer_id"))
        batch_op.drop_index(batch_op.f("ix_fair_imports_created_at"))

    op.drop_table("fair_imports")
