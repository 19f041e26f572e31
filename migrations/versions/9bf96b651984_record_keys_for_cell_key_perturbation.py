"""record keys for cell key perturbation

Every participant and every attendance gets a random record key 0..255, drawn once; the reports
perturb each published figure by the sum of its records' keys (app/reports/cellkey.py). The
programme roll-ups keep the participant's key on their one row per person.

Revision ID: 9bf96b651984
Revises: c7d2e5f1a9b3
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9bf96b651984'
down_revision = 'c7d2e5f1a9b3'
branch_labels = None
depends_on = None


def _random_key() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return "floor(random() * 256)::smallint"
    return "abs(random()) % 256"


# Plain ADD COLUMN with a constant default, never a batch copy of the table: on SQLite that copy
# drops the old participant table, and its ON DELETE CASCADE foreign keys would empty the tallies
# and roll-ups that point at it.
def _add_key(table: str) -> None:
    op.add_column(table, sa.Column('record_key', sa.SmallInteger(), server_default='0', nullable=False))


def upgrade():
    for table in ("participant", "attendance"):
        _add_key(table)
        op.execute(f"UPDATE {table} SET record_key = {_random_key()}")  # one random key per row
    for table in ("programme_person", "municipality_person"):
        _add_key(table)
        op.execute(
            f"UPDATE {table} SET record_key = "
            f"(SELECT record_key FROM participant WHERE participant.id = {table}.participant_id)"
        )


def downgrade():
    for table in ("municipality_person", "programme_person", "attendance", "participant"):
        op.drop_column(table, 'record_key')  # SQLite 3.35+ drops a column in place
