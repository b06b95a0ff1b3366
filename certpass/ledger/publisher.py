"""Publishes checkpoints while the server runs: every N entries or T seconds, whichever first.

The rule itself lives in ``service.maybe_checkpoint``; this job only asks it often enough
(at least once a second). One publisher runs per deployment: it holds the
"checkpoint-publisher" lease, and a twin in another process (`serve --workers`, `certpass
worker`, another machine) takes over within a round when the holder dies.
"""

from __future__ import annotations

import logging

from certpass.background import RecurringJob
from certpass.config import Settings
from certpass.ledger import service
from certpass.store.database import Database
from certpass.store.lease import Lease

log = logging.getLogger("certpass.ledger")


class CheckpointPublisher(RecurringJob):
    def __init__(self, db: Database, settings: Settings) -> None:
        super().__init__("certpass-checkpoints", self._publish_and_log,
                         min(1.0, max(0.05, settings.checkpoint_every_seconds)),
                         lease=Lease(db, "checkpoint-publisher"))
        self.db = db
        self.settings = settings

    def publish_once(self) -> int | None:
        """Sign a checkpoint if one is due; returns its tree size."""
        with self.db.write() as session:
            checkpoint = service.maybe_checkpoint(session, self.settings)
            return checkpoint.size if checkpoint is not None else None

    def _publish_and_log(self) -> None:
        size = self.publish_once()
        if size is not None:
            log.info("checkpoint signed at tree size %d", size)
