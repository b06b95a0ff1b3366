"""accounts: users.backdating_until (a granted, dated back-dating privilege)

Revision ID: accounts_0005
Revises: accounts_0004
"""

import sqlalchemy as sa
from alembic import op

revision = "accounts_0005"
down_revision = "accounts_0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("backdating_until", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("backdating_until")
