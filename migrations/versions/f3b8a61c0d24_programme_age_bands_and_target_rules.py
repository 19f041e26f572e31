"""Programmes' own age bands; targets counting anonymous walk-ins as people; co-funded events
and calls (the further programmes they count towards).

Existing programmes get no bands of their own (reports show under 18 and adults), existing targets
leave walk-ins out, as they did; the programme each event or call names stays its own, and no
further programme is added, so every figure stays as it was.

Revision ID: f3b8a61c0d24
Revises: 5e0c4d7a9b21
Create Date: 2026-12-06 17:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3b8a61c0d24'
down_revision = "5e0c4d7a9b21"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('event_cofunder',
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_event_cofunder_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_event_cofunder_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('event_id', 'programme_id', name=op.f('pk_event_cofunder'))
    )
    with op.batch_alter_table('event_cofunder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_event_cofunder_programme_id'), ['programme_id'], unique=False)
    op.create_table('call_cofunder',
    sa.Column('call_id', sa.Integer(), nullable=False),
    sa.Column('programme_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['call_id'], ['proposal_call.id'], name=op.f('fk_call_cofunder_call_id_proposal_call'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['programme_id'], ['programme.id'], name=op.f('fk_call_cofunder_programme_id_programme'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('call_id', 'programme_id', name=op.f('pk_call_cofunder'))
    )
    with op.batch_alter_table('call_cofunder', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_cofunder_programme_id'), ['programme_id'], unique=False)
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
    op.drop_table('call_cofunder')
    op.drop_table('event_cofunder')
