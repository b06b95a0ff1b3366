"""FastAPI dependencies: the database, the settings and the acting user."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from certpass.accounts import service as accounts
from certpass.accounts.actor import Actor
from certpass.config import Settings
from certpass.errors import InvalidInput, Unauthenticated
from certpass.store.database import Database
from certpass.web.idempotency import STATE_KEY


def get_db(request: Request) -> Database:
    """The app's database; for an Idempotency-Key request, one whose ``write()`` joins the
    request's outer transaction (the middleware commits it with the stored response)."""
    outer = request.scope.get("state", {}).get(STATE_KEY)
    if outer is not None:
        return request.app.state.db.joining(outer)
    return request.app.state.db


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def read_session(db: Annotated[Database, Depends(get_db)]) -> Iterator[Session]:
    with db.read() as session:
        yield session


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _authenticated(request: Request, db: Database, need_write: bool) -> Actor:
    """The signed-in web session's actor (set by the pages' middleware), or the bearer
    token's; ``need_write`` refuses read-scope tokens."""
    actor = getattr(request.state, "actor", None)
    if actor is not None:
        return actor
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated(
            "this operation needs an account",
            hint="send `Authorization: Bearer <token>`; create one with `certpass tokens create`"
                 + ("" if need_write else " (a read-scope token is enough)"))
    with db.read(primary=True) as session:  # a revoked token stops at once, replica or not
        actor = accounts.authenticate(session, token, need_write=need_write)
    request.state.token_key_id = token.split("_", 2)[1]  # the parent of tokens it makes
    return actor


def writer(request: Request, db: Annotated[Database, Depends(get_db)]) -> Actor:
    """The authenticated author of a write: a write-scope token or a signed-in session."""
    return _authenticated(request, db, need_write=True)


def account(request: Request, db: Annotated[Database, Depends(get_db)]) -> Actor:
    """Any signed-in user, read-scope tokens included: for reads that belong to a user
    (their subscriptions, their tokens). Never for a write: use ``writer``."""
    return _authenticated(request, db, need_write=False)


def password_or_token(request: Request, db: Annotated[Database, Depends(get_db)]) -> Actor:
    """HTTP Basic with the user's password, or a write-scope bearer token (to manage tokens)."""
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "basic" and credentials.strip():
        try:
            decoded = base64.b64decode(credentials.strip(), validate=True).decode()
        except (ValueError, UnicodeDecodeError):
            raise Unauthenticated("malformed Basic credentials") from None
        username, sep, password = decoded.partition(":")
        if not sep:
            raise Unauthenticated("malformed Basic credentials")
        # The app's own database, not a request transaction: a failure stays recorded.
        client = request.client.host if request.client else "unknown"
        request.state.password_checked = True  # re-authenticated (e.g. to set a password)
        return accounts.login(request.app.state.db, request.app.state.settings, username,
                              password, client).actor
    return writer(request, db)


class ErrorDetail(BaseModel):
    code: str
    message: str
    hint: str | None = None
    details: Any = None


class ErrorResponse(BaseModel):
    """The one shape of every error: ``{"error": {"code", "message", "hint", "details"}}``."""

    error: ErrorDetail


ERROR_TEXT = {400: "Bad request", 401: "No valid credentials", 403: "Not allowed",
               404: "Not found", 409: "Conflict with the current state",
               413: "Too large", 422: "Invalid input", 429: "Too many requests",
               503: "Not committed; retry"}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route: the documented error statuses and their shape."""
    return {s: {"model": ErrorResponse, "description": ERROR_TEXT.get(s, "Error")}
            for s in statuses}


WRITE_ERRORS = error_responses(401, 403, 404, 409, 413, 422, 429, 503)

# Models that document a body a handler reads by hand (it checks who may send it, or
# answers in its own error shape, before reading it): web.app adds their schemas.
DOCUMENTED_MODELS: dict[str, type[BaseModel]] = {}


def documented_body(*models: type[BaseModel], also: dict[str, Any] | None = None
                    ) -> dict[str, Any]:
    """``openapi_extra=`` for a route: its JSON body is one of `models` (or `also`)."""
    DOCUMENTED_MODELS.update({m.__name__: m for m in models})
    shapes = [{"$ref": f"#/components/schemas/{m.__name__}"} for m in models]
    shapes += [also] if also else []
    schema = shapes[0] if len(shapes) == 1 else {"anyOf": shapes}
    return {"requestBody": {"required": True, "content": {"application/json": {
        "schema": schema}}}}


class Page:
    """``limit`` and ``offset`` query parameters, bounded by the settings."""

    def __init__(
        self,
        request: Request,
        limit: Annotated[int, Query(ge=1, description="page size")] = 50,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
    ) -> None:
        most = request.app.state.settings.max_page_size
        if limit > most:
            raise InvalidInput(f"limit {limit} is over the maximum page size {most}",
                               hint=f"ask for at most {most} items and page with offset")
        self.limit = limit
        self.offset = offset


DB = Annotated[Database, Depends(get_db)]
ReadSession = Annotated[Session, Depends(read_session)]
Writer = Annotated[Actor, Depends(writer)]
Account = Annotated[Actor, Depends(account)]
PasswordOrToken = Annotated[Actor, Depends(password_or_token)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PageDep = Annotated[Page, Depends()]


# A certificate number as a path parameter. Routes take it as {number:path}: numbers may hold
# "/" (EAEU BY/112 02.01. ...), which a link may or may not percent-encode.
CertificateNumber = Annotated[str, Path(min_length=1, max_length=80)]
# Numbers are unique per issuer: where two bodies hold a number, the issuer says which.
CertificateIssuer = Annotated[str | None, Query(
    min_length=1, max_length=64,
    description="the issuing body's id; needed only where several bodies hold the number")]


def download_name(number: str) -> str:
    """A certificate number as part of a download's file name ("/" and spaces are not)."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", number)
