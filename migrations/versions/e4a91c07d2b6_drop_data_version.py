"""drop data version

Public pages are no longer kept in the process under a global data version: they are plain HTTP
resources with an ETag (app/core/http_cache.py), so the table every write bumped goes.

Revision ID: e4a91c07d2b6
Revises: 78afd909cd08
Create Date: 2026-12-06 15:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'e4a91c07d2b6'
down_revision = '78afd909cd08'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table('data_version')


def downgrade():
    op.create_table('data_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('token', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_version'))
    )
