"""credentials: the VC-JOSE JWT is signed when asked for, not stored

Ed25519 signatures are deterministic: the JWT of a stored credential, signed again by the
key that signed it, is the same token byte for byte, so storing it only doubled the bytes
every issuance writes.

Revision ID: credentials_0002
Revises: credentials_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "credentials_0002"
down_revision = "credentials_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.drop_column("jwt")


def downgrade() -> None:
    with op.batch_alter_table("credentials") as batch:
        batch.add_column(sa.Column("jwt", sa.Text(), nullable=False, server_default=""))
