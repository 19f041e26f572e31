"""Content in three languages: calls, their categories, programmes, targets and municipal answers get
one column per language (fr, ar, en), as events and services had; events' languages spoken take any
CLDR code.

The text already written moves into its original language: Arabic when most of its letters are
Arabic, else French (the platform's default). Going down keeps the first language written.

Revision ID: f3c8a1d47e20
Revises: f3b8a61c0d24
Create Date: 2026-12-06 18:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'f3c8a1d47e20'
down_revision = "f3b8a61c0d24"
branch_labels = None
depends_on = None

LANGUAGES = ("fr", "ar", "en")
# table: [(field, type, was NOT NULL)]
FIELDS = {
    "proposal_call": [("title", sa.String(200), True), ("description", sa.Text(), True)],
    "proposal_category": [("name", sa.String(80), True)],
    "proposal": [("answer_text", sa.Text(), True)],
    "proposal_status_change": [("answer_text", sa.Text(), True)],
    "programme": [("name", sa.String(200), True), ("description", sa.Text(), True)],
    "target": [("title", sa.String(200), True)],
}


def _language_of(text):
    # The same rule as app.core.translated.original_language, frozen here as this revision knew it.
    letters = [ch for ch in text or "" if ch.isalpha()]
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
    return "ar" if letters and arabic * 2 > len(letters) else "fr"


def upgrade():
    connection = op.get_bind()
    for table, fields in FIELDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for field, kind, _ in fields:
                for code in LANGUAGES:
                    batch_op.add_column(sa.Column(f"{field}_{code}", kind, nullable=True))
        rows = sa.table(table, sa.column("id"), *(sa.column(f) for f, _, _ in fields),
                        *(sa.column(f"{f}_{c}") for f, _, _ in fields for c in LANGUAGES))
        for row in connection.execute(sa.select(rows)).mappings().all():
            values = {}
            for field, _, _ in fields:
                text = row[field]
                if text is not None and text.strip():
                    values[f"{field}_{_language_of(text)}"] = text
            if values:
                connection.execute(rows.update().where(rows.c.id == row["id"]).values(**values))
        with op.batch_alter_table(table, schema=None) as batch_op:
            for field, _, _ in fields:
                batch_op.drop_column(field)
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("languages", existing_type=sa.String(length=20), type_=sa.String(length=200),
                              existing_nullable=False)


def downgrade():
    connection = op.get_bind()
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.alter_column("languages", existing_type=sa.String(length=200), type_=sa.String(length=20),
                              existing_nullable=False)
    for table, fields in FIELDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for field, kind, _ in fields:
                batch_op.add_column(sa.Column(field, kind, nullable=False, server_default=""))
        rows = sa.table(table, sa.column("id"), *(sa.column(f) for f, _, _ in fields),
                        *(sa.column(f"{f}_{c}") for f, _, _ in fields for c in LANGUAGES))
        connection.execute(rows.update().values(**{
            field: sa.func.coalesce(*(rows.c[f"{field}_{c}"] for c in LANGUAGES), "")
            for field, _, _ in fields
        }))
        with op.batch_alter_table(table, schema=None) as batch_op:
            for field, _, _ in fields:
                batch_op.alter_column(field, server_default=None)
                for code in LANGUAGES:
                    batch_op.drop_column(f"{field}_{code}")
