"""Users and API tokens: tokens are shown once, stored hashed, scoped, expiring, revocable."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import JSON, column, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from certpass.accounts.actor import OPERATOR, Actor
from certpass.accounts.models import ApiToken, IdempotencyRecord, User
from certpass.errors import Conflict, Forbidden, InvalidInput, NotFound, Unauthenticated
from certpass.store.base import referenced_row, utcnow

ROLES = {"admin": None, "accreditation-body": "accreditation-body",
         "certification-body": "certification-body"}
TOKEN_PREFIX = "cpt"
_hasher = PasswordHasher()


def add_user(session: Session, username: str, role: str, body_id: str | None,
             password: str, actor: Actor) -> User:
    actor.require_admin("add users")
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}", hint=f"use one of {sorted(ROLES)}")
    if len(password) < 10:
        raise InvalidInput("a password needs at least 10 characters")
    needed = ROLES[role]
    if needed:
        body = (referenced_row(session, User.__table__.c.body_id, body_id,
                               column("roles", JSON)) if body_id else None)
        if body is None:
            raise InvalidInput(f"a {role} user belongs to a registered body; got {body_id!r}")
        if needed not in body.roles:
            raise InvalidInput(f"{body_id} is not a {needed}")
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"user {username!r} already exists")
    user = User(username=username, role=role, body_id=body_id,
                password_hash=_hasher.hash(password))
    session.add(user)
    session.flush()
    return user


def actor_of(user: User) -> Actor:
    return Actor(name=user.username, role=user.role, body_id=user.body_id)  # type: ignore[arg-type]


def check_password(session: Session, username: str, password: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    try:
        if user is None or user.disabled:
            raise VerifyMismatchError
        _hasher.verify(user.password_hash, password)
    except (VerifyMismatchError, InvalidHashError):
        raise Unauthenticated("wrong user name or password") from None
    return user


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    key_id: str
    expires_at: dt.datetime


def create_token(session: Session, username: str, scope: str, days: int, name: str,
                 actor: Actor) -> IssuedToken:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"unknown user {username!r}")
    if actor.role != "operator" and actor.name != username:
        actor.require_admin("create tokens for other users")
    if scope not in ("read", "write"):
        raise InvalidInput("a token's scope is read or write")
    if not 1 <= days <= 366:
        raise InvalidInput("a token lives between 1 and 366 days")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    expires = utcnow() + dt.timedelta(days=days)
    session.add(ApiToken(key_id=key_id, secret_hash=_digest(secret), user_id=user.id,
                         name=name, scope=scope, expires_at=expires))
    return IssuedToken(f"{TOKEN_PREFIX}_{key_id}_{secret}", key_id, expires)


def revoke_token(session: Session, key_id: str, actor: Actor) -> None:
    token = session.scalar(select(ApiToken).where(ApiToken.key_id == key_id))
    if token is None:
        raise NotFound(f"unknown token {key_id!r}")
    if actor.role != "operator" and actor.name != token.user.username:
        actor.require_admin("revoke other users' tokens")
    token.revoked_at = token.revoked_at or utcnow()


def authenticate(session: Session, token: str, need_write: bool) -> Actor:
    """The actor behind a bearer token; every failure looks the same to the caller."""
    return actor_of(token_user(session, token, need_write))


def token_user(session: Session, token: str, need_write: bool) -> User:
    """The user behind a bearer token (expired, revoked, forged: one refusal for all)."""
    refused = Unauthenticated("invalid, expired or revoked token",
                              hint="create a new token with `certpass tokens create`")
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX:
        raise refused
    row = session.scalar(select(ApiToken).where(ApiToken.key_id == parts[1]))
    if row is None or not hmac.compare_digest(row.secret_hash, _digest(parts[2])):
        raise refused
    if row.revoked_at is not None or row.expires_at <= utcnow() or row.user.disabled:
        raise refused
    if need_write and row.scope != "write":
        raise Forbidden("this token is read-only", hint="use a token with write scope")
    return row.user


def _digest(secret: str) -> str:
    # Tokens carry 256 bits of entropy, so a fast hash suffices (no brute force possible).
    return hashlib.sha256(secret.encode()).hexdigest()


def list_users(session: Session) -> list[dict[str, Any]]:
    return [{"username": u.username, "role": u.role, "body_id": u.body_id,
             "disabled": u.disabled, "created_at": u.created_at}
            for u in session.scalars(select(User).order_by(User.username))]


def list_tokens(session: Session, username: str, actor: Actor) -> list[dict[str, Any]]:
    """A user's tokens without their secrets (which are never stored)."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"unknown user {username!r}")
    if actor.role != "operator" and actor.name != username:
        actor.require_admin("list other users' tokens")
    now = utcnow()
    rows = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)
                           .order_by(ApiToken.created_at, ApiToken.id))
    return [{"key_id": t.key_id, "name": t.name, "scope": t.scope, "created_at": t.created_at,
             "expires_at": t.expires_at, "revoked_at": t.revoked_at,
             "state": "revoked" if t.revoked_at else "expired" if t.expires_at <= now
             else "active"} for t in rows]


