"""certificates: bulk upload jobs kept in the database

Revision ID: certificates_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

from certpass.store.base import UTCDateTime

revision = "certificates_0001"
down_revision = "0001"
branch_labels = ("certificates",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("owner", sa.String(length=80), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.Column("finished", sa.Boolean(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    op.create_index(op.f("ix_import_jobs_owner"), "import_jobs", ["owner"])


def downgrade() -> None:
    op.drop_index(op.f("ix_import_jobs_owner"), table_name="import_jobs")
    op.drop_table("import_jobs")
