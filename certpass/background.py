"""A job the server runs beside its requests: a thread calling one function every interval."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("certpass.background")


class RecurringJob:
    def __init__(self, name: str, round_: Callable[[], object], interval: float) -> None:
        self.name = name
        self._round = round_
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_forever(self) -> None:
        while not self._stop.is_set():
            try:
                self._round()
            except Exception:  # keep going; the failure is logged with its cause
                log.exception("%s: round failed", self.name)
            self._stop.wait(self.interval)

    def start(self) -> None:
        self._thread = threading.Thread(target=self.run_forever, name=self.name, daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
