"""companies follow fairs (a watch list without an application)

Revision ID: e1f2a3b4c5d6
Revises: c4d5e6f7a8b9
Create Date: 2026-11-27 16:55:00

"""
from alembic import op
import sqlalchemy as sa

import fairplanner.db


# revision identifiers, used by Alembic.
revision = 'e1f2a3b4c5d6'
down_revision = 'c4d5e6f7a8b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('follows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('company_id', sa.Integer(), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', fairplanner.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['company_id'], ['companies.id'], name=op.f('fk_follows_company_id_companies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_follows_fair_id_fairs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follows_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
    sa.UniqueConstraint('company_id', 'fair_id', name='uq_follows_company_fair')
    )
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_follows_company_id'), ['company_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_follows_fair_id'), ['fair_id'], unique=False)


def downgrade():
    with op.batch_alter_table('follows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_follows_fair_id'))
        batch_op.drop_index(batch_op.f('ix_follows_company_id'))

    op.drop_table('follows')
