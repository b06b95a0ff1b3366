"""credentials: status lists hand out random indexes (a keyed permutation per list)

``shuffle_key`` keys the list's permutation of its indexes (the n-th certificate gets the
n-th value). Lists that exist already keep it null and go on handing out indexes in order,
so no index they gave can come round again.

Revision ID: credentials_0004
Revises: credentials_0003
"""

import sqlalchemy as sa
from alembic import op

revision = "credentials_0004"
down_revision = "credentials_0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_lists") as batch:
        batch.add_column(sa.Column("shuffle_key", sa.LargeBinary(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("status_lists") as batch:
        batch.drop_column("shuffle_key")
