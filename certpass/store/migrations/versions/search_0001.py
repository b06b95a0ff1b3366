"""search: the token index of certificates

Existing certificates are indexed by `certpass search rebuild` (a migration holds no
tokeniser); `certpass init` runs it when the index is empty and certificates exist.

Revision ID: search_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "search_0001"
down_revision = "0001"
branch_labels = ("search",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_terms",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=120).with_variant(
            sa.String(length=120, collation="C"), "postgresql"), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "token", "object_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_search_terms_object", "search_terms", ["kind", "object_id"])


def downgrade() -> None:
    op.drop_index("ix_search_terms_object", table_name="search_terms")
    op.drop_table("search_terms")
