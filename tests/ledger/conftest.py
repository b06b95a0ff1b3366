"""A migrated database per test: SQLite, and PostgreSQL when CERTPASS_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text

from certpass.config import Settings
from certpass.store.database import Database

POSTGRES_URL = os.environ.get("CERTPASS_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def _admin_url(url: str) -> str:
    return "postgresql+psycopg://" + url.split("://", 1)[1]


@pytest.fixture(params=BACKENDS)
def db(request: pytest.FixtureRequest, tmp_path) -> Iterator[Database]:
    if request.param == "sqlite":
        database = Database(f"sqlite:///{tmp_path / 'ledger.db'}")
        database.migrate()
        yield database
        database.dispose()
        return
    if not POSTGRES_URL:
        pytest.skip("CERTPASS_TEST_POSTGRES_URL is not set")
    # A throwaway database per test: isolation without cleaning tables by hand.
    name = f"certpass_ledger_{uuid.uuid4().hex[:12]}"
    admin = create_engine(_admin_url(POSTGRES_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    base, _, _ = POSTGRES_URL.rpartition("/")
    database = Database(f"{base}/{name}")
    try:
        database.migrate()
        yield database
    finally:
        database.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def settings() -> Settings:
    return Settings(
        log_origin="test.certpass.example/log",
        checkpoint_every_entries=10,
        checkpoint_every_seconds=3600.0,
        secret_key="test-secret",
        log_publisher=False,  # these tests sign checkpoints themselves, deterministically
    )


def event(i: int, kind: str = "certificate.issued") -> dict:
    return {
        "type": kind,
        "at": "2026-01-01T00:00:00Z",
        "actor": "tester",
        "certificate": {"number": f"C-{i}", "issue": 1, "status": "valid", "scheme": "s",
                        "issuer": "b"},
        "documents": {"credential": "sha256:" + "ab" * 32},
    }  # fmt: skip
