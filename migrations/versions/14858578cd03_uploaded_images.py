"""uploaded images: content-addressed blobs, images, company logos, fair logos and covers

Blobs are keyed by the SHA-256 of their bytes and served at /media/<hash>.<ext>
(fairplanner.media); an image names the blobs of its sizes.

Revision ID: 14858578cd03
Revises: 3e0fd6e51729
Create Date: 2026-11-27 20:40:00.000000

"""
from alembic import op
import sqlalchemy as sa

import fairplanner.db


# revision identifiers, used by Alembic.
revision = '14858578cd03'
down_revision = '3e0fd6e51729'
branch_labels = None
depends_on = None

SIZES = ("full", "page", "card", "thumb", "og")
COLUMNS = (('companies', 'logo_id'), ('fairs', 'logo_id'), ('fairs', 'cover_id'))


def upgrade():
    op.create_table(
        'media_blobs',
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.Column('content_type', sa.String(length=40), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('data', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', fairplanner.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('hash', name=op.f('pk_media_blobs')),
    )
    op.create_table(
        'images',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_hash', sa.String(length=64), nullable=False),
        sa.Column('ext', sa.String(length=4), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        *[sa.Column(f'{size}_hash', sa.String(length=64), nullable=False) for size in SIZES],
        sa.Column('created_at', fairplanner.db.UTCDateTime(timezone=True), nullable=False),
        *[
            sa.ForeignKeyConstraint(
                [f'{size}_hash'],
                ['media_blobs.hash'],
                name=op.f(f'fk_images_{size}_hash_media_blobs'),
            )
            for size in SIZES
        ],
        sa.PrimaryKeyConstraint('id', name=op.f('pk_images')),
        sa.UniqueConstraint('source_hash', name=op.f('uq_images_source_hash')),
    )
    # ADD COLUMN … REFERENCES, not a batch's table rebuild: on SQLite, where foreign keys are
    # enforced, rebuilding a filled fairs or companies table fails or drops what refers to it.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column in COLUMNS:
        name = op.f(f'fk_{table}_{column}_images')
        if sqlite:
            op.execute(
                f'ALTER TABLE {table} ADD COLUMN {column} INTEGER '
                f'CONSTRAINT {name} REFERENCES images (id)'
            )
        else:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(name, table, 'images', [column], ['id'])


def downgrade():
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for table, column in reversed(COLUMNS):
        if not sqlite:
            op.drop_constraint(op.f(f'fk_{table}_{column}_images'), table, type_='foreignkey')
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)  # on SQLite, with its (unnamed there) foreign key
    op.drop_table('images')
    op.drop_table('media_blobs')
