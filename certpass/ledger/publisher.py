"""Publishes checkpoints while the server runs: every N entries or T seconds, whichever first.

The rule itself lives in ``service.maybe_checkpoint``; this thread only asks it often enough
(at least once a second) and keeps going if one round fails.
"""

from __future__ import annotations

import logging
import threading

from certpass.config import Settings
from certpass.ledger import service
from certpass.store.database import Database

log = logging.getLogger("certpass.ledger")


class CheckpointPublisher:
    def __init__(self, db: Database, settings: Settings) -> None:
        self.db = db
        self.settings = settings
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def publish_once(self) -> int | None:
        """Sign a checkpoint if one is due; returns its tree size."""
        with self.db.write() as session:
            checkpoint = service.maybe_checkpoint(session, self.settings)
            return checkpoint.size if checkpoint is not None else None

    def run_forever(self) -> None:
        interval = min(1.0, max(0.05, self.settings.checkpoint_every_seconds))
        while not self._stop.is_set():
            try:
                size = self.publish_once()
                if size is not None:
                    log.info("checkpoint signed at tree size %d", size)
            except Exception:  # keep publishing; the failure is logged with its cause
                log.exception("checkpoint round failed")
            self._stop.wait(interval)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="certpass-checkpoints",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
