"""event headcount only

An event can be counted at the door without taking any name (an outdoor awareness day): the door
then shows only the walk-in tally.

Revision ID: 5e0c4d7a9b21
Revises: b9b1201d2156
Create Date: 2026-12-06 17:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e0c4d7a9b21'
down_revision = 'b9b1201d2156'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headcount_only', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('event', schema=None) as batch_op:
        batch_op.drop_column('headcount_only')
