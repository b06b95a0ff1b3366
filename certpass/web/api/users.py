"""User accounts: administrators disable and enable users and set passwords; a user sets
their own password after giving the current one (HTTP Basic)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field

from certpass.accounts import service
from certpass.web.deps import DB, WRITE_ERRORS, PasswordOrToken, Writer, error_responses

router = APIRouter(prefix="/api/users", tags=["accounts"])
Username = Annotated[str, Path(min_length=1, max_length=120)]


class UserOut(BaseModel):
    username: str
    role: str
    body_id: str | None
    disabled: bool
    backdating_until: dt.date | None = Field(
        None, description="last day this user may record dates beyond the back-dating window")


class BackdatingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    until: dt.date | None = Field(
        description="last day of the grant (at most "
                    f"{service.MAX_BACKDATING_GRANT_DAYS} days ahead); null ends it now")


class PasswordRequest(BaseModel):
    password: str = Field(min_length=1, max_length=1024,
                          description="The new password (10+ characters, not a common one, "
                                      "not the user name)")


@router.post("/{username}/disable", response_model=UserOut, responses=WRITE_ERRORS)
def disable(username: Username, db: DB, actor: Writer) -> dict:
    """Disable a user (administrators): their sessions end, their tokens are refused."""
    with db.write() as session:
        return service.user_out(service.set_disabled(session, username, True, actor))


@router.post("/{username}/enable", response_model=UserOut, responses=WRITE_ERRORS)
def enable(username: Username, db: DB, actor: Writer) -> dict:
    """Enable a disabled user again (administrators)."""
    with db.write() as session:
        return service.user_out(service.set_disabled(session, username, False, actor))


@router.put("/{username}/backdating", response_model=UserOut, responses=WRITE_ERRORS)
def backdating(username: Username, body: BackdatingRequest, db: DB, actor: Writer) -> dict:
    """Grant a certification body's user, until a day, the recording of dates beyond the
    back-dating window (a register migration), or end the grant (administrators). Each
    record made under it is logged as back-dated, with its author."""
    with db.write() as session:
        return service.user_out(service.grant_backdating(session, username, body.until, actor))


@router.put("/{username}/password", status_code=204,
            responses={**WRITE_ERRORS, **error_responses(400)})
def set_password(username: Username, body: PasswordRequest, request: Request, db: DB,
                 actor: PasswordOrToken) -> None:
    """Set a password: an administrator for anyone (write token), a user for themselves with
    the current password as HTTP Basic. Every session of the user ends."""
    with db.write() as session:
        service.set_password(session, username, body.password, actor,
                             reauthenticated=getattr(request.state, "password_checked", False))
