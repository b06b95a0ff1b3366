"""registry: bodies carry their names in other languages and scripts

``names`` maps a BCP 47 tag to the body's name in that language (Russian, Arabic...), beside
``name_en`` and ``name_zh``; pages show the reader's.

Revision ID: registry_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "registry_0001"
down_revision = "0001"
branch_labels = ("registry",)
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("bodies") as batch_op:
        batch_op.add_column(sa.Column("names", sa.JSON(), nullable=False, server_default="{}"))


def downgrade() -> None:
    with op.batch_alter_table("bodies") as batch_op:
        batch_op.drop_column("names")
