"""certificates: numbers unique per issuer, not across issuers

A body's numbering is its own: one body can no longer take (squat) a number another body
will print. A number two issuers hold is looked up with its issuer where it is ambiguous.

Revision ID: certificates_0003
Revises: certificates_0002
"""

from alembic import op

revision = "certificates_0003"
down_revision = "certificates_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.drop_constraint("uq_certificates_number", type_="unique")
        batch_op.create_unique_constraint("uq_certificates_issuer_number",
                                          ["issuer_id", "number"])
        batch_op.create_index("ix_certificates_number", ["number"])


def downgrade() -> None:
    with op.batch_alter_table("certificates") as batch_op:
        batch_op.drop_index("ix_certificates_number")
        batch_op.drop_constraint("uq_certificates_issuer_number", type_="unique")
        batch_op.create_unique_constraint("uq_certificates_number", ["number"])
