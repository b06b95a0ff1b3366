"""FastAPI dependencies: the database, the settings and the acting user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from certpass.accounts import service as accounts
from certpass.accounts.actor import Actor
from certpass.config import Settings
from certpass.errors import InvalidInput, Unauthenticated
from certpass.store.database import Database


def get_db(request: Request) -> Database:
    return request.app.state.db


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def read_session(db: Annotated[Database, Depends(get_db)]) -> Iterator[Session]:
    with db.read() as session:
        yield session


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def writer(request: Request, db: Annotated[Database, Depends(get_db)]) -> Actor:
    """The authenticated author of a write: a bearer token with write scope, or a signed-in
    web session (set by the web pages' middleware)."""
    actor = getattr(request.state, "actor", None)
    if actor is not None:
        return actor
    token = _bearer(request)
    if token is None:
        raise Unauthenticated("this operation needs an account",
                              hint="send `Authorization: Bearer <token>`; create a token with "
                                   "`certpass tokens create`")
    with db.read() as session:
        return accounts.authenticate(session, token, need_write=True)


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
SettingsDep = Annotated[Settings, Depends(get_settings)]
PageDep = Annotated[Page, Depends()]
