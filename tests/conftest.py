"""Shared fixtures: databases built in code, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from certpass.config import Settings
from certpass.store.database import Database

POSTGRES_URL = os.environ.get("CERTPASS_TEST_POSTGRES_URL", "")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    db = Database(f"sqlite:///{path}")
    db.migrate()
    db.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str]:
    """A private schema in the test database, migrated once, dropped at the end."""
    if not POSTGRES_URL:
        pytest.skip("CERTPASS_TEST_POSTGRES_URL is not set")
    schema = f"certpass_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(POSTGRES_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    db = Database(_in_schema(schema))
    db.migrate()
    db.dispose()
    yield schema
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _in_schema(schema: str) -> str:
    sep = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{sep}options=-csearch_path%3D{schema}"


def _fresh_postgres(schema: str) -> Database:
    db = Database(_in_schema(schema))
    with db.engine.begin() as conn:
        existing = {r[0] for r in conn.execute(text(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()"))}
        tables = ", ".join(f'"{t}"' for t in sorted(existing - {"alembic_version", "log_head"}))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("UPDATE log_head SET size = 0"))
    return db


@pytest.fixture(params=["sqlite", "postgres"])
def db(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """An empty, migrated database: SQLite, and PostgreSQL when configured."""
    if request.param == "sqlite":
        path = tmp_path / "certpass.db"
        shutil.copy(sqlite_template, path)
        database = Database(f"sqlite:///{path}")
    else:
        database = _fresh_postgres(request.getfixturevalue("postgres_schema"))
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(tmp_path: Path, sqlite_template: Path) -> Iterator[Database]:
    """SQLite only, for tests about behaviour rather than storage."""
    path = tmp_path / "certpass.db"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.load(environ={}, database_url=f"sqlite:///{tmp_path / 'certpass.db'}",
                         secret_key="test-secret-key-0123456789")


def cli_runner(database: Database, capsys: pytest.CaptureFixture[str]
               ) -> Callable[..., tuple[int, str, str]]:
    """`certpass --database <database> ARGS...` in this process: (exit code, out, err)."""
    from certpass.cli.main import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--database", database.url, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run
