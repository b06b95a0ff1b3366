"""Leases: at most one holder at a time of a named job, across processes and machines.

A background job that must run once per deployment (the checkpoint publisher) holds a
lease while it runs; its twins in other processes stand by and take over when the holder
dies. The lease is the database's own, so nothing else has to be run or trusted:

- PostgreSQL: a session advisory lock (`pg_try_advisory_lock`) on a connection kept for
  the lease. A holder that dies (even by kill -9) loses its connection, and the server
  releases the lock at once.
- SQLite file: an exclusive `flock` on `<database>.<name>.lock`, released by the kernel
  when the holder's process ends. (SQLite is one machine by nature.)
- SQLite in memory: one process by nature; the lease is always granted.

Correctness never rests on the lease alone: the log's head row lock already keeps two
publishers from signing inconsistent checkpoints. The lease stops the redundant work.
"""

from __future__ import annotations

import fcntl
import logging
import os
from pathlib import Path
from typing import IO

from sqlalchemy import text
from sqlalchemy.engine import Connection

from certpass.store.database import Database

log = logging.getLogger("certpass.lease")


# The key names the lease within this database and schema: two certpass installations in one
# PostgreSQL cluster (or test runs in their own schemas) never share a lease.
_KEY = "hashtextextended('certpass:' || current_database() || ':' || current_schema() " \
       "|| ':' || :name, 0)"


def _lock_path(db: Database, name: str) -> Path | None:
    database = db.engine.url.database
    if db.dialect != "sqlite" or not database or database == ":memory:" \
            or database.startswith("file::memory:"):
        return None
    return Path(f"{database}.{name}.lock")


class Lease:
    """`acquire()` is non-blocking: True when this process now holds (or already held) it."""

    def __init__(self, db: Database, name: str) -> None:
        self.db, self.name = db, name
        self._connection: Connection | None = None
        self._file: IO[bytes] | None = None
        self._memory = db.dialect == "sqlite" and _lock_path(db, name) is None
        self.held = False

    def acquire(self) -> bool:
        if self.held:
            return True
        if self._memory:
            self.held = True
        elif self.db.dialect == "postgresql":
            self.held = self._acquire_advisory()
        else:
            self.held = self._acquire_file()
        return self.held

    def _acquire_advisory(self) -> bool:
        connection = self.db.engine.connect()
        try:
            got = bool(connection.execute(text(f"SELECT pg_try_advisory_lock({_KEY})"),
                                          {"name": self.name}).scalar())
            connection.commit()
        except Exception:
            connection.close()
            raise
        if got:
            self._connection = connection
        else:
            connection.close()
        return got

    def _acquire_file(self) -> bool:
        path = _lock_path(self.db, self.name)
        assert path is not None
        handle = path.open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n".encode())
        handle.flush()
        self._file = handle
        return True

    def still_held(self) -> bool:
        """Whether the lease survives (a PostgreSQL holder whose connection broke lost it)."""
        if not self.held or self._connection is None:
            return self.held
        try:
            self._connection.execute(text("SELECT 1")).scalar()
            self._connection.commit()
        except Exception:
            log.warning("lease %s lost: its database connection broke", self.name)
            self._forget()
        return self.held

    def release(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute(text(f"SELECT pg_advisory_unlock({_KEY})"),
                                         {"name": self.name})
                self._connection.commit()
            except Exception:  # the connection is gone: so is the lock
                log.debug("lease %s: unlock on a broken connection", self.name, exc_info=True)
        self._forget()

    def _forget(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # already broken
                log.debug("lease %s: closing a broken connection", self.name, exc_info=True)
            self._connection = None
        if self._file is not None:
            self._file.close()  # closing the descriptor drops the flock
            self._file = None
        self.held = False
