"""certificates: the GTINs of each certificate's products (the resolver's /01/{gtin})

Revision ID: certificates_0002
Revises: certificates_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "certificates_0002"
down_revision = "certificates_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "certificate_gtins",
        sa.Column("gtin", sa.String(length=14), nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificates.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("gtin", "certificate_id"),
    )
    op.create_index("ix_certificate_gtins_certificate_id", "certificate_gtins",
                    ["certificate_id"])


def downgrade() -> None:
    op.drop_index("ix_certificate_gtins_certificate_id", table_name="certificate_gtins")
    op.drop_table("certificate_gtins")
