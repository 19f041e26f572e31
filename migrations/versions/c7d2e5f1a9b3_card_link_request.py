"""card link request

Linking a participant card to an account waits for the account holder: the desk records a request
(the card's code typed from the card, the account's email or phone), the account holder confirms or
declines it, and it expires after a week.

Revision ID: c7d2e5f1a9b3
Revises: a1c4e2d9b7f0
Create Date: 2026-12-06 12:40:00

"""
from alembic import op
import sqlalchemy as sa



revision = 'c7d2e5f1a9b3'
down_revision = 'a1c4e2d9b7f0'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'card_link_request',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('card_holder_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=False),
        sa.Column('requested_by_id', sa.Integer(), nullable=True),
        sa.Column('municipality_id', sa.Integer(), nullable=True),
        sa.Column('status', sa.String(length=12), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.Column('decided_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['account_id'], ['user.id'], name=op.f('fk_card_link_request_account_id_user'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['card_holder_id'], ['participant.id'],
                                name=op.f('fk_card_link_request_card_holder_id_participant'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['municipality_id'], ['municipality.id'],
                                name=op.f('fk_card_link_request_municipality_id_municipality'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user.id'],
                                name=op.f('fk_card_link_request_requested_by_id_user'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_card_link_request')),
    )
    with op.batch_alter_table('card_link_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_card_link_request_account_id'), ['account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_card_link_request_card_holder_id'), ['card_holder_id'], unique=False)


def downgrade():
    with op.batch_alter_table('card_link_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_card_link_request_card_holder_id'))
        batch_op.drop_index(batch_op.f('ix_card_link_request_account_id'))
    op.drop_table('card_link_request')
