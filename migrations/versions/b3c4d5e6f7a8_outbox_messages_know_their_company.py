"""outbox messages know the company they are about

Revision ID: b3c4d5e6f7a8
Revises: 6dfbb3d099cf
Create Date: 2026-11-27 12:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b3c4d5e6f7a8'
down_revision = '6dfbb3d099cf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('company_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_outbox_messages_company_id'), ['company_id'], unique=False)


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_company_id'))
        batch_op.drop_column('company_id')
