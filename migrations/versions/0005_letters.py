"""Letters: the addressee's institution and per-language names; the circular's names per language

Revision ID: 0005_letters
Revises: 0004_accounts
Create Date: 2026-11-30 16:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005_letters"
down_revision = "0004_accounts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("addressee") as batch:
        batch.add_column(
            sa.Column("institution", sa.String(length=300), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("localised", sa.JSON(), nullable=False, server_default="{}"))
    with op.batch_alter_table("circular") as batch:
        batch.add_column(sa.Column("contact_names", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("signatory_names", sa.JSON(), nullable=False, server_default="{}")
        )


def downgrade():
    with op.batch_alter_table("circular") as batch:
        batch.drop_column("signatory_names")
        batch.drop_column("contact_names")
    with op.batch_alter_table("addressee") as batch:
        batch.drop_column("localised")
        batch.drop_column("institution")
