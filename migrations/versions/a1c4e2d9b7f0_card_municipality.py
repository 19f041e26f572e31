"""card municipality

A participant card records the municipality it was issued for: its organisers (and those of the
municipalities where the holder registered or took part) serve the holder at the desk. Existing
cards take their issuer's municipality when the issuer organised for exactly one.

Revision ID: a1c4e2d9b7f0
Revises: 3ecbec5115e6
Create Date: 2026-12-06 12:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'a1c4e2d9b7f0'
down_revision = '3ecbec5115e6'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participant_card', schema=None) as batch_op:
        batch_op.add_column(sa.Column('municipality_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_participant_card_municipality_id'), ['municipality_id'], unique=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_participant_card_municipality_id_municipality'), 'municipality', ['municipality_id'], ['id']
        )
    op.execute(
        """
        UPDATE participant_card SET municipality_id = (
            SELECT MIN(role_assignment.municipality_id) FROM role_assignment
            WHERE role_assignment.user_id = participant_card.issued_by_id
              AND role_assignment.role = 'organiser'
        )
        WHERE issued_by_id IN (
            SELECT user_id FROM role_assignment WHERE role = 'organiser'
            GROUP BY user_id HAVING COUNT(DISTINCT municipality_id) = 1
        )
        """
    )


def downgrade():
    with op.batch_alter_table('participant_card', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_participant_card_municipality_id_municipality'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_participant_card_municipality_id'))
        batch_op.drop_column('municipality_id')
