"""credentials: a signing key can be revoked (compromised) with the time of compromise

``compromised_at`` is when the key stopped being the body's alone (a signature by it counts
only for what the log recorded before then); ``revoked_at`` is when the revocation was
recorded. Both null for a key never revoked.

Revision ID: credentials_0003
Revises: credentials_0002
"""

import sqlalchemy as sa
from alembic import op

import certpass.store.base

revision = "credentials_0003"
down_revision = "credentials_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("signing_keys") as batch:
        batch.add_column(sa.Column("compromised_at",
                                   certpass.store.base.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("revoked_at", certpass.store.base.UTCDateTime(timezone=True),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("signing_keys") as batch:
        batch.drop_column("revoked_at")
        batch.drop_column("compromised_at")
