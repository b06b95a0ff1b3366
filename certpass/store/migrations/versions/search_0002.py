"""search: one document per certificate (FTS5 on SQLite, a tsvector GIN on PostgreSQL)

The token table (one row per token and certificate) is replaced by one row per
certificate; its index is the database's own full-text index over the same token strings
(certpass.index.documents). Existing certificates are indexed by `certpass search rebuild`
(`certpass init` runs it when the index is empty and certificates exist).

Revision ID: search_0002
Revises: search_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "search_0002"
down_revision = "search_0001"
branch_labels = None
depends_on = None

# No prefix indexes (each would add an entry per token to every write): a CJK character
# is its own token, and a Latin prefix is asked as the few terms that begin with it.
_FTS = ("CREATE VIRTUAL TABLE search_fts USING fts5(tokens, content='search_documents', "
        "content_rowid='certificate_id', tokenize=\"ascii tokenchars '=-_'\", "
        "detail=none, columnsize=0)")
# Its terms, for spelling out a longer prefix (search.service).
_VOCAB = "CREATE VIRTUAL TABLE search_fts_terms USING fts5vocab(search_fts, row)"
_TRIGGERS = (
    "CREATE TRIGGER search_documents_ai AFTER INSERT ON search_documents BEGIN "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.certificate_id, new.tokens); END",
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) "
    "VALUES ('delete', old.certificate_id, old.tokens); END",
    "CREATE TRIGGER search_documents_au AFTER UPDATE ON search_documents BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, tokens) "
    "VALUES ('delete', old.certificate_id, old.tokens); "
    "INSERT INTO search_fts(rowid, tokens) VALUES (new.certificate_id, new.tokens); END",
)
_PG_INDEX = ("CREATE INDEX ix_search_documents_tokens ON search_documents USING gin "
             "(array_to_tsvector(string_to_array(tokens, ' ')))")


def upgrade() -> None:
    op.drop_index("ix_search_terms_object", table_name="search_terms")
    op.drop_table("search_terms")
    op.create_table(
        "search_documents",
        sa.Column("certificate_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("tokens", sa.Text(), nullable=False),
        sa.Column("weights", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("certificate_id"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute(_FTS)
        op.execute(_VOCAB)
        for trigger in _TRIGGERS:
            op.execute(trigger)
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_INDEX)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER search_documents_{name}")
        op.execute("DROP TABLE search_fts_terms")
        op.execute("DROP TABLE search_fts")
    op.drop_table("search_documents")  # (PostgreSQL drops its index with it)
    op.create_table(
        "search_terms",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("token", sa.String(length=120).with_variant(
            sa.String(length=120, collation="C"), "postgresql"), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("weight", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "token", "object_id"),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_search_terms_object", "search_terms", ["kind", "object_id"])
