"""Anonymous walk-ins in the programme totals

Revision ID: d2f6b1c8e4a7
Revises: b8d3f0a6c2e1
Create Date: 2026-12-07 14:00:00

A whole programme's report grouped every anonymous walk-in's attendance of the programme on each
request; ProgrammeCell now holds them as kind "w" (app/reports/walk_in_cells.py), per programme and
per municipality, kept in step with the door. This fills them for the walk-ins already recorded,
with the expressions as they were when this migration was made.
"""

from alembic import op

revision = "d2f6b1c8e4a7"
down_revision = "b8d3f0a6c2e1"
branch_labels = None
depends_on = None

COLUMNS = "programme_id, municipality_id, event_type, kind, gender, origin, age_band, country, best, count, key_sum"
TOLD = ("coalesce(attendance.anonymous_gender, ''), coalesce(attendance.anonymous_origin, ''), "
        "coalesce(attendance.anonymous_age_band, '')")
# Every programme an event counts towards: its own, and those it is attached to as a co-funded event.
COUNTED = ("SELECT id AS event_id, programme_id FROM event WHERE programme_id IS NOT NULL "
           "UNION SELECT event_id, programme_id FROM event_cofunder")


def _totals(municipality: str) -> str:
    grouped = "counted.programme_id, " + ("event.municipality_id, " if municipality != "0" else "") + TOLD
    return (
        f"SELECT counted.programme_id, {municipality}, '', 'w', {TOLD}, '', 0, count(*), "
        f"sum(CAST(attendance.record_key AS BIGINT)) FROM attendance "
        f"JOIN event ON event.id = attendance.event_id "
        f"JOIN ({COUNTED}) AS counted ON counted.event_id = event.id "
        f"WHERE attendance.participant_id IS NULL GROUP BY {grouped}"
    )


def upgrade():
    op.execute(f"INSERT INTO programme_cell ({COLUMNS}) {_totals('0')} "
               f"UNION ALL {_totals('event.municipality_id')}")


def downgrade():
    op.execute("DELETE FROM programme_cell WHERE kind = 'w'")
