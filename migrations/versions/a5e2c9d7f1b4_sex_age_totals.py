"""People by gender and exact age in the programme totals

Revision ID: a5e2c9d7f1b4
Revises: c7d1e5a9b3f2
Create Date: 2026-12-07 00:00:00

The sex x age tables of a whole programme (its public page, the report) grouped every person row
of the programme on each visit; ProgrammeCell now holds them as kind "y" (app/reports/cells.py),
kept in step like the other totals. This fills them for the people already counted, from the person
rows, with the expressions as they were when this migration was made.
"""

from alembic import op

revision = "a5e2c9d7f1b4"
down_revision = "c7d1e5a9b3f2"
branch_labels = None
depends_on = None

COLUMNS = "programme_id, municipality_id, event_type, kind, gender, origin, age_band, country, best, count, key_sum"
AGE = "CASE WHEN birth_year IS NOT NULL THEN CAST(first_year - birth_year AS VARCHAR) ELSE '' END"


def _totals(table: str, municipality: str) -> str:
    return (
        f"SELECT programme_id, {municipality}, '', 'y', coalesce(gender, ''), '', {AGE}, '', 0, "
        f"count(*), sum(CAST(record_key AS BIGINT)) FROM {table} "
        f"GROUP BY programme_id, {'municipality_id, ' if municipality != '0' else ''}coalesce(gender, ''), {AGE}"
    )


def upgrade():
    op.execute(f"INSERT INTO programme_cell ({COLUMNS}) {_totals('programme_person', '0')} "
               f"UNION ALL {_totals('municipality_person', 'municipality_id')}")


def downgrade():
    op.execute("DELETE FROM programme_cell WHERE kind = 'y'")
