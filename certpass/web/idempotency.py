"""``Idempotency-Key`` on every write: a retried request returns the first result and never
writes twice.

How it holds together: for a write request (POST, PUT, PATCH, DELETE under /api/) that
carries the header from an authenticated token user, this middleware opens the write
transaction *before* the handler runs (``Database.outer_transaction``: SQLAlchemy's "join an
external transaction" recipe) and claims the key in it (unique on user and key, so a
concurrent duplicate waits on the constraint and then finds the first result). The handler's
``db.write()`` joins that transaction as a savepoint (``deps.get_db`` hands it
``Database.joining``), the response is stored in the same transaction, and only then does it
commit and the client see the answer. A crash therefore leaves either the write with its key
and response, or neither.

Responses that must not be replayed (a new token's secret is shown once) are stored as a
409 that says the request was already done.
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

from anyio import to_thread
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from certpass.accounts import service as accounts
from certpass.errors import CertpassError, error_body
from certpass.store.database import Database, OuterTransaction

log = logging.getLogger(__name__)

HEADER = "idempotency-key"
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
STATE_KEY = "certpass_outer_transaction"
# Paths whose response holds a secret shown once: never stored, never replayed.
NO_REPLAY = ("/api/tokens",)
_MAX_KEY = 200


class Idempotency:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] != "http" or scope["method"] not in WRITE_METHODS
                or not scope["path"].startswith("/api/")):
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        key = headers.get(HEADER)
        if key is None:
            await self.app(scope, receive, send)
            return
        if not 1 <= len(key) <= _MAX_KEY or not key.isprintable():
            await _send_json(send, 422, error_body(
                "invalid-input", f"an Idempotency-Key is 1 to {_MAX_KEY} printable characters",
                "use a fresh random value (e.g. a UUID) per logical request"))
            return
        db: Database = scope["app"].state.db
        user_id = await to_thread.run_sync(_user_of, db, headers.get("authorization", ""))
        if user_id is None:  # unauthenticated: the handler answers 401/403, nothing to store
            await self.app(scope, receive, send)
            return

        body = await _read_body(receive)
        replay = _Replay(body)
        path = scope["path"] + ("?" + scope["query_string"].decode("latin-1")
                                if scope.get("query_string") else "")
        body_hash = hashlib.sha256(body).hexdigest()
        request = (user_id, key, scope["method"], path, body_hash)

        for _ in range(3):
            stored = await to_thread.run_sync(_lookup, db, user_id, key)
            if stored is not None:
                await _answer_stored(send, stored, request)
                return
            tx = _Request(db)
            claimed = await to_thread.run_sync(tx.begin_and_claim, request)
            if claimed:
                break
        else:
            await _send_json(send, 409, error_body(
                "idempotency-key-in-use", "a request with this Idempotency-Key is running",
                "wait for it to finish, then retry with the same key"))
            return

        captured = _Captured()
        scope.setdefault("state", {})[STATE_KEY] = tx.outer
        try:
            await self.app(scope, replay, captured.send)
        except BaseException:
            await to_thread.run_sync(tx.rollback)
            raise
        finally:
            scope["state"].pop(STATE_KEY, None)
        if captured.status >= 500 or captured.status in (401, 403, 429):
            # Not a result to keep: nothing is written and the key stays free for a retry.
            await to_thread.run_sync(tx.rollback)
            await captured.replay_to(send)
            return
        stored_body, stored_status = captured.body, captured.status
        if scope["path"].startswith(NO_REPLAY):
            stored_status = 409
            stored_body = json.dumps(error_body(
                "idempotent-request-done", "this request was already completed",
                "its response held a secret that is shown only once; list your tokens "
                "to see it was made")).encode()
        try:
            await to_thread.run_sync(tx.commit, stored_status, stored_body,
                                     captured.content_type)
        except Exception:
            log.exception("idempotent write %s %s not committed", scope["method"], path)
            await to_thread.run_sync(tx.rollback)
            await _send_json(send, 503, error_body(
                "not-committed", "the write could not be committed; nothing was written",
                "retry with the same Idempotency-Key"))
            return
        await captured.replay_to(send)


def _user_of(db: Database, authorization: str) -> int | None:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    try:
        with db.read() as session:
            return accounts.token_user(session, token.strip(), need_write=False).id
    except CertpassError:
        return None


def _lookup(db: Database, user_id: int, key: str) -> accounts.StoredResponse | None:
    with db.read() as session:
        stored = accounts.find_idempotent(session, user_id, key)
    # status 0 is a claim whose transaction has not committed (only visible to itself).
    return stored if stored is not None and stored.status else None


class _Request:
    """The request's outer write transaction: the key's claim, the handler's writes (each a
    savepoint of it) and the stored response. Each step runs in a worker thread, one after
    the other."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.outer: OuterTransaction | None = None
        self.record: Any = None

    def begin_and_claim(self, request: tuple[int, str, str, str, str]) -> bool:
        self.outer = self.db.outer_transaction()
        user_id, key, method, path, body_hash = request
        try:
            with self.db.joining(self.outer).write() as session:
                self.record = accounts.claim_idempotent(session, user_id, key, method, path,
                                                        body_hash)
        except BaseException:
            self.rollback()
            raise
        if self.record is None:
            self.rollback()
            return False
        return True

    def commit(self, status: int, body: bytes, content_type: str) -> None:
        assert self.outer is not None
        with self.db.joining(self.outer).write() as session:
            session.add(self.record)  # the claim's row, detached from its own session
            accounts.complete_idempotent(session, self.record, status, body, content_type)
        outer, self.outer = self.outer, None
        outer.commit()

    def rollback(self) -> None:
        if self.outer is not None:
            outer, self.outer = self.outer, None
            outer.rollback()


