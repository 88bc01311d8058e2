"""Add the speakers list ordered by hand, its moves, and the reminders of incomplete delegations

Revision ID: 0007_registration_review
Revises: 0006_registration
Create Date: 2026-11-30 15:48:22.229629

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_registration_review'
down_revision = '0006_registration'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('delegation_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('missing', sa.JSON(), nullable=False),
    sa.Column('outbox_message_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'], name=op.f('fk_delegation_reminder_delegation_id_delegation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['outbox_message_id'], ['outbox_message.id'], name=op.f('fk_delegation_reminder_outbox_message_id_outbox_message'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delegation_reminder')),
    sa.UniqueConstraint('outbox_message_id', name=op.f('uq_delegation_reminder_outbox_message_id'))
    )
    with op.batch_alter_table('delegation_reminder', schema=None) as batch_op:
        batch_op.create_index('ix_delegation_reminder_delegation_sent', ['delegation_id', 'sent_at'], unique=False)

    op.create_table('speaker_move',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('from_position', sa.Integer(), nullable=False),
    sa.Column('to_position', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint('length(reason) > 0', name=op.f('ck_speaker_move_reason_given')),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'], name=op.f('fk_speaker_move_delegation_id_delegation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_speaker_move_event_id_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_speaker_move_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker_move'))
    )
    with op.batch_alter_table('speaker_move', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_move_event_id'), ['event_id'], unique=False)

    op.create_table('speaker_slot',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('delegation_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('position > 0', name=op.f('ck_speaker_slot_position_positive')),
    sa.ForeignKeyConstraint(['delegation_id'], ['delegation.id'], name=op.f('fk_speaker_slot_delegation_id_delegation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['event.id'], name=op.f('fk_speaker_slot_event_id_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_speaker_slot')),
    sa.UniqueConstraint('delegation_id', name=op.f('uq_speaker_slot_delegation_id'))
    )
    with op.batch_alter_table('speaker_slot', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_speaker_slot_event_id'), ['event_id'], unique=False)



def downgrade():
    with op.batch_alter_table('speaker_slot', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_slot_event_id'))

    op.drop_table('speaker_slot')
    with op.batch_alter_table('speaker_move', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_speaker_move_event_id'))

    op.drop_table('speaker_move')
    with op.batch_alter_table('delegation_reminder', schema=None) as batch_op:
        batch_op.drop_index('ix_delegation_reminder_delegation_sent')

    op.drop_table('delegation_reminder')
