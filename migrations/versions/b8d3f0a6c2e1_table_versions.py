"""table versions

Each table's version, bumped in the same transaction as a write to it (app/core/table_versions.py):
a public page kept by app/core/page_cache.py is given again while the tables it read are unchanged.

Revision ID: b8d3f0a6c2e1
Revises: a5e2c9d7f1b4
Create Date: 2026-12-07 03:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b8d3f0a6c2e1'
down_revision = 'a5e2c9d7f1b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('table_version',
    sa.Column('table_name', sa.String(length=63), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('table_name', name=op.f('pk_table_version'))
    )


def downgrade():
    op.drop_table('table_version')
