"""record keys for cell key perturbation

Every participant and every attendance gets a random record key 0..255, drawn once; the reports
perturb each published figure by the sum of its records' keys (app/reports/cellkey.py). The
programme roll-ups keep the participant's key on their one row per person.

Revision ID: 9bf96b651984
Revises: 3ecbec5115e6
Create Date: 2026-12-06 12:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9bf96b651984'
down_revision = '3ecbec5115e6'
branch_labels = None
depends_on = None


def _random_key() -> str:
    if op.get_bind().dialect.name == "postgresql":
        return "floor(random() * 256)::smallint"
    return "abs(random()) % 256"


def upgrade():
    # Added empty, filled with one random key per existing row, then made required.
    for table in ("participant", "attendance"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('record_key', sa.SmallInteger(), nullable=True))
        op.execute(f"UPDATE {table} SET record_key = {_random_key()}")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('record_key', existing_type=sa.SmallInteger(), nullable=False)
    for table in ("programme_person", "municipality_person"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('record_key', sa.SmallInteger(), nullable=True))
        op.execute(
            f"UPDATE {table} SET record_key = "
            f"(SELECT record_key FROM participant WHERE participant.id = {table}.participant_id)"
        )
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column('record_key', existing_type=sa.SmallInteger(), nullable=False)


def downgrade():
    for table in ("municipality_person", "programme_person", "attendance", "participant"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column('record_key')
