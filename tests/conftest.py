"""Shared fixtures: databases built in code, on SQLite and (when configured) PostgreSQL; the
demo databases built once per test session and shared by every xdist worker."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from filelock import FileLock
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, text

from certpass.config import Settings
from certpass.store.database import Database

POSTGRES_URL = os.environ.get("CERTPASS_TEST_POSTGRES_URL", "")
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# Properties whose examples sign, verify or touch a database: a busy machine makes an example
# slow, not wrong, so no per-example deadline (HYPOTHESIS_PROFILE picks another profile).
hypothesis_settings.register_profile(
    "certpass", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "certpass"))


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
    """`certpass --lang en --database <database> ARGS...` in this process: (exit code, out,
    err), in English whatever the developer's locale (tests/cli/test_cli_languages.py tries
    the other languages)."""
    from certpass.cli.main import main

    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--lang", "en", "--database", database.url, *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    return run


def built_once(tmp_path_factory: pytest.TempPathFactory, worker_id: str, name: str,
               build: Callable[[Path], None]) -> Path:
    """A file `build(path)` makes, made once per test session: the first xdist worker builds
    it under a file lock in the directory all workers share, the others wait and reuse it
    (the recipe of pytest-xdist's documentation). Users copy it before writing."""
    if worker_id == "master":  # not under xdist: this process is the session
        path = tmp_path_factory.mktemp("built") / name
        build(path)
        return path
    shared = tmp_path_factory.getbasetemp().parent / "built-once"
    shared.mkdir(exist_ok=True)
    path = shared / name
    with FileLock(str(path) + ".lock"):
        if not path.is_file():
            partial = shared / f"{name}.partial"
            partial.unlink(missing_ok=True)
            build(partial)
            partial.rename(path)  # complete or absent, never half-built
    return path


def sqlite_copy(source: Path, directory: Path, name: str = "certpass.db") -> Database:
    """A private copy of a built SQLite file."""
    path = directory / name
    shutil.copy(source, path)
    return Database(f"sqlite:///{path}")


def _settle(db: Database) -> None:
    """Everything in the main file (no -wal left beside it), so a copy of it is complete."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.dispose()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory, worker_id: str,
              sqlite_template: Path) -> Path:
    """The demo dataset loaded through the services (tests.registry_fixture.SETTINGS), as a
    SQLite file built once per test session."""
    def build(path: Path) -> None:
        from certpass.demo.loader import load_demo
        from tests.registry_fixture import SETTINGS

        shutil.copy(sqlite_template, path)
        db = Database(f"sqlite:///{path}")
        load_demo(db, SETTINGS)
        _settle(db)

    return built_once(tmp_path_factory, worker_id, "demo.db", build)


@pytest.fixture(scope="session")
def demo_site_file(tmp_path_factory: pytest.TempPathFactory, worker_id: str,
                   demo_file: Path) -> Path:
    """The demo as the web pages' tests see it (tests.web.pages.demo_site), built once."""
    def build(path: Path) -> None:
        from tests.web.pages import demo_site

        shutil.copy(demo_file, path)
        settings, db = demo_site.settings_for(path), Database(f"sqlite:///{path}")
        demo_site.finish(db, settings)
        _settle(db)

    return built_once(tmp_path_factory, worker_id, "demo-site.db", build)
