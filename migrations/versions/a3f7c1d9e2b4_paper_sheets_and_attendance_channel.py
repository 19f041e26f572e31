"""Paper sheets typed back in, and how each presence was recorded (door or paper).

Presences recorded before this revision were all taken at the door: the column's default says so.

Revision ID: a3f7c1d9e2b4
Revises: 9d4c1e7b2a60
Create Date: 2026-12-06 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a3f7c1d9e2b4'
down_revision = "9d4c1e7b2a60"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('paper_sheet',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('typed_by_id', sa.Integer(), nullable=True),
    sa.Column('typed_at', sa.DateTime(), nullable=False),
    sa.Column('ticked', sa.Integer(), nullable=False),
    sa.Column('walk_ins', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['event_session.id'], name=op.f('fk_paper_sheet_session_id_event_session'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['typed_by_id'], ['user.id'], name=op.f('fk_paper_sheet_typed_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_paper_sheet')),
    sa.UniqueConstraint('session_id', name=op.f('uq_paper_sheet_session_id'))
    )
    # A plain ADD COLUMN (no table rebuild on SQLite): every existing presence was taken at the door.
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel', sa.String(length=8), server_default='door', nullable=False))
        batch_op.create_index('ix_attendance_channel_event', ['channel', 'event_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attendance', schema=None) as batch_op:
        batch_op.drop_index('ix_attendance_channel_event')
        batch_op.drop_column('channel')
    op.drop_table('paper_sheet')
