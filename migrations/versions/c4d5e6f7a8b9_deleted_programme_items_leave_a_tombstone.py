"""deleted programme items leave a tombstone: their .ics answers 410, feeds cancel them

Revision ID: c4d5e6f7a8b9
Revises: a2fdd8ced432
Create Date: 2026-11-27 13:10:00

"""
from alembic import op
import sqlalchemy as sa

import fairplanner.db


# revision identifiers, used by Alembic.
revision = 'c4d5e6f7a8b9'
down_revision = 'a2fdd8ced432'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deleted_programme_events',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('title_ru', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=True),
    sa.Column('starts_at', fairplanner.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ends_at', fairplanner.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', fairplanner.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('deleted_at', fairplanner.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_deleted_programme_events_fair_id_fairs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deleted_programme_events'))
    )
    with op.batch_alter_table('deleted_programme_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deleted_programme_events_deleted_at'), ['deleted_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_deleted_programme_events_fair_id'), ['fair_id'], unique=False)


def downgrade():
    with op.batch_alter_table('deleted_programme_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_deleted_programme_events_fair_id'))
        batch_op.drop_index(batch_op.f('ix_deleted_programme_events_deleted_at'))

    op.drop_table('deleted_programme_events')
