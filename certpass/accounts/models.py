"""Accounts: users who belong to one body, and their API tokens (stored hashed)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certpass.store.base import Base, UTCDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    # admin, accreditation-body, certification-body, relying-party (watches, writes nothing).
    role: Mapped[str] = mapped_column(String(32))
    body_id: Mapped[str | None] = mapped_column(ForeignKey("bodies.id"), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(200), default="")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Last day this certification-body user may record dates beyond the back-dating window
    # (a register migration), granted by an administrator; None: not granted.
    backdating_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Public part of the token, used to find the row; the secret part is only hashed.
    key_id: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(120), default="")
    # read or write.
    scope: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # The token that created this one (an administrator's): it expires no later than its
    # parent and is revoked with it. None when created with a password or by the operator.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("api_tokens.id"), nullable=True,
                                                  index=True)

    user: Mapped[User] = relationship(lazy="joined")
    parent: Mapped[ApiToken | None] = relationship(remote_side=[id], lazy="select")


class IdempotencyRecord(Base):
    """A write request's key and the response it produced, committed with the write itself."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    key: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(8))
    path: Mapped[str] = mapped_column(String(1000))
    body_hash: Mapped[str] = mapped_column(String(64))
    # 0 while the request runs inside its transaction; the response is stored before commit.
    status: Mapped[int] = mapped_column(Integer, default=0)
    response: Mapped[bytes] = mapped_column(LargeBinary, default=b"")
    content_type: Mapped[str] = mapped_column(String(100), default="application/json")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginAttempts(Base):
    """Failed password checks per account name and per client, shared by every server
    process: after a few free failures each further one locks the key for twice as long."""

    __tablename__ = "login_attempts"

    # "account:<user name, lower case>" or "client:<address>".
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    last_failure_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    locked_until: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class WebSession(Base):
    """A signed-in browser session. The cookie carries a random id; only its SHA-256 is
    stored, so reading this table gives nobody a working cookie. Signing out, a new
    password or disabling the user deletes the row, which ends the session at once."""

    __tablename__ = "web_sessions"

    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    last_seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship(lazy="joined")
