"""recognition: planning estimates (scheme and condition costs and lead times)

Revision ID: recognition_0002
Revises: recognition_0001
"""

import sqlalchemy as sa
from alembic import op

import certpass.store.base

revision = "recognition_0002"
down_revision = "recognition_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "planning_estimates",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("illustrative", sa.Boolean(), nullable=False),
        sa.Column("updated_at", certpass.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("kind", "code", name=op.f("pk_planning_estimates")),
    )


def downgrade() -> None:
    op.drop_table("planning_estimates")
