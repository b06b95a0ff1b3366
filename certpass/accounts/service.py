"""Users and API tokens: tokens are shown once, stored hashed, scoped, expiring, revocable."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import math
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy import JSON, column, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from certpass.accounts import passwords
from certpass.accounts.actor import OPERATOR, Actor
from certpass.accounts.models import ApiToken, IdempotencyRecord, LoginAttempts, User, WebSession
from certpass.config import Settings
from certpass.errors import (
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthenticated,
)
from certpass.store.base import referenced_row, utcnow
from certpass.store.database import Database

# role → the body role its user's body must have (None: no body needed). A relying party
# (an importer, a buyer, a customs office) belongs to no body: it reads, and watches
# certificates it does not own (webhook subscriptions; Atom feeds need no account).
ROLES = {"admin": None, "accreditation-body": "accreditation-body",
         "certification-body": "certification-body", "relying-party": None}
TOKEN_PREFIX = "cpt"
_hasher = PasswordHasher()


def check_strength(password: str, username: str) -> None:
    """Refuse a weak password (accounts.passwords), saying why."""
    reason = passwords.weakness(password, username)
    if reason:
        raise InvalidInput(reason, hint=f"use {passwords.MIN_LENGTH} or more characters, e.g. "
                                        "several unrelated words; not the user name")


def add_user(session: Session, username: str, role: str, body_id: str | None,
             password: str, actor: Actor, *, check: bool = True) -> User:
    """``check=False`` only for the demo's published passwords (see DEMO_ACCOUNTS)."""
    actor.require_admin("add users")
    if role not in ROLES:
        raise InvalidInput(f"unknown role {role!r}", hint=f"use one of {sorted(ROLES)}")
    if check:
        check_strength(password, username)
    needed = ROLES[role]
    if role == "relying-party" and body_id:
        raise InvalidInput("a relying-party user belongs to no body",
                           hint="leave the body out: a relying party watches, it writes nothing")
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
    return Actor(name=user.username, role=user.role, body_id=user.body_id,  # type: ignore[arg-type]
                 backdating_until=user.backdating_until)


@functools.cache
def _dummy_hash() -> str:
    """An argon2 hash of a random secret: unknown and disabled users are checked against it,
    so every answer costs one argon2 verification (no user-name enumeration by timing)."""
    return _hasher.hash(secrets.token_urlsafe(24))


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password)
    except (VerifyMismatchError, InvalidHashError):
        return False


def check_password(session: Session, username: str, password: str) -> User:
    """The user whose password this is. Unthrottled: requests go through ``login``."""
    user = session.scalar(select(User).where(User.username == username))
    known = _verify(user.password_hash if user is not None else None, password)
    if user is None or user.disabled or not known:
        raise Unauthenticated("wrong user name or password")
    return user


# -- login: the throttled password check (form sign-in and HTTP Basic) -------------------

@dataclass(frozen=True)
class Login:
    user_id: int
    actor: Actor


def _throttle_keys(username: str, client: str) -> tuple[str, str]:
    return f"account:{username.strip().casefold()[:180]}", f"client:{client[:180]}"


def login(db: Database, settings: Settings, username: str, password: str,
          client: str) -> Login:
    """Check a password with back-off per account name and per client, kept in the
    database (every server process sees the same counts).

    A locked key answers 429 before any hash is computed; otherwise every answer costs one
    argon2 verification, known user or not. Each check is its own transaction, so a failure
    is recorded even when the caller's request rolls back."""
    keys = _throttle_keys(username, client)
    now = utcnow()
    with db.read() as session:
        locks = [t for t in session.scalars(select(LoginAttempts.locked_until).where(
            LoginAttempts.key.in_(keys), LoginAttempts.locked_until > now)) if t is not None]
        user = session.scalar(select(User).where(User.username == username))
    if locks:
        wait = max(1, math.ceil((max(locks) - now).total_seconds()))
        raise RateLimited("too many wrong passwords for this account or from this client",
                          retry_after=wait,
                          hint=f"wait {wait} s before trying again; an administrator can "
                               "reset the password with `certpass users set-password`")
    ok = _verify(user.password_hash if user is not None else None, password[:4096])
    if user is not None and ok and not user.disabled:
        with db.write() as session:
            session.execute(delete(LoginAttempts).where(LoginAttempts.key == keys[0]))
        return Login(user.id, actor_of(user))
    free = {keys[0]: settings.login_free_failures,
            keys[1]: settings.login_free_failures_per_client}
    with db.write() as session:
        for key in keys:
            _record_failure(session, key, free[key], settings.login_lockout_max_seconds, now)
    raise Unauthenticated("wrong user name or password")


_FORGET_AFTER = dt.timedelta(days=1)  # a day without failures starts the count again


