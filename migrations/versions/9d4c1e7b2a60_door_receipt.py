"""door receipt

The door's phones keep check-ins and walk-ins made offline and send them when the network is back,
each with an id made on the phone; the door accepts each id once.

Revision ID: 9d4c1e7b2a60
Revises: f3c8a1d47e20
Create Date: 2026-12-06 17:50:00

"""
from alembic import op
import sqlalchemy as sa



revision = '9d4c1e7b2a60'
down_revision = "f3c8a1d47e20"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'door_receipt',
        sa.Column('client_id', sa.String(length=36), nullable=False),
        sa.Column('session_id', sa.Integer(), nullable=False),
        sa.Column('received_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['session_id'], ['event_session.id'],
                                name=op.f('fk_door_receipt_session_id_event_session'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('client_id', name=op.f('pk_door_receipt')),
    )
    with op.batch_alter_table('door_receipt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_door_receipt_session_id'), ['session_id'], unique=False)


def downgrade():
    with op.batch_alter_table('door_receipt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_door_receipt_session_id'))
    op.drop_table('door_receipt')
