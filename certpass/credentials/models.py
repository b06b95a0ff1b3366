"""Tables of the passport: signing keys, status lists and their slots, issued credentials.

Only the credentials services write them (keyring.py: signing_keys; status.py: status_lists
and status_slots; service.py: credentials). The verifier's live trust source reads them:

- ``signing_keys``: every key an issuer ever had. A key verifies a proof whose ``created``
  is before ``retired_at`` (or any proof while ``retired_at`` is null); the verification
  method is ``<issuer DID>#<fragment>``. A revoked key (``compromised_at`` set) counts only
  for credentials the log recorded before ``compromised_at``. ``body_id`` null = the
  platform's own key.
- ``status_lists``: one W3C Bitstring Status List per (body, purpose, list id); ``bits`` is
  the raw bitstring (index 0 = most significant bit of byte 0), served signed at
  ``/status/<body_id>/<purpose>/<id>``.
- ``credentials``: the signed credential of each certificate issue, as its RFC 8785 bytes;
  ``sha256`` is the hash the transparency log and the QR code carry.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import orjson
from sqlalchemy import (
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certpass.store.base import Base, UTCDateTime, utcnow


class SigningKey(Base):
    """An Ed25519 key of an issuing body (or of the platform when ``body_id`` is null)."""

    __tablename__ = "signing_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    body_id: Mapped[str | None] = mapped_column(ForeignKey("bodies.id"), nullable=True, index=True)
    # The verification method's fragment: did:web:...#<fragment>.
    fragment: Mapped[str] = mapped_column(String(64))
    public_multibase: Mapped[str] = mapped_column(String(80))
    # The seed, AES-GCM sealed under a key derived from Settings.secret_key (keyring.py).
    sealed_seed: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A retired key still verifies what it signed before this instant, and nothing after.
    retired_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Revoked (compromised): a signature by it counts only for what the log recorded before
    # `compromised_at`; `revoked_at` is when the revocation was recorded (keyring.revoke).
    compromised_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

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
    # How many indexes were handed out (each once, never reused); the list is full at size.
    next_index: Mapped[int] = mapped_column(Integer, default=0)
    # Key of the list's index permutation (status_list.shuffled_index): the n-th certificate
    # gets a pseudorandom index. Null for lists made before shuffling, which go on in order.
    shuffle_key: Mapped[bytes | None] = mapped_column(LargeBinary(16), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class StatusSlot(Base):
    """A certificate's index in a status list (one per purpose, kept for all its issues)."""

    __tablename__ = "status_slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("status_lists.id"))
    index: Mapped[int] = mapped_column(Integer)
    purpose: Mapped[str] = mapped_column(String(16))

    __table_args__ = (UniqueConstraint("list_id", "index"),
                      UniqueConstraint("certificate_id", "purpose"))


class IssuedCredential(Base):
    """The signed credential of one certificate issue (eddsa-jcs-2022); its VC-JOSE JWT is
    signed again when asked for (credentials.service.jwt)."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id"), index=True)
    issue_no: Mapped[int] = mapped_column(Integer)
    key_id: Mapped[int] = mapped_column(ForeignKey("signing_keys.id"))
    # The signed document as RFC 8785 bytes: stored exactly as hashed, never re-serialised.
    document: Mapped[bytes] = mapped_column(LargeBinary)
    # SHA-256 (hex) of `document`: what the log and the QR carry.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    key: Mapped[SigningKey] = relationship(lazy="joined")

    __table_args__ = (UniqueConstraint("certificate_id", "issue_no"),)

    def signed_document(self) -> dict[str, Any]:
        """The signed credential as JSON (what `document` holds as bytes)."""
        parsed: dict[str, Any] = orjson.loads(self.document)
        return parsed
