"""erased accounts and companies: a tombstone keeps the history, not the person

Revision ID: a7e3c91d5b20
Revises: 5c1e0a7b9d42
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa

import fairplanner.db


# revision identifiers, used by Alembic.
revision = 'a7e3c91d5b20'
down_revision = '5c1e0a7b9d42'
branch_labels = None
depends_on = None


def upgrade():
    # An erased user keeps only its id (the change log points at it): no address, no hash.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', fairplanner.db.UTCDateTime(timezone=True), nullable=True))
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=True)
        batch_op.alter_column('password_hash', existing_type=sa.String(length=256), nullable=True)
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('erased_at', fairplanner.db.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    # Tombstones get an address nobody can own and a hash nothing matches.
    op.execute(
        "UPDATE users SET email = 'erased-' || id || '@erased.invalid' WHERE email IS NULL"
    )
    op.execute("UPDATE users SET password_hash = '!' WHERE password_hash IS NULL")
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_column('erased_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.alter_column('password_hash', existing_type=sa.String(length=256), nullable=False)
        batch_op.alter_column('email', existing_type=sa.String(length=254), nullable=False)
        batch_op.drop_column('erased_at')
