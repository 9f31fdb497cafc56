"""hall and stand of each approved exhibitor, unique per fair

Two nullable columns (added in place, no table rebuild) and a partial unique index over the
approved applications that have both: the database refuses a second exhibitor on the same
stand even when two organizers assign it at once.

Revision ID: 3e0fd6e51729
Revises: a9b8c7d6e5f4
Create Date: 2026-11-27 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3e0fd6e51729'
down_revision = 'a9b8c7d6e5f4'
branch_labels = None
depends_on = None

HELD = "hall IS NOT NULL AND stand IS NOT NULL AND status = 'approved'"


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('hall', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('stand', sa.String(length=40), nullable=True))
    op.create_index(
        'uq_registrations_stand',
        'registrations',
        ['fair_id', 'hall', 'stand'],
        unique=True,
        sqlite_where=sa.text(HELD),
        postgresql_where=sa.text(HELD),
    )


def downgrade():
    op.drop_index('uq_registrations_stand', table_name='registrations')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('stand')
        batch_op.drop_column('hall')
