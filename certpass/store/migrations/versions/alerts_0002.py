"""alerts: webhook secrets sealed at rest

A sealed secret ("sealed:" + base64 of nonce, ciphertext and tag) is longer than the
plaintext one. Secrets stored in plain text before this revision are sealed by the next
delivery round (alerts.service.seal_plain_secrets): a migration does not hold the secret key.

Revision ID: alerts_0002
Revises: alerts_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "alerts_0002"
down_revision = "alerts_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("alert_subscriptions") as batch:
        batch.alter_column("secret", existing_type=sa.String(length=80),
                           type_=sa.String(length=200), existing_nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("alert_subscriptions") as batch:
        batch.alter_column("secret", existing_type=sa.String(length=200),
                           type_=sa.String(length=80), existing_nullable=False)
