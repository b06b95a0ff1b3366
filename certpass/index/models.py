"""The search index: one row per (kind, token, object) with the token's weight there."""

from __future__ import annotations

from sqlalchemy import Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from certpass.store.base import Base

# Tokens are compared byte-wise on both databases: prefix look-ups are ranges
# (token >= t AND token < prefix_end(t)), which a language collation would reorder.
TOKEN = String(120).with_variant(String(120, collation="C"), "postgresql")


class SearchTerm(Base):
    """A token of an indexed object (kind "certificate": object_id is the certificate's id).

    Written only by certpass.index.writer, in the transaction of the write it follows."""

    __tablename__ = "search_terms"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    token: Mapped[str] = mapped_column(TOKEN, primary_key=True)
    object_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    weight: Mapped[int] = mapped_column(SmallInteger)

    # SQLite: the rows are the primary key's b-tree (a range of tokens is one sequential read).
    __table_args__ = (Index("ix_search_terms_object", "kind", "object_id"),
                      {"sqlite_with_rowid": False})
