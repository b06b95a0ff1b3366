"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump / pg_restore.

A backup is consistent while the server keeps writing (SQLite copies pages under a read
transaction; pg_dump reads one snapshot). Restore refuses a database that holds data
unless forced, so a mistyped URL cannot wipe a live registry.
"""

from __future__ import annotations

import functools
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.pool import StaticPool

from certpass.errors import CertpassError, Conflict, InvalidInput
from certpass.store.database import Database, alembic_config, migrate


class BackupFailed(CertpassError):
    code = "backup-failed"
    http_status = 500


class InvalidBackup(InvalidInput):
    code = "invalid-backup"


def backup(db: Database, path: Path) -> int:
    """Write a backup of ``db`` to ``path``; returns its size in bytes."""
    if db.dialect == "sqlite":
        _sqlite_copy(_sqlite_path(db), path)
    elif db.dialect == "postgresql":
        args = ["pg_dump", "-Fc", "--no-owner", "-f", str(path)]
        schema = _pg_schema(db)
        if schema != "public":
            args += ["-n", schema]
        _run(args, db)
    else:
        raise InvalidInput(f"backups of {db.dialect} databases are not supported")
    return path.stat().st_size


def restore(db: Database, path: Path, force: bool = False) -> None:
    """Replace ``db``'s contents with the backup at ``path``."""
    if not path.is_file():
        raise InvalidInput(f"no backup file at {path}")
    if not force and has_data(db):
        raise Conflict("the target database is not empty; restoring would overwrite it",
                       hint="restore into a new database, or pass --force to overwrite")
    if db.dialect == "sqlite":
        check_sqlite_backup(path)
        db.dispose()
        _sqlite_copy(path, _sqlite_path(db))
    elif db.dialect == "postgresql":
        _check_pg_backup(path)
        db.dispose()
        schema = _pg_schema(db)
        with db.engine.begin() as conn:
            # A clean slate: pg_restore then recreates every object of the dump.
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
            if schema == "public":
                conn.execute(text("CREATE SCHEMA public"))
        db.dispose()
        _run(["pg_restore", "--no-owner", "--exit-on-error", str(path)], db)
    else:
        raise InvalidInput(f"restoring {db.dialect} databases is not supported")
    db.dispose()


def check_sqlite_backup(path: Path) -> None:
    """Refuse, before anything is replaced, a file that is not a certpass SQLite database:
    not SQLite, no schema revision (alembic_version), a revision this certpass does not know
    (a newer release wrote it), or tables missing."""
    try:
        probe = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = {r[0] for r in probe.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            revisions = ({str(r[0]) for r in probe.execute(
                "SELECT version_num FROM alembic_version")}
                if "alembic_version" in tables else set())
        finally:
            probe.close()
    except sqlite3.DatabaseError as exc:
        raise InvalidBackup(f"{path.name} is not an SQLite backup: {exc}",
                            hint="give a file written by `certpass backup`") from exc
    check_schema(path.name, revisions, tables)


def check_schema(name: str, revisions: set[str], tables: set[str]) -> None:
    """The backup's schema revisions and tables against this certpass's migrations."""
    if not revisions:
        raise InvalidBackup(
            f"{name} has no certpass schema revision (no alembic_version rows)",
            hint="give a file written by `certpass backup`; nothing was changed",
            details={"tables": sorted(tables)[:20]})
    script = ScriptDirectory.from_config(alembic_config())
    known = {r.revision for r in script.walk_revisions()}
    unknown = sorted(revisions - known)
    if unknown:
        raise InvalidBackup(
            f"{name} is at schema revision(s) {', '.join(unknown)}, which this certpass does "
            "not know (a newer release wrote it)",
            hint="restore it with the certpass release that wrote it; nothing was changed",
            details={"unknown": unknown})
    wanted = expected_tables() if revisions == set(script.get_heads()) else CORE_TABLES
    missing = sorted(wanted - tables)
    if missing:
        raise InvalidBackup(
            f"{name} lacks tables a certpass database has: {', '.join(missing[:10])}",
            hint="give a complete file written by `certpass backup`; nothing was changed",
            details={"missing": missing})


# Tables every certpass database has had since its first migration.
CORE_TABLES = frozenset({"alembic_version", "economies", "bodies", "schemes", "certificates",
                         "log_entries"})


@functools.cache
def expected_tables() -> frozenset[str]:
    """The tables of a database migrated to this release's heads (migrated in memory once)."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    try:
        migrate(engine)
        with engine.connect() as conn:
            return frozenset(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def _check_pg_backup(path: Path) -> None:
    """A pg_dump archive's table of contents must hold certpass's tables (its revision is
    only readable once restored; `pg_restore --exit-on-error` then stops at the first
    mismatch)."""
    if shutil.which("pg_restore") is None:
        return  # _run says so
    listed = subprocess.run(["pg_restore", "-l", str(path)], capture_output=True, text=True,
                            check=False)
    if listed.returncode != 0:
        raise InvalidBackup(f"{path.name} is not a pg_dump archive: "
                            f"{listed.stderr.strip()[-500:]}",
                            hint="give a file written by `certpass backup`; nothing was changed")
    tables = {parts[-2] for line in listed.stdout.splitlines()
              if " TABLE " in line and (parts := line.split()) and len(parts) >= 2}
    missing = sorted(CORE_TABLES - tables)
    if missing:
        raise InvalidBackup(f"{path.name} lacks tables a certpass database has: "
                            f"{', '.join(missing)}",
                            hint="give a file written by `certpass backup`; nothing was changed",
                            details={"missing": missing})


def has_data(db: Database) -> bool:
    with db.engine.connect() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        for table in tables:
            if conn.execute(text(f'SELECT 1 FROM "{table}" LIMIT 1')).first() is not None:
                if table == "log_head":  # the head row exists from the first migration
                    if conn.execute(text("SELECT size FROM log_head")).scalar():
                        return True
                    continue
                return True
    return False


def _sqlite_path(db: Database) -> Path:
    name = db.engine.url.database
    if not name or name == ":memory:":
        raise InvalidInput("an in-memory database cannot be backed up or restored")
    return Path(name)


def _sqlite_copy(source: Path, target: Path) -> None:
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        dst.close()
        src.close()


def _pg_schema(db: Database) -> str:
    with db.engine.connect() as conn:
        return str(conn.execute(text("SELECT current_schema()")).scalar() or "public")


def _libpq_url(db: Database) -> str:
    """The URL as libpq tools take it: no SQLAlchemy driver suffix."""
    url = db.engine.url.render_as_string(hide_password=False)
    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://", 1))
    query = urlencode(parse_qsl(parts.query))
    return urlunsplit(parts._replace(query=query))


def _run(args: list[str], db: Database) -> None:
    tool = args[0]
    if shutil.which(tool) is None:
        raise BackupFailed(f"{tool} is not installed",
                           hint="install the PostgreSQL client tools (Debian: postgresql-client)")
    url = _libpq_url(db)
    done = subprocess.run([*args, "--dbname", url], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        # The URL may hold a password: never echo it back.
        message = done.stderr.replace(url, "<database>").strip()[-2000:]
        raise BackupFailed(f"{tool} failed: {message}")
