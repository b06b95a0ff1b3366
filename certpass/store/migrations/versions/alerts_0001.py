"""alerts: webhook subscriptions and deliveries

Revision ID: alerts_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import certpass.store.base

revision = "alerts_0001"
down_revision = "0001"
branch_labels = ("alerts",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "alert_subscriptions",
        sa.Column("id", sa.String(length=24), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("target_kind", sa.String(length=16), nullable=False),
        sa.Column("target", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("secret", sa.String(length=80), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("consecutive_failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", certpass.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("paused_at", certpass.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_alert_subscriptions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_subscriptions")),
    )
    op.create_index("ix_alert_subscriptions_target", "alert_subscriptions",
                    ["target_kind", "target"], unique=False)
    op.create_index(op.f("ix_alert_subscriptions_user_id"), "alert_subscriptions", ["user_id"],
                    unique=False)
    op.create_table(
        "alert_deliveries",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("subscription_id", sa.String(length=24), nullable=False),
        sa.Column("certificate_number", sa.String(length=80), nullable=False),
        sa.Column("event_type", sa.String(length=40), nullable=False),
        sa.Column("log_index", sa.Integer(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", certpass.store.base.UTCDateTime(timezone=True),
                  nullable=False),
        sa.Column("last_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=False),
        sa.Column("created_at", certpass.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("delivered_at", certpass.store.base.UTCDateTime(timezone=True),
                  nullable=True),
        sa.ForeignKeyConstraint(["subscription_id"], ["alert_subscriptions.id"],
                                name=op.f("fk_alert_deliveries_subscription_id_"
                                          "alert_subscriptions")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_deliveries")),
    )
    op.create_index("ix_alert_deliveries_due", "alert_deliveries", ["state", "next_attempt_at"],
                    unique=False)
    op.create_index(op.f("ix_alert_deliveries_subscription_id"), "alert_deliveries",
                    ["subscription_id"], unique=False)


def downgrade() -> None:
    op.drop_table("alert_deliveries")
    op.drop_table("alert_subscriptions")