def _record_failure(session: Session, key: str, free: int, cap: int, now: dt.datetime) -> None:
    row = session.get(LoginAttempts, key, with_for_update=True)
    if row is None:
        try:
            with session.begin_nested():
                session.add(LoginAttempts(key=key, failures=0, last_failure_at=now))
        except IntegrityError:  # another process inserted it meanwhile
            pass
        row = session.get(LoginAttempts, key, with_for_update=True, populate_existing=True)
        assert row is not None
    if now - row.last_failure_at > _FORGET_AFTER:
        row.failures = 0
    row.failures += 1
    row.last_failure_at = now
    over = row.failures - max(0, free)
    if over > 0:
        row.locked_until = now + dt.timedelta(seconds=min(cap, 2 ** min(over - 1, 30)))


def forget_login_failures(session: Session, username: str) -> None:
    """Unlock an account name (after an administrator set a new password)."""
    session.execute(delete(LoginAttempts).where(
        LoginAttempts.key == _throttle_keys(username, "")[0]))


@dataclass(frozen=True)
class IssuedToken:
    token: str  # shown once, never stored
    key_id: str
    expires_at: dt.datetime


def create_token(session: Session, username: str, scope: str, days: int, name: str,
                 actor: Actor, *, parent_key_id: str | None = None,
                 password_checked: bool = False) -> IssuedToken:
    """A new token. Made by the operator (CLI), by its user right after giving their
    password (``password_checked``), or by an administrator's token (``parent_key_id``):
    then it expires no later than that token and is revoked with it."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"unknown user {username!r}")
    if scope not in ("read", "write"):
        raise InvalidInput("a token's scope is read or write")
    if not 1 <= days <= 366:
        raise InvalidInput("a token lives between 1 and 366 days")
    expires = utcnow() + dt.timedelta(days=days)
    parent = None
    by_password = (password_checked and actor.role in ("admin", "operator")) or (
        password_checked and actor.name == username)
    if actor.role == "operator" or by_password:
        pass  # no parent: the password (or the command line) is the authority
    elif parent_key_id is not None and actor.role == "admin":
        parent = session.scalar(select(ApiToken).where(ApiToken.key_id == parent_key_id))
        if parent is None or parent.scope != "write":
            raise Forbidden("a token is made with a write token", hint="use a write token")
        expires = min(expires, parent.expires_at)
    else:
        raise Forbidden("tokens are created with your password, or by an administrator",
                        hint="send your user name and password as HTTP Basic "
                             "(`curl -u name ...`); a token cannot make another token")
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    session.add(ApiToken(key_id=key_id, secret_hash=_digest(secret), user_id=user.id,
                         name=name, scope=scope, expires_at=expires,
                         parent_id=parent.id if parent is not None else None))
    return IssuedToken(f"{TOKEN_PREFIX}_{key_id}_{secret}", key_id, expires)


_MAX_CHAIN = 32  # tokens made by tokens made by tokens ...: deeper chains are refused


def revoke_token(session: Session, key_id: str, actor: Actor) -> int:
    """Revoke a token and every token made with it; returns how many were revoked."""
    token = session.scalar(select(ApiToken).where(ApiToken.key_id == key_id))
    if token is None:
        raise NotFound(f"unknown token {key_id!r}")
    if actor.role != "operator" and actor.name != token.user.username:
        actor.require_admin("revoke other users' tokens")
    now = utcnow()
    revoked, layer = 0, [token.id]
    token.revoked_at = token.revoked_at or now
    for _ in range(_MAX_CHAIN):
        if not layer:
            break
        revoked += len(layer)
        layer = list(session.scalars(select(ApiToken.id).where(ApiToken.parent_id.in_(layer))))
        if layer:
            session.execute(update(ApiToken).where(ApiToken.id.in_(layer),
                                                   ApiToken.revoked_at.is_(None))
                            .values(revoked_at=now))
    return revoked


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
    if not _ancestors_live(session, row):
        raise refused
    if need_write and row.scope != "write":
        raise Forbidden("this token is read-only", hint="use a token with write scope")
    return row.user


def _ancestors_live(session: Session, row: ApiToken) -> bool:
    """Every token up the parent chain is unrevoked and unexpired (revoking cascades
    already; this holds even for a row revoked by hand in the database)."""
    now, parent_id = utcnow(), row.parent_id
    for _ in range(_MAX_CHAIN):
        if parent_id is None:
            return True
        parent = session.get(ApiToken, parent_id)
        if parent is None or parent.revoked_at is not None or parent.expires_at <= now:
            return False
        parent_id = parent.parent_id
    return False


def _digest(secret: str) -> str:
    # Tokens carry 256 bits of entropy, so a fast hash suffices (no brute force possible).
    return hashlib.sha256(secret.encode()).hexdigest()


def user_out(user: User) -> dict[str, Any]:
    """A user as lists and answers show one: never the password hash."""
    return {"username": user.username, "role": user.role, "body_id": user.body_id,
            "disabled": user.disabled, "created_at": user.created_at,
            "backdating_until": user.backdating_until}


def list_users(session: Session) -> list[dict[str, Any]]:
    return [user_out(u) for u in session.scalars(select(User).order_by(User.username))]


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
             "parent_key_id": t.parent.key_id if t.parent is not None else None,
             "expires_at": t.expires_at, "revoked_at": t.revoked_at,
             "state": "revoked" if t.revoked_at else "expired" if t.expires_at <= now
             else "active"} for t in rows]


def user_by_name(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"unknown user {username!r}")
    return user


# -- server-side web sessions -----------------------------------------------------------

SESSION_HOURS = 8  # a working day, then sign in again
SESSION_IDLE = dt.timedelta(hours=2)  # or sooner, after two hours without a request
_TOUCH_EVERY = dt.timedelta(minutes=5)  # last_seen_at is written at most this often


def start_session(session: Session, user_id: int) -> str:
    """A new session for the user; returns its random id (for the cookie, never stored)."""
    session_id = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(WebSession(id_hash=_digest(session_id), user_id=user_id, created_at=now,
                           expires_at=now + dt.timedelta(hours=SESSION_HOURS),
                           last_seen_at=now))
    return session_id


def session_user(session: Session, session_id: str) -> tuple[User, bool] | None:
    """The enabled user of a live session, and whether its last-seen time is due a write;
    None for an unknown, expired, idle or disabled one."""
    row = session.get(WebSession, _digest(session_id))
    now = utcnow()
    if (row is None or row.expires_at <= now or now - row.last_seen_at > SESSION_IDLE
            or row.user.disabled):
        return None
    return row.user, now - row.last_seen_at > _TOUCH_EVERY


def touch_session(session: Session, session_id: str) -> None:
    session.execute(update(WebSession).where(WebSession.id_hash == _digest(session_id))
                    .values(last_seen_at=utcnow()))


def end_session(session: Session, session_id: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id_hash == _digest(session_id)))


def _deleted(result: Any) -> int:
    """Rows a DELETE removed (a CursorResult's rowcount; typed as the generic Result)."""
    return int(result.rowcount)


def end_sessions_of(session: Session, user_id: int) -> int:
    return _deleted(session.execute(delete(WebSession).where(WebSession.user_id == user_id)))


def forget_expired_sessions(session: Session) -> int:
    now = utcnow()
    return _deleted(session.execute(delete(WebSession).where(or_(
        WebSession.expires_at <= now, WebSession.last_seen_at < now - SESSION_IDLE))))


# -- managing users: disable, enable, set a password --------------------------------------

def set_disabled(session: Session, username: str, disabled: bool, actor: Actor) -> User:
    """Disable (or enable) a user. A disabled user cannot sign in, their sessions end at
    once and their tokens are refused until they are enabled again."""
    actor.require_admin("disable or enable users")
    user = user_by_name(session, username)
    if disabled and actor.name == username:
        raise InvalidInput("you cannot disable yourself",
                           hint="ask another administrator, or use the command line")
    user.disabled = disabled
    if disabled:
        end_sessions_of(session, user.id)
    return user


# A grant is for a migration, not a standing power: it ends by itself.
MAX_BACKDATING_GRANT_DAYS = 92


def grant_backdating(session: Session, username: str, until: dt.date | None,
                     actor: Actor) -> User:
    """Let a certification-body user record dates beyond the back-dating window until a day
    at most MAX_BACKDATING_GRANT_DAYS ahead (a register migration), or end the grant
    (``until`` None). Every such record's log entry still says it was back-dated, and by
    whom."""
    actor.require_admin("grant the back-dating privilege")
    user = user_by_name(session, username)
    if until is not None:
        if user.role != "certification-body":
            raise InvalidInput(f"{username} is a {user.role} user; only certification-body "
                               "users record certificates",
                               hint="grant it to the certification body's user who migrates "
                                    "the register")
        today = dt.date.today()
        if not today <= until <= today + dt.timedelta(days=MAX_BACKDATING_GRANT_DAYS):
            raise InvalidInput(
                f"a grant ends between today and {MAX_BACKDATING_GRANT_DAYS} days from now, "
                f"not on {until}",
                hint="grant it for the migration's weeks; grant again if it takes longer",
                details={"until": until.isoformat(),
                         "max_days": MAX_BACKDATING_GRANT_DAYS})
    user.backdating_until = until
    return user


def set_password(session: Session, username: str, password: str, actor: Actor,
                 *, reauthenticated: bool = False) -> User:
    """A new password: by an administrator, or by the user after giving the current one
    (``reauthenticated``). Every session of the user ends; tokens stay valid."""
    if actor.role != "operator" and not (actor.name == username and reauthenticated):
        actor.require_admin("set other users' passwords")
    user = user_by_name(session, username)
    check_strength(password, username)
    user.password_hash = _hasher.hash(password)
    end_sessions_of(session, user.id)
    forget_login_failures(session, username)
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
        # Published in the README, so no strength check: they guard nothing but a demo.
        add_user(session, username, role, body_id, password, OPERATOR, check=False)
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
    return _deleted(session.execute(
        delete(IdempotencyRecord).where(IdempotencyRecord.created_at < before)))


def complete_idempotent(session: Session, record: IdempotencyRecord, status: int,
                        response: bytes, content_type: str) -> None:
    record.status = status
    record.response = response
    record.content_type = content_type[:100]
    session.flush()
