"""Backups: SQLite through its online backup API, PostgreSQL through pg_dump / pg_restore.

A backup is consistent while the server keeps writing (SQLite copies pages under a read
transaction; pg_dump reads one snapshot). Restore refuses a database that holds data
unless forced, so a mistyped URL cannot wipe a live registry.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy import inspect, text

from certpass.errors import CertpassError, Conflict, InvalidInput
from certpass.store.database import Database


class BackupFailed(CertpassError):
    code = "backup-failed"
    http_status = 500


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
        with sqlite3.connect(path) as probe:
            try:
                probe.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.DatabaseError as exc:
                raise InvalidInput(f"{path.name} is not an SQLite backup: {exc}") from exc
        db.dispose()
        _sqlite_copy(path, _sqlite_path(db))
    elif db.dialect == "postgresql":
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
