"""The delivery worker: delivers due alerts every few seconds until it is stopped.

One worker delivers at a time per deployment (the "alert-deliveries" lease; a twin in
another process takes over when it dies), so no delivery is sent twice by two processes.
A lease, not row locks: no transaction is held while a receiver is waited on, and within
the worker subscriptions are already delivered side by side."""

from __future__ import annotations

import logging

from certpass.alerts import service
from certpass.background import RecurringJob
from certpass.config import Settings
from certpass.store.database import Database
from certpass.store.lease import Lease

log = logging.getLogger("certpass.alerts")


class DeliveryWorker(RecurringJob):
    def __init__(self, db: Database, settings: Settings, post: service.Post = service.http_post
                 ) -> None:
        super().__init__("certpass-alerts", self._deliver, settings.alerts_poll_seconds,
                         lease=Lease(db, "alert-deliveries"))
        self.db = db
        self.settings = settings
        self.post = post

    def _deliver(self) -> None:
        figures = service.deliver_until_idle(self.db, self.settings, self.post)
        if figures["sent"]:
            log.info("alerts delivered: %s", figures)
