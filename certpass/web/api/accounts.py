"""API tokens: a signed-in user creates, lists and revokes their own tokens."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import BaseModel, Field

from certpass.accounts import service
from certpass.web.deps import DB, WRITE_ERRORS, PasswordOrToken, error_responses

router = APIRouter(prefix="/api/tokens", tags=["accounts"])
KeyId = Annotated[str, Path(min_length=1, max_length=16, pattern="^[0-9a-f]+$")]


class TokenRequest(BaseModel):
    scope: Literal["read", "write"] = "read"
    days: int = Field(default=90, ge=1, le=366)
    name: str = Field(default="", max_length=120)


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
    state: str


@router.post("", status_code=201, response_model=NewToken, responses=WRITE_ERRORS)
def create_token(request: TokenRequest, db: DB, actor: PasswordOrToken) -> dict:
    """Create a token for yourself: HTTP Basic (user name and password) or a write token.
    The token is shown once; only its hash is kept."""
    with db.write() as session:
        issued = service.create_token(session, actor.name, request.scope, request.days,
                                      request.name, actor)
    return {"token": issued.token, "key_id": issued.key_id, "scope": request.scope,
            "expires_at": issued.expires_at}


@router.get("", response_model=list[TokenInfo], responses=error_responses(401, 403))
def list_tokens(db: DB, actor: PasswordOrToken) -> list[dict]:
    """Your tokens, without their secrets."""
    with db.read() as session:
        return service.list_tokens(session, actor.name, actor)


@router.delete("/{key_id}", status_code=204, responses=WRITE_ERRORS)
def revoke_token(key_id: KeyId, db: DB, actor: PasswordOrToken) -> None:
    """Revoke one of your tokens (an administrator may revoke anyone's)."""
    with db.write() as session:
        service.revoke_token(session, key_id, actor)
