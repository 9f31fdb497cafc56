"""hall plans and stand positions: a plan image per hall of a fair, stands' points on it

The image is an images row (a foreign key, so media's clean-up sees it in use); a stand's
point is fractions (0..1) of the image's width and height (fairplanner.exhibitors.models).

Revision ID: 9b0cf673793f
Revises: 3ed3639d01aa
Create Date: 2026-11-27 21:06:45.507228

"""
from alembic import op
import sqlalchemy as sa

import fairplanner.db


# revision identifiers, used by Alembic.
revision = '9b0cf673793f'
down_revision = '3ed3639d01aa'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hall_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('hall', sa.String(length=40), nullable=False),
    sa.Column('image_id', sa.Integer(), nullable=False),
    sa.Column('updated_at', fairplanner.db.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_hall_plans_fair_id_fairs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['image_id'], ['images.id'], name=op.f('fk_hall_plans_image_id_images')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hall_plans')),
    sa.UniqueConstraint('fair_id', 'hall', name=op.f('uq_hall_plans_fair_id'))
    )
    with op.batch_alter_table('hall_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hall_plans_image_id'), ['image_id'], unique=False)

    op.create_table('stand_positions',
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('stand', sa.String(length=40), nullable=False),
    sa.Column('x', sa.Float(), nullable=False),
    sa.Column('y', sa.Float(), nullable=False),
    sa.CheckConstraint('x >= 0 AND x <= 1 AND y >= 0 AND y <= 1', name=op.f('ck_stand_positions_on_plan')),
    sa.ForeignKeyConstraint(['plan_id'], ['hall_plans.id'], name=op.f('fk_stand_positions_plan_id_hall_plans'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('plan_id', 'stand', name=op.f('pk_stand_positions'))
    )


def downgrade():
    op.drop_table('stand_positions')
    with op.batch_alter_table('hall_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hall_plans_image_id'))

    op.drop_table('hall_plans')
