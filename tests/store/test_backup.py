"""Backup, destroy, restore: the same registry and the same log root, on both back ends."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select, text

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.certificates.models import Certificate
from certpass.certificates.schemas import TransitionRequest
from certpass.errors import Conflict
from certpass.ledger.service import root_at, tree_size, verify_log
from certpass.store import backup as backups
from tests.registry_fixture import ctx, request, seed


def _snapshot(db) -> dict:
    with db.read() as s:
        names = [t for t in inspect(s.connection()).get_table_names() if t != "alembic_version"]
        counts = {t: s.execute(text(f'SELECT count(*) FROM "{t}"')).scalar() for t in names}
        size = tree_size(s)
        return {"counts": counts, "size": size, "root": root_at(s, size).hex(),
                "numbers": sorted(s.scalars(select(Certificate.number)))}


def test_backup_destroy_restore(db, tmp_path):
    seed(db)
    with db.write() as s:
        for n in range(3):
            certificates.issue(ctx(s), request(f"20240107010000{n:02d}"), OPERATOR)
    before = _snapshot(db)
    assert before["size"] > 0 and len(before["numbers"]) == 3
    path = tmp_path / "certpass.backup"
    assert backups.backup(db, path) > 0

    with pytest.raises(Conflict):  # a database with data is never overwritten silently
        backups.restore(db, path)
    with db.write() as s:  # destroy: the certificates and the log go
        certificates.transition(ctx(s), "2024010701000000", "suspend",
                                TransitionRequest(reason="x"), OPERATOR)
        s.execute(text("DELETE FROM log_entries"))
    backups.restore(db, path, force=True)

    after = _snapshot(db)
    assert after == before
    with db.read() as s:
        assert verify_log(s).ok
        assert s.scalar(select(func.count(Certificate.id))) == 3


def test_restore_into_an_empty_database_needs_no_force(sqlite_db, tmp_path):
    seed(sqlite_db)
    path = tmp_path / "b.db"
    backups.backup(sqlite_db, path)
    from certpass.store.database import Database

    fresh = Database(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert not backups.has_data(fresh)
    backups.restore(fresh, path)
    assert _snapshot(fresh) == _snapshot(sqlite_db)
    fresh.dispose()


def test_a_file_that_is_not_a_backup_is_refused(sqlite_db, tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database" * 100)
    from certpass.errors import InvalidInput

    with pytest.raises(InvalidInput):
        backups.restore(sqlite_db, bad, force=True)


def _sqlite_file(path, *statements: str):
    import sqlite3

    with sqlite3.connect(path) as conn:
        for statement in statements:
            conn.execute(statement)
    conn.close()
    return path


def _unchanged(db) -> tuple:
    with db.read() as s:
        return tuple(sorted(inspect(s.connection()).get_table_names())), tree_size(s)


@pytest.mark.parametrize("statements, words", [
    (["CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)",
      "INSERT INTO notes (body) VALUES ('hello')"], "no certpass schema revision"),
    (["CREATE TABLE alembic_version (version_num VARCHAR(32))",
      "INSERT INTO alembic_version VALUES ('zz_9999')"], "does not know"),
    (["CREATE TABLE alembic_version (version_num VARCHAR(32))",
      "INSERT INTO alembic_version VALUES ('0001')"], "lacks tables"),
])
def test_a_random_sqlite_file_is_refused_before_anything_is_replaced(
        sqlite_db, tmp_path, statements, words):
    """Issue 12: restore accepted any SQLite file and replaced the database with it."""
    from certpass.errors import InvalidInput

    seed(sqlite_db)
    before = _unchanged(sqlite_db)
    random_file = _sqlite_file(tmp_path / "random.db", *statements)
    with pytest.raises(InvalidInput, match=words) as caught:
        backups.restore(sqlite_db, random_file, force=True)
    assert caught.value.code == "invalid-backup"
    assert _unchanged(sqlite_db) == before


def test_a_backup_at_the_current_revision_missing_a_table_is_refused(sqlite_db, tmp_path):
    from certpass.errors import InvalidInput

    path = tmp_path / "b.db"
    backups.backup(sqlite_db, path)
    _sqlite_file(path, "DROP TABLE certificate_issues")
    with pytest.raises(InvalidInput, match="certificate_issues"):
        backups.restore(sqlite_db, path, force=True)


def test_the_cli_restore_of_a_random_file_prints_the_code(sqlite_db, tmp_path, capsys):
    from tests.conftest import cli_runner

    random_file = _sqlite_file(tmp_path / "random.db", "CREATE TABLE t (x)")
    code, _out, err = cli_runner(sqlite_db, capsys)("restore", str(random_file), "--force")
    assert code != 0 and "invalid-backup" in err and "Traceback" not in err