def user_by_name(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"unknown user {username!r}")
    return user


# The demo database's accounts. These passwords are published in the README, so they are
# created only by the demo loader on a database that has no other users.
DEMO_ACCOUNTS = (
    ("admin", "admin", None, "certpass-demo-admin"),
    ("cnas", "accreditation-body", "cnas", "certpass-demo-cnas"),
    ("cqc", "certification-body", "cqc", "certpass-demo-cqc"),
)


def create_demo_accounts(session: Session) -> list[str]:
    """The demo's three accounts (admin, cnas, cqc) with their documented local passwords.

    Refuses a database that already has users: the published passwords must never reach
    a real deployment by being added next to real accounts."""
    if session.scalar(select(User.id).limit(1)) is not None:
        raise Conflict("this database already has users; demo accounts are only for a fresh "
                       "demo database", hint="build the demo with `certpass init --demo` on "
                                             "a new database file")
    for username, role, body_id, password in DEMO_ACCOUNTS:
        add_user(session, username, role, body_id, password, OPERATOR)
    return [a[0] for a in DEMO_ACCOUNTS]


# -- Idempotency records: the key of a write, stored in the write's own transaction -------

@dataclass(frozen=True)
class StoredResponse:
    method: str
    path: str
    body_hash: str
    status: int
    response: bytes
    content_type: str


def find_idempotent(session: Session, user_id: int, key: str) -> StoredResponse | None:
    row = session.scalar(select(IdempotencyRecord).where(
        IdempotencyRecord.user_id == user_id, IdempotencyRecord.key == key))
    if row is None:
        return None
    return StoredResponse(row.method, row.path, row.body_hash, row.status, row.response,
                          row.content_type)


def claim_idempotent(session: Session, user_id: int, key: str, method: str, path: str,
                     body_hash: str) -> IdempotencyRecord | None:
    """Insert the key first thing in the write transaction; None if another request holds
    it (the unique constraint makes a concurrent duplicate wait, then fail here)."""
    record = IdempotencyRecord(user_id=user_id, key=key, method=method, path=path,
                               body_hash=body_hash, status=0, response=b"")
    try:
        with session.begin_nested():
            session.add(record)
    except IntegrityError:
        return None
    return record


def forget_idempotency_keys(session: Session, before: dt.datetime) -> int:
    """Delete the keys of writes made before `before`; returns how many. A retry after that
    is a new request (the write's own checks, e.g. a duplicate number, still refuse it)."""
    return session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < before)).rowcount


def complete_idempotent(session: Session, record: IdempotencyRecord, status: int,
                        response: bytes, content_type: str) -> None:
    record.status = status
    record.response = response
    record.content_type = content_type[:100]
    session.flush()
