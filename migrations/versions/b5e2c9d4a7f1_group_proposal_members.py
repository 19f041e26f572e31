"""group proposal members: card holders recorded at the desk, and how many came without a card

Revision ID: b5e2c9d4a7f1
Revises: a11af6ffdd03
Create Date: 2026-12-06 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b5e2c9d4a7f1'
down_revision = 'a11af6ffdd03'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('proposal_member',
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participant.id'], name=op.f('fk_proposal_member_participant_id_participant')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_member_proposal_id_proposal'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('proposal_id', 'participant_id', name=op.f('pk_proposal_member'))
    )
    with op.batch_alter_table('proposal_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_member_participant_id'), ['participant_id'], unique=False)

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('members_without_card', sa.SmallInteger(), server_default='0', nullable=False))
        batch_op.create_check_constraint(
            batch_op.f('ck_proposal_members_without_card_not_negative'), 'members_without_card >= 0'
        )


def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_proposal_members_without_card_not_negative'), type_='check')
        batch_op.drop_column('members_without_card')

    with op.batch_alter_table('proposal_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_member_participant_id'))

    op.drop_table('proposal_member')
