"""Keep files between two requests in the database: temporary_file

Revision ID: 0009_production
Revises: 0008_inquiries
Create Date: 2026-11-30 15:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009_production"
down_revision = "0008_inquiries"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('temporary_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=60), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('size >= 0', name=op.f('ck_temporary_file_size_not_negative')),
    sa.ForeignKeyConstraint(['owner_id'], ['user_account.id'], name=op.f('fk_temporary_file_owner_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_temporary_file')),
    sa.UniqueConstraint('key', name=op.f('uq_temporary_file_key'))
    )
    with op.batch_alter_table('temporary_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_temporary_file_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_temporary_file_owner_id'), ['owner_id'], unique=False)


def downgrade():
    with op.batch_alter_table('temporary_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_temporary_file_owner_id'))
        batch_op.drop_index(batch_op.f('ix_temporary_file_expires_at'))

    op.drop_table('temporary_file')
