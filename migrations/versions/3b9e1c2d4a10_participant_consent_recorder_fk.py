"""participant consent recorder foreign key on PostgreSQL

The initial schema declared participant.consent_recorded_by_id -> user.id with use_alter (the two
tables point at each other), and create_table leaves such constraints out on PostgreSQL. SQLite
already has it inline.

Revision ID: 3b9e1c2d4a10
Revises: 07f8ee8aa4b3
Create Date: 2026-12-01 19:20:00

"""
from alembic import op

revision = '3b9e1c2d4a10'
down_revision = '07f8ee8aa4b3'
branch_labels = None
depends_on = None

NAME = 'fk_participant_consent_recorded_by_id_user'


def upgrade():
    if op.get_context().dialect.name == 'postgresql':
        op.create_foreign_key(NAME, 'participant', 'user', ['consent_recorded_by_id'], ['id'],
                              ondelete='SET NULL')


def downgrade():
    if op.get_context().dialect.name == 'postgresql':
        op.drop_constraint(NAME, 'participant', type_='foreignkey')
