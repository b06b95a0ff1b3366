"""The demo database, loaded once per module on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from certpass.config import Settings
from certpass.demo.loader import load_demo
from certpass.store.database import Database
from tests.conftest import _fresh_postgres, sqlite_copy


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def demo_db(request: pytest.FixtureRequest,
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    if request.param == "sqlite":  # the session's one build (tests/conftest.py), copied
        db = sqlite_copy(request.getfixturevalue("demo_file"),
                         tmp_path_factory.mktemp("search-demo"))
    else:
        db = _fresh_postgres(request.getfixturevalue("postgres_schema"))
        settings = Settings.load(environ={}, database_url=db.url,
                                 secret_key="test-secret-key-0123456789")
        load_demo(db, settings)
    yield db
    db.dispose()
