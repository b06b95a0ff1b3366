"""accounts: web_sessions (server-side sessions; the cookie holds only their random id)

Revision ID: accounts_0003
Revises: accounts_0002
"""

import sqlalchemy as sa
from alembic import op

import certpass.store.base

revision = "accounts_0003"
down_revision = "accounts_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", certpass.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", certpass.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", certpass.store.base.UTCDateTime(timezone=True),
                  nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_web_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id_hash", name=op.f("pk_web_sessions")),
    )
    op.create_index(op.f("ix_web_sessions_user_id"), "web_sessions", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_web_sessions_user_id"), table_name="web_sessions")
    op.drop_table("web_sessions")
