"""The event's venue and city in each language.

Revision ID: 0010_event_places
Revises: 0009_production
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0010_event_places"
down_revision = "0009_production"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("venues", sa.JSON(), nullable=False, server_default="{}"))
        batch_op.add_column(sa.Column("cities", sa.JSON(), nullable=False, server_default="{}"))


def downgrade():
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("cities")
        batch_op.drop_column("venues")
