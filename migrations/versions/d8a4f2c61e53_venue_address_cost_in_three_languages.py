"""Venues, addresses and cost notes in three languages: an event's venue and a directory entry's
address and cost note get one column per language (fr, ar, en), as their titles and names have.

The text already written moves into its original language: Arabic when most of its letters are
Arabic, else French (the language organisers have written them in so far). Going down keeps the
first language written.

Revision ID: d8a4f2c61e53
Revises: b5e2c9d4a7f1
Create Date: 2026-12-06 21:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'd8a4f2c61e53'
down_revision = 'b5e2c9d4a7f1'
branch_labels = None
depends_on = None

LANGUAGES = ("fr", "ar", "en")
# table: [(field, type, the new columns' NOT NULL default or None for nullable)]
FIELDS = {
    "event": [("venue", sa.String(200), None)],
    "service": [("address", sa.String(300), ""), ("cost_note", sa.String(200), "")],
}


def _language_of(text):
    # The same rule as app.core.translated.original_language, frozen here as this revision knew it.
    letters = [ch for ch in text or "" if ch.isalpha()]
    arabic = sum(1 for ch in letters if "\u0600" <= ch <= "\u06ff")
    return "ar" if letters and arabic * 2 > len(letters) else "fr"


def _rows(table, fields):
    return sa.table(table, sa.column("id"), *(sa.column(f) for f, _, _ in fields),
                    *(sa.column(f"{f}_{c}") for f, _, _ in fields for c in LANGUAGES))


def upgrade():
    connection = op.get_bind()
    for table, fields in FIELDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for field, kind, default in fields:
                for code in LANGUAGES:
                    if default is None:
                        batch_op.add_column(sa.Column(f"{field}_{code}", kind, nullable=True))
                    else:
                        batch_op.add_column(sa.Column(f"{field}_{code}", kind, nullable=False,
                                                      server_default=default))
        rows = _rows(table, fields)
        for row in connection.execute(sa.select(rows)).mappings().all():
            values = {}
            for field, _, _ in fields:
                text = row[field]
                if text is not None and text.strip():
                    values[f"{field}_{_language_of(text)}"] = text
            if values:
                connection.execute(rows.update().where(rows.c.id == row["id"]).values(**values))
        with op.batch_alter_table(table, schema=None) as batch_op:
            for field, _, default in fields:
                batch_op.drop_column(field)
                if default is not None:  # the model gives the default, as it did for the old column
                    for code in LANGUAGES:
                        batch_op.alter_column(f"{field}_{code}", server_default=None)


def downgrade():
    connection = op.get_bind()
    for table, fields in FIELDS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for field, kind, _ in fields:
                batch_op.add_column(sa.Column(field, kind, nullable=False, server_default=""))
        rows = _rows(table, fields)
        connection.execute(rows.update().values(**{
            field: sa.func.coalesce(*(sa.func.nullif(rows.c[f"{field}_{c}"], "") for c in LANGUAGES), "")
            for field, _, _ in fields
        }))
        with op.batch_alter_table(table, schema=None) as batch_op:
            for field, _, _ in fields:
                batch_op.alter_column(field, server_default=None)
                for code in LANGUAGES:
                    batch_op.drop_column(f"{field}_{code}")
