"""Health and settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from certpass import __version__
from certpass.web.deps import DB, SettingsDep

router = APIRouter(prefix="/api", tags=["system"])


@router.get("/health")
def health(db: DB) -> dict[str, Any]:
    with db.read() as session:
        session.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__, "database": db.dialect}


@router.get("/settings")
def settings(s: SettingsDep) -> list[dict[str, Any]]:
    """The table of settings with their current values (secrets masked)."""
    return s.describe()
