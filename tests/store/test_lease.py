"""Leases: one holder at a time across processes, released when the holder dies (kill -9
included), on SQLite files and PostgreSQL; in-memory SQLite always grants."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

from certpass.store.database import Database
from certpass.store.lease import Lease

_HOLDER = textwrap.dedent("""
    import sys, time
    from certpass.store.database import Database
    from certpass.store.lease import Lease
    lease = Lease(Database(sys.argv[1]), "publisher")
    assert lease.acquire()
    print("held", flush=True)
    time.sleep(120)
""")


def _hold_in_another_process(url: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen([sys.executable, "-c", _HOLDER, url], stdout=subprocess.PIPE,
                              text=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def _acquired_within(lease: Lease, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:  # bounded: the kernel or server frees it at once
        if lease.acquire():
            return True
        time.sleep(0.05)
    return False


def test_one_holder_and_takeover_after_kill_9(db: Database):
    mine = Lease(db, "publisher")
    holder = _hold_in_another_process(db.url)
    try:
        assert not mine.acquire() and not mine.held
        assert Lease(db, "another-job").acquire()  # leases are per name
        holder.send_signal(signal.SIGKILL)
        holder.wait(10)
        assert _acquired_within(mine, 10)
        assert mine.still_held()
        twin = Lease(db, "publisher")
        assert not twin.acquire()
        mine.release()
        assert not mine.held and twin.acquire()
        twin.release()
    finally:
        holder.kill()
        holder.wait(10)


def test_in_memory_sqlite_always_grants():
    db = Database("sqlite://")
    assert Lease(db, "publisher").acquire() and Lease(db, "publisher").acquire()
    db.dispose()
