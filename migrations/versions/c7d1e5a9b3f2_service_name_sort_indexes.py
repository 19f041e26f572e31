"""The directory's list sorted through an index per language

Revision ID: c7d1e5a9b3f2
Revises: d8a4f2c61e53
Create Date: 2026-12-06 21:10:00

The public list sorts by the name in the reader's language, else the first language that has one
(app/directory/models.py, name_sort_key): with this index the first page is read in index order
instead of sorting every entry on each visit. The expressions are written out here as they were when
this migration was made.
"""

from alembic import op

revision = "c7d1e5a9b3f2"
down_revision = "d8a4f2c61e53"
branch_labels = None
depends_on = None

ORDERS = {"fr": ("fr", "ar", "en"), "ar": ("ar", "fr", "en"), "en": ("en", "fr", "ar")}


def upgrade():
    for language, order in ORDERS.items():
        key = ", ".join(f"nullif(name_{code}, '')" for code in order)
        op.execute(f"CREATE INDEX ix_service_name_{language} ON service (lower(coalesce({key})), id)")
    # Without statistics SQLite prefers the listing index (sensitivity, retired_at), which every
    # public entry matches, and sorts them all: counted now, the planner walks the name index.
    op.execute("ANALYZE service")


def downgrade():
    for language in ORDERS:
        op.drop_index(f"ix_service_name_{language}", table_name="service")
