"""Tables of the passport: signing keys, status lists and their slots, issued credentials."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from certpass.store.base import Base, UTCDateTime, utcnow


class SigningKey(Base):
    """An Ed25519 key of an issuing body (or of the platform when ``body_id`` is null)."""

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    body_id: Mapped[str | None] = mapped_column(ForeignKey("bodies.id"), nullable=True, index=True)
    # The verification method's fragment: did:web:...#<fragment>.
    fragment: Mapped[str] = mapped_column(String(64))
    public_multibase: Mapped[str] = mapped_column(String(80))
    # The seed, encrypted at rest under a key derived from Settings.secret_key.
    sealed_seed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A retired key still verifies what it signed before this instant, and nothing after.
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    __table_args__ = (UniqueConstraint("body_id", "fragment"),)


class StatusList(Base):
    """One W3C Bitstring Status List of an issuer, for one purpose."""

    __tablename__ = "status_lists"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    # revocation or suspension.
    purpose: Mapped[str] = mapped_column(String(16))
    size: Mapped[int] = mapped_column(Integer)
    # The raw bitstring (size / 8 bytes); index 0 is the most significant bit of byte 0.
    bits: Mapped[bytes] = mapped_column(LargeBinary)
    # Next unallocated index: indexes are handed out once and never reused.
    next_index: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class StatusSlot(Base):
    """A certificate's index in a status list."""

    __tablename__ = "status_slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"))
    index: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(16))

    __table_args__ = (UniqueConstraint("list_id", "index"),
                      UniqueConstraint("certificate_id", "purpose"))


class IssuedCredential(Base):
    """The signed credential of one certificate issue (eddsa-jcs-2022), and its JWT form."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    issue_no: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[int] = mapped_column(ForeignKey("signing_keys.id"))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    jwt: Mapped[str] = mapped_column(Text, default="")
    # SHA-256 of the RFC 8785 form of the signed document: what the log and the QR carry.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (UniqueConstraint("certificate_id", "issue_no"),)
