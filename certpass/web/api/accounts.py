"""API tokens: a signed-in user creates, lists and revokes their own tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, Field

from certpass.accounts import service
from certpass.web.deps import DB, WRITE_ERRORS, PasswordOrToken, error_responses

router = APIRouter(prefix="/api/tokens", tags=["accounts"])
KeyId = Annotated[str, Path(min_length=1, max_length=16, pattern="^[0-9a-f]+$")]


class TokenRequest(BaseModel):
    scope: Literal["read", "write"] = "read"
    days: int = Field(default=90, ge=1, le=366)
    name: str = Field(default="", max_length=120)
    user: str | None = Field(default=None, min_length=1, max_length=120,
                             description="whose token (administrators; default: yours)")


class NewToken(BaseModel):
    token: str = Field(description="The bearer token. Shown only in this response.")
    key_id: str
    scope: str
    expires_at: dt.datetime


class TokenInfo(BaseModel):
    key_id: str
    name: str
    scope: str
    created_at: dt.datetime
    expires_at: dt.datetime
    revoked_at: dt.datetime | None
    parent_key_id: str | None = Field(description="the token that made this one; revoking "
                                                  "it revokes this one")
    state: str


@router.post("", status_code=201, response_model=NewToken, responses=WRITE_ERRORS)
def create_token(request: TokenRequest, http: Request, db: DB,
                 actor: PasswordOrToken) -> dict:
    """Create a token for yourself with HTTP Basic (user name and password). An
    administrator's write token may create tokens for anyone: they expire no later than it
    and are revoked with it. The token is shown once; only its hash is kept."""
    with db.write() as session:
        issued = service.create_token(
            session, request.user or actor.name, request.scope, request.days, request.name,
            actor, parent_key_id=getattr(http.state, "token_key_id", None),
            password_checked=getattr(http.state, "password_checked", False))
    return {"token": issued.token, "key_id": issued.key_id, "scope": request.scope,
            "expires_at": issued.expires_at}


@router.get("", response_model=list[TokenInfo], responses=error_responses(401, 403))
def list_tokens(db: DB, actor: PasswordOrToken) -> list[dict]:
    """Your tokens, without their secrets."""
    with db.read() as session:
        return service.list_tokens(session, actor.name, actor)


@router.delete("/{key_id}", status_code=204, responses=WRITE_ERRORS)
def revoke_token(key_id: KeyId, db: DB, actor: PasswordOrToken) -> None:
    """Revoke one of your tokens (an administrator may revoke anyone's), and every token
    made with it."""
    with db.write() as session:
        service.revoke_token(session, key_id, actor)
