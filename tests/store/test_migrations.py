"""Migrations are the only way a schema is made: they must build exactly what the models say."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from certpass.index.models import is_unmodelled
from certpass.store.models import metadata


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={
            "compare_type": True,
            "include_name": lambda name, kind, _parent: not (
                name and is_unmodelled(name))})
        diff = compare_metadata(context, metadata)
    assert diff == [], "models and migrations differ; write a migration:\n" + "\n".join(
        map(str, diff))


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_db):
    with sqlite_db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_every_table_is_made_by_migrations(db):
    made = set(inspect(db.engine).get_table_names()) - {"alembic_version"}
    assert {t for t in made if not is_unmodelled(t)} == set(metadata.tables)
    fts = {t for t in made if is_unmodelled(t)}
    assert ("search_fts" in fts) == (db.engine.dialect.name == "sqlite")
