"""The delivery worker: a thread that delivers due alerts until it is stopped."""

from __future__ import annotations

import logging
import threading

from certpass.alerts import service
from certpass.config import Settings
from certpass.store.database import Database

log = logging.getLogger("certpass.alerts")


class DeliveryWorker:
    def __init__(self, db: Database, settings: Settings, post: service.Post = service.http_post
                 ) -> None:
        self.db = db
        self.settings = settings
        self.post = post
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                figures = service.deliver_until_idle(self.db, self.settings, self.post)
                if figures["sent"]:
                    log.info("alerts delivered: %s", figures)
            except Exception:  # keep delivering; the failure is logged with its cause
                log.exception("alert delivery round failed")
            self._stop.wait(self.settings.alerts_poll_seconds)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name="certpass-alerts",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
