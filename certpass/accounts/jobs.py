"""What the server does for accounts beside its requests: forgetting old Idempotency-Keys."""

from __future__ import annotations

import datetime as dt
import logging

from certpass.accounts import service
from certpass.background import RecurringJob
from certpass.config import Settings
from certpass.store.base import utcnow
from certpass.store.database import Database

log = logging.getLogger("certpass.accounts")


class IdempotencyKeyJanitor(RecurringJob):
    """Forgets Idempotency-Keys older than `idempotency_keep_hours`, hourly, so the table
    holds a day of writes, not every write ever made; and expired web sessions."""

    def __init__(self, db: Database, settings: Settings) -> None:
        super().__init__("certpass-idempotency-keys", self.forget_once, 3600.0)
        self.db = db
        self.keep = dt.timedelta(hours=settings.idempotency_keep_hours)

    def forget_once(self) -> int:
        with self.db.write() as session:
            forgotten = service.forget_idempotency_keys(session, utcnow() - self.keep)
            ended = service.forget_expired_sessions(session)
        if ended:
            log.info("forgot %d expired web sessions", ended)
        if forgotten:
            log.info("forgot %d idempotency keys older than %s", forgotten, self.keep)
        return forgotten
