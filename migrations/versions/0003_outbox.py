"""Outbox: the uncertain state, the claim's phase and token, bulk mail and its gate

Revision ID: 0003_outbox
Revises: 0002_invitations
Create Date: 2026-11-30 15:50:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0003_outbox"
down_revision = "0002_invitations"
branch_labels = None
depends_on = None

OLD_STATES = ("pending", "sending", "sent", "failed")
NEW_STATES = (*OLD_STATES, "uncertain")


def state_type(values):
    return sa.Enum(*values, name="outboxstate", native_enum=False, create_constraint=True,
                   length=20)  # fmt: skip


def upgrade():
    op.create_table(
        "outbox_gate",
        sa.Column("name", sa.String(length=20), nullable=False),
        sa.Column("next_slot", sa.Float(), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_outbox_gate")),
    )
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(
            sa.Column(
                "phase",
                sa.Enum("preparing", "transmitting", name="outboxphase", native_enum=False,
                        create_constraint=True, length=20),
                nullable=True,
            )
        )  # fmt: skip
        batch_op.add_column(
            sa.Column("bulk", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.alter_column(
            "state", existing_type=state_type(OLD_STATES), type_=state_type(NEW_STATES),
            existing_nullable=False,
        )  # fmt: skip
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column("bulk", server_default=None)


def downgrade():
    op.execute("UPDATE outbox_message SET state = 'failed' WHERE state = 'uncertain'")
    with op.batch_alter_table("outbox_message", schema=None) as batch_op:
        batch_op.alter_column(
            "state", existing_type=state_type(NEW_STATES), type_=state_type(OLD_STATES),
            existing_nullable=False,
        )  # fmt: skip
        batch_op.drop_column("bulk")
        batch_op.drop_constraint(op.f("ck_outbox_message_outboxphase"), type_="check")
        batch_op.drop_column("phase")
        batch_op.drop_column("claim_token")
    op.drop_table("outbox_gate")
