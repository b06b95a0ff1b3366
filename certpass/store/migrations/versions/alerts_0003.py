"""alerts: a certificate watch names the issuer whose number it watches

Certificate numbers are unique per issuer (certificates_0003), so a watch on a number says
whose: "" (what watches made before hold) matches that number of any issuer.

Revision ID: alerts_0003
Revises: alerts_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "alerts_0003"
down_revision = "alerts_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_subscriptions") as batch_op:
        batch_op.add_column(sa.Column("target_issuer", sa.String(length=64), nullable=False,
                                      server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("alert_subscriptions") as batch_op:
        batch_op.drop_column("target_issuer")
