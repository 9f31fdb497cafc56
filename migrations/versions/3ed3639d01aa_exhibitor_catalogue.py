"""the exhibitor catalogue: listing and entry per application, company slugs and public contact

Revision ID: 3ed3639d01aa
Revises: 14858578cd03
Create Date: 2026-11-27 20:50:00.000000

"""
import unicodedata

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '3ed3639d01aa'
down_revision = '14858578cd03'
branch_labels = None
depends_on = None

# A copy of fairplanner.text.slugify as it was when this migration was written.
_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяіў",
        "a b v g d e e zh z i i k l m n o p r s t u f kh ts ch sh shch _ y _ e iu ia i u".split(),
        strict=True,
    )
)
_LATIN.update({"ъ": "", "ь": ""})


def _slugify(text, max_length=90):
    text = unicodedata.normalize("NFC", text).casefold().replace("ё", "е")
    out = []
    for char in text:
        latin = _LATIN.get(char)
        if latin is None:
            latin = "".join(
                c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
            )
        if latin:
            out.append(latin if latin.isascii() and latin.isalnum() else " ")
    return "-".join("".join(out).split())[:max_length].strip("-")


companies = sa.table(
    "companies",
    sa.column("id", sa.Integer()),
    sa.column("legal_name", sa.String(300)),
    sa.column("short_name", sa.String(120)),
    sa.column("slug", sa.String(100)),
)


def upgrade():
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('listed', sa.Boolean(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('entry_ru', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('entry_en', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column('entry_hidden', sa.Boolean(), server_default='0', nullable=False)
        )
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('slug', sa.String(length=100), nullable=True))
        batch_op.add_column(
            sa.Column('public_contact', sa.Boolean(), server_default='0', nullable=False)
        )
    conn = op.get_bind()
    taken = set()
    rows = conn.execute(
        sa.select(companies.c.id, companies.c.legal_name, companies.c.short_name).order_by(
            companies.c.id
        )
    )
    for company_id, legal_name, short_name in rows.all():
        base = _slugify(short_name or legal_name or "") or "company"
        slug, n = base, 1
        while slug in taken:
            n += 1
            slug = f"{base}-{n}"
        taken.add(slug)
        conn.execute(companies.update().where(companies.c.id == company_id).values(slug=slug))
    # A unique index, not a constraint: SQLite would rebuild the table for a constraint, which
    # fails on a filled database (other tables refer to companies).
    op.create_index(op.f('ix_companies_slug'), 'companies', ['slug'], unique=True)


def downgrade():
    op.drop_index(op.f('ix_companies_slug'), table_name='companies')
    with op.batch_alter_table('companies', schema=None) as batch_op:
        batch_op.drop_column('public_contact')
        batch_op.drop_column('slug')
    with op.batch_alter_table('registrations', schema=None) as batch_op:
        batch_op.drop_column('entry_hidden')
        batch_op.drop_column('entry_en')
        batch_op.drop_column('entry_ru')
        batch_op.drop_column('listed')
