"""Add the user's session version and the outbox's secret-bearing flag

Revision ID: 0004_accounts
Revises: 0003_outbox
Create Date: 2026-11-30 15:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004_accounts"
down_revision = "0003_outbox"
branch_labels = None
depends_on = None

# Kinds that carried a personal or sign-in link before the flag existed.
SECRET_KINDS = ("core.account_link", "invitations.circular", "invitations.reminder")


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_version", sa.Integer(), server_default="0", nullable=False)
        )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("carries_secret", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    outbox = sa.table("outbox_message", sa.column("kind", sa.String), sa.column("carries_secret"))
    op.execute(
        outbox.update().where(outbox.c.kind.in_(SECRET_KINDS)).values(carries_secret=sa.true())
    )


def downgrade():
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.drop_column("carries_secret")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_version")
