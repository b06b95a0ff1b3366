"""Tables of the transparency log. Only ``certpass.ledger.service`` writes them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from certpass.store.base import Base, UTCDateTime, utcnow


class LogHead(Base):
    """The single row every append locks: appends are serialised on it (tree size)."""

    __tablename__ = "log_head"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class LogEntry(Base):
    __tablename__ = "log_entries"

    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
    event_type: Mapped[str] = mapped_column(String(80), nullable=False)
    entry: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)  # RFC 8785 JSON
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)


class LogSubtree(Base):
    """Hash of the complete aligned subtree over leaves [index * 2**level, (index+1) * 2**level).

    Level 0 repeats the leaf hashes so every proof reads from this one table.
    """

    __tablename__ = "log_subtrees"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)


class LogCheckpoint(Base):
    __tablename__ = "log_checkpoints"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, nullable=False)
    root: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    note: Mapped[str] = mapped_column(Text, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(
        UTCDateTime, nullable=False, default=utcnow, index=True
    )


class LogKey(Base):
    """The log's Ed25519 signing key; the seed is AES-GCM encrypted under the secret key."""

    __tablename__ = "log_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), nullable=False, unique=True)
    public_key: Mapped[bytes] = mapped_column(LargeBinary(32), nullable=False)
    sealed_seed: Mapped[bytes] = mapped_column(LargeBinary, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, nullable=False, default=utcnow)
