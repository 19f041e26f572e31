"""Programmes' own age bands; targets counting anonymous walk-ins as people.

Existing programmes get no bands of their own (reports show under 18 and adults), existing targets
leave walk-ins out, as they did.

Revision ID: f3b8a61c0d24
Revises: b9b1201d2156
Create Date: 2026-12-06 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b8a61c0d24'
down_revision = 'b9b1201d2156'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.add_column(sa.Column('age_bands', sa.String(length=120), server_default='', nullable=False))
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('walk_ins_as_people', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('target', schema=None) as batch_op:
        batch_op.drop_column('walk_ins_as_people')
    with op.batch_alter_table('programme', schema=None) as batch_op:
        batch_op.drop_column('age_bands')
