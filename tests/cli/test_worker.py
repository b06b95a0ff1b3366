"""`certpass worker`: run as many as you like; one signs checkpoints at a time, and when it
is killed (-9) another takes over within seconds and keeps the log's checkpoints current."""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time

from sqlalchemy import func, select

from certpass.ledger import service as ledger
from certpass.ledger.models import LogCheckpoint
from certpass.store.database import Database

TAKEN = "lease checkpoint-publisher taken"


class Worker:
    """`certpass worker` in its own process, its stderr lines collected as they come."""

    def __init__(self, url: str, secret: str = "worker-test-secret-0123456789abcdef") -> None:
        env = {**os.environ, "PYTHONPATH": os.getcwd(), "CERTPASS_SECRET_KEY": secret,
               "CERTPASS_CHECKPOINT_EVERY_SECONDS": "0.2",
               "CERTPASS_LANG": "en"}  # its English lines, whatever the developer's locale
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "certpass.cli.main", "--database", url, "worker"],
            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.lines.put(line)

    def saw(self, text: str, seconds: float) -> bool:
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:  # bounded in time
            try:
                if text in self.lines.get(timeout=left):
                    return True
            except queue.Empty:
                return False
        return False

    def stop(self) -> None:
        self.proc.kill()
        self.proc.wait(10)


def checkpointed(db: Database, size: int, seconds: float) -> bool:
    """Whether a checkpoint of `size` entries is signed within `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with db.read() as s:
            if s.scalar(select(func.max(LogCheckpoint.size))) == size:
                return True
        time.sleep(0.1)
    return False


def test_one_publisher_and_failover_after_kill_9(db: Database):
    first = Worker(db.url)
    second = None
    try:
        assert first.saw(TAKEN, 60), "the first worker takes the publisher's lease"
        assert checkpointed(db, 0, 30)  # the empty log's first checkpoint
        second = Worker(db.url)
        assert second.saw("worker running", 60)
        assert not second.saw(TAKEN, 2)  # it stands by
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(10)
        assert second.saw(TAKEN, 15), "the standby takes over within seconds"
        with db.write() as s:
            ledger.append_event(s, {"type": "test.event", "n": 1})
        assert checkpointed(db, 1, 30), "the new publisher signs the grown tree"
        with db.read() as s:
            sizes = list(s.scalars(select(LogCheckpoint.size).order_by(LogCheckpoint.id)))
        assert sizes == sorted(set(sizes)), sizes  # no checkpoint signed twice
    finally:
        first.stop()
        if second is not None:
            second.stop()