class _Replay:
    """Hands the already-read body to the app."""

    def __init__(self, body: bytes) -> None:
        self.body = body
        self.sent = False

    async def __call__(self) -> Message:
        if self.sent:
            return {"type": "http.disconnect"}
        self.sent = True
        return {"type": "http.request", "body": self.body, "more_body": False}


class _Captured:
    def __init__(self) -> None:
        self.start: Message | None = None
        self.chunks: list[bytes] = []

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.start = message
        elif message["type"] == "http.response.body":
            self.chunks.append(message.get("body", b""))

    @property
    def status(self) -> int:
        return self.start["status"] if self.start else 500

    @property
    def body(self) -> bytes:
        return b"".join(self.chunks)

    @property
    def content_type(self) -> str:
        for name, value in (self.start or {}).get("headers", []):
            if name.lower() == b"content-type":
                return value.decode("latin-1")
        return "application/json"

    async def replay_to(self, send: Send) -> None:
        if self.start is None:
            await _send_json(send, 500, error_body("internal-error", "no response"))
            return
        headers = [(n, v) for n, v in self.start.get("headers", [])
                   if n.lower() != b"content-length"]
        body = self.body
        headers.append((b"content-length", str(len(body)).encode()))
        await send({"type": "http.response.start", "status": self.status, "headers": headers})
        await send({"type": "http.response.body", "body": body})


async def _read_body(receive: Receive) -> bytes:
    chunks = []
    while True:
        message = await receive()
        if message["type"] == "http.request":
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                break
        elif message["type"] == "http.disconnect":
            break
    return b"".join(chunks)


async def _answer_stored(send: Send, stored: accounts.StoredResponse,
                         request: tuple[int, str, str, str, str]) -> None:
    _, _, method, path, body_hash = request
    if (stored.method, stored.path, stored.body_hash) != (method, path, body_hash):
        await _send_json(send, 422, error_body(
            "idempotency-key-reused",
            "this Idempotency-Key was used for a different request",
            "use a new key for each new request; reuse a key only to retry the same request",
            {"first": {"method": stored.method, "path": stored.path}}))
        return
    await send({"type": "http.response.start", "status": stored.status, "headers": [
        (b"content-type", stored.content_type.encode("latin-1")),
        (b"content-length", str(len(stored.response)).encode()),
        (b"idempotent-replayed", b"true"),
    ]})
    await send({"type": "http.response.body", "body": stored.response})


async def _send_json(send: Send, status: int, payload: dict[str, Any],
                     headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(payload).encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})

