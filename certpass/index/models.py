"""The search index: one document per certificate (its tokens and their weights).

On SQLite an FTS5 table (`search_fts`, made by the migration, kept by triggers on this
table) indexes `tokens`; on PostgreSQL a GIN index on the same tokens as a tsvector
(``array_to_tsvector(string_to_array(tokens, ' '))``, also the migration's). Neither is a
model: SQLAlchemy has no virtual tables and compares no expression indexes.
"""

from __future__ import annotations

from sqlalchemy import Integer, Text
from sqlalchemy.orm import Mapped, mapped_column

from certpass.store.base import Base

FTS_TABLE = "search_fts"  # SQLite only; its shadow tables are search_fts_data, _idx, _config
PG_INDEX = "ix_search_documents_tokens"


def is_unmodelled(name: str) -> bool:
    """What the migration makes outside the models: the FTS5 table and its shadow tables
    (SQLite), the tsvector index (PostgreSQL)."""
    return name in (FTS_TABLE, PG_INDEX) or name.startswith(FTS_TABLE + "_")


class SearchDocument(Base):
    """A certificate's search tokens (index.tokens.stored forms, separated by one space,
    heaviest first) and their weights (WEIGHT_WIDTH digits each, in the same order).

    Written only by certpass.index.writer, in the transaction of the write it follows."""

    __tablename__ = "search_documents"

    certificate_id: Mapped[int] = mapped_column(Integer, primary_key=True,
                                                autoincrement=False)
    tokens: Mapped[str] = mapped_column(Text)
    weights: Mapped[str] = mapped_column(Text)
