"""index fairs' and programme items' updated_at: the feeds' Last-Modified reads their maximum

Revision ID: f0a1b2c3d4e5
Revises: e1f2a3b4c5d6
Create Date: 2026-11-27 17:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f0a1b2c3d4e5'
down_revision = 'e1f2a3b4c5d6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fairs_updated_at'), ['updated_at'], unique=False)
    with op.batch_alter_table('programme_events', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_programme_events_updated_at'), ['updated_at'], unique=False
        )


def downgrade():
    with op.batch_alter_table('programme_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_programme_events_updated_at'))
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fairs_updated_at'))
