"""Figures derived from the database, kept while the transparency log is unchanged.

Every state change appends to the log, so its version stamp (size and newest leaf hash)
says whether anything a derived figure rests on may have changed: the recognition snapshot,
project outcomes and listing totals are computed once per state, not once per request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from certpass.ledger.service import version

V = TypeVar("V")


class StampedCache(Generic[V]):
    def __init__(self, limit: int) -> None:
        self._limit = limit  # entries kept before the cache starts afresh
        self._values: dict[Hashable, V] = {}
        self._lock = threading.RLock()

    def get(self, session: Session, key: Hashable, compute: Callable[[], V]) -> V:
        """The value for ``key`` in this database's current state, computed at most once."""
        full = (str(session.get_bind().engine.url), version(session), key)
        found = self._values.get(full)
        if found is None:
            with self._lock:
                found = self._values.get(full)
                if found is None:
                    found = compute()
                    if len(self._values) >= self._limit:
                        self._values.clear()
                    self._values[full] = found
        return found

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
