"""Health and settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import text

from certpass import __version__
from certpass.accounts import service as accounts
from certpass.errors import CertpassError
from certpass.store.database import Database
from certpass.web.deps import DB, SettingsDep, bearer_token
from certpass.web.session import current_actor

router = APIRouter(prefix="/api", tags=["system"])


@router.get("/health")
def health(db: DB) -> dict[str, Any]:
    with db.read() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__, "database": db.dialect}


@router.get("/settings")
def settings(request: Request, db: DB, s: SettingsDep) -> list[dict[str, Any]]:
    """The table of settings with their current values: secrets never shown, passwords in
    URLs masked; sensitive settings (the database URL) only for administrators."""
    return s.describe(administrator=_is_administrator(request, db))


def _is_administrator(request: Request, db: Database) -> bool:
    actor = current_actor(request, db)
    token = bearer_token(request)
    if actor is None and token is not None:
        try:
            with db.read() as session:
                actor = accounts.authenticate(session, token, need_write=False)
        except CertpassError:
            actor = None  # a bad token reads what anyone may read
    return actor is not None and actor.role in ("admin", "operator")
