"""A job the server (or `certpass worker`) runs beside its requests: a thread calling one
function every interval. A job that must run once per deployment holds a lease
(store/lease.py): its twins in other processes stand by and take over when it dies."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from certpass.store.lease import Lease

log = logging.getLogger("certpass.background")


class RecurringJob:
    def __init__(self, name: str, round_: Callable[[], object], interval: float,
                 lease: Lease | None = None) -> None:
        self.name = name
        self._round = round_
        self.interval = interval
        self.lease = lease
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _may_run(self) -> bool:
        if self.lease is None:
            return True
        was = self.lease.held
        held = self.lease.acquire() and self.lease.still_held()
        if held and not was:
            log.info("%s: lease %s taken, running", self.name, self.lease.name)
        return held

    def run_forever(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    if self._may_run():
                        self._round()
                except Exception:  # keep going; the failure is logged with its cause
                    log.exception("%s: round failed", self.name)
                self._stop.wait(self.interval)
        finally:
            if self.lease is not None:
                self.lease.release()

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
