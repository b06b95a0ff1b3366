"""credentials: signing keys, status lists and slots, issued credentials

Revision ID: credentials_0001
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

import certpass.store.base

revision = "credentials_0001"
down_revision = "0001"
branch_labels = ("credentials",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signing_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=True),
        sa.Column("fragment", sa.String(length=64), nullable=False),
        sa.Column("public_multibase", sa.String(length=80), nullable=False),
        sa.Column("sealed_seed", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", certpass.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("retired_at", certpass.store.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"],
                                name=op.f("fk_signing_keys_body_id_bodies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signing_keys")),
        sa.UniqueConstraint("body_id", "fragment", name=op.f("uq_signing_keys_body_id")),
    )
    op.create_index(op.f("ix_signing_keys_body_id"), "signing_keys", ["body_id"], unique=False)
    op.create_table(
        "status_lists",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("body_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("bits", sa.LargeBinary(), nullable=False),
        sa.Column("next_index", sa.Integer(), nullable=False),
        sa.Column("updated_at", certpass.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["body_id"], ["bodies.id"],
                                name=op.f("fk_status_lists_body_id_bodies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_lists")),
    )
    op.create_index(op.f("ix_status_lists_body_id"), "status_lists", ["body_id"], unique=False)
    op.create_table(
        "credentials",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("issue_no", sa.Integer(), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("document", sa.LargeBinary(), nullable=False),
        sa.Column("jwt", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", certpass.store.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificates.id"],
                                name=op.f("fk_credentials_certificate_id_certificates")),
        sa.ForeignKeyConstraint(["key_id"], ["signing_keys.id"],
                                name=op.f("fk_credentials_key_id_signing_keys")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credentials")),
        sa.UniqueConstraint("certificate_id", "issue_no",
                            name=op.f("uq_credentials_certificate_id")),
    )
    op.create_index(op.f("ix_credentials_certificate_id"), "credentials", ["certificate_id"],
                    unique=False)
    op.create_index(op.f("ix_credentials_sha256"), "credentials", ["sha256"], unique=False)
    op.create_table(
        "status_slots",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("certificate_id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("index", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(["certificate_id"], ["certificates.id"],
                                name=op.f("fk_status_slots_certificate_id_certificates")),
        sa.ForeignKeyConstraint(["list_id"], ["status_lists.id"],
                                name=op.f("fk_status_slots_list_id_status_lists")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_slots")),
        sa.UniqueConstraint("certificate_id", "purpose",
                            name=op.f("uq_status_slots_certificate_id")),
        sa.UniqueConstraint("list_id", "index", name=op.f("uq_status_slots_list_id")),
    )
    op.create_index(op.f("ix_status_slots_certificate_id"), "status_slots", ["certificate_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_table("status_slots")
    op.drop_table("credentials")
    op.drop_table("status_lists")
    op.drop_table("signing_keys")
