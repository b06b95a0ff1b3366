from __future__ import annotations

import pytest

from tests.recognition.demo_db import demo_database


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, sqlite_template):
    """The demo database, loaded once; tests must not write to it."""
    db = demo_database(tmp_path_factory.mktemp("demo"), sqlite_template)
    yield db
    db.dispose()
