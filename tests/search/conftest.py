"""The demo database, loaded once per module on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from certpass.config import Settings
from certpass.demo.loader import load_demo
from certpass.store.database import Database
from tests.conftest import _fresh_postgres


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def demo_db(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory,
            sqlite_template: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("search-demo") / "demo.db"
        shutil.copy(sqlite_template, path)
        db = Database(f"sqlite:///{path}")
    else:
        db = _fresh_postgres(request.getfixturevalue("postgres_schema"))
    settings = Settings.load(environ={}, database_url=db.url,
                             secret_key="test-secret-key-0123456789")
    load_demo(db, settings)
    yield db
    db.dispose()
