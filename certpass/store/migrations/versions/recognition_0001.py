"""recognition: version history of arrangements

Revision ID: recognition_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import certpass.store.base

revision = "recognition_0001"
down_revision = "0001"
branch_labels = ("recognition",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "arrangement_versions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("arrangement_id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("change", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("rules", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changed_at", certpass.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=120), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["arrangement_id"], ["arrangements.id"],
                                name=op.f("fk_arrangement_versions_arrangement_id_arrangements")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_arrangement_versions")),
        sa.UniqueConstraint("arrangement_id", "version",
                            name=op.f("uq_arrangement_versions_arrangement_id")),
    )
    op.create_index(op.f("ix_arrangement_versions_arrangement_id"), "arrangement_versions",
                    ["arrangement_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_arrangement_versions_arrangement_id"),
                  table_name="arrangement_versions")
    op.drop_table("arrangement_versions")
