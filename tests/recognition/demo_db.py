"""The whole demo loaded once per test session on SQLite (~8 s), shared read-only."""

from __future__ import annotations

import shutil
from pathlib import Path

from certpass.demo.loader import load_demo
from certpass.store.database import Database
from tests.registry_fixture import SETTINGS

_loaded: dict[str, Path] = {}


def demo_database(folder: Path, template: Path) -> Database:
    """A loaded demo database; the first call loads it, later calls reuse the file."""
    if "path" not in _loaded:
        path = folder / "demo.db"
        shutil.copy(template, path)
        db = Database(f"sqlite:///{path}")
        load_demo(db, SETTINGS)
        db.dispose()
        _loaded["path"] = path
    return Database(f"sqlite:///{_loaded['path']}")
