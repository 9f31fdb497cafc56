"""registrations remember the fair's dates and venue at application

Revision ID: 5c1e0a7b9d42
Revises: 21712d9febff
Create Date: 2026-12-02 10:00:00.000000

A company's application shows that its fair moved (new dates or venue) by comparing the fair
with what it was when the company applied. Existing applications take the fair as it is now:
nothing earlier is known.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1e0a7b9d42'
down_revision = '21712d9febff'
branch_labels = None
depends_on = None


def upgrade():
    # Plain nullable columns: both databases add them in place (a batch would copy the table).
    op.add_column('registrations', sa.Column('applied_starts_on', sa.Date(), nullable=True))
    op.add_column('registrations', sa.Column('applied_ends_on', sa.Date(), nullable=True))
    op.add_column('registrations', sa.Column('applied_venue_id', sa.Integer(), nullable=True))
    op.execute(
        """
        UPDATE registrations SET
            applied_starts_on = (SELECT starts_on FROM fairs WHERE fairs.id = registrations.fair_id),
            applied_ends_on = (SELECT ends_on FROM fairs WHERE fairs.id = registrations.fair_id),
            applied_venue_id = (SELECT venue_id FROM fairs WHERE fairs.id = registrations.fair_id)
        """
    )


def downgrade():
    with op.batch_alter_table('registrations') as batch_op:
        batch_op.drop_column('applied_venue_id')
        batch_op.drop_column('applied_ends_on')
        batch_op.drop_column('applied_starts_on')
