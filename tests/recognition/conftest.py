from __future__ import annotations

import pytest

from tests.conftest import sqlite_copy


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory, demo_file):
    """The demo database (built once per test session); tests must not write to it."""
    db = sqlite_copy(demo_file, tmp_path_factory.mktemp("demo"))
    yield db
    db.dispose()
