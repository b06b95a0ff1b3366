"""The checkpoint publisher signs every N entries or T seconds, whichever comes first."""

from __future__ import annotations

from certpass.config import Settings
from certpass.ledger import service
from certpass.ledger.publisher import CheckpointPublisher
from tests.waiting import wait_for


def _append(db, n: int) -> None:
    with db.write() as s:
        service.append_events(s, [{"type": "test.event", "n": i} for i in range(n)])


def test_signs_after_n_entries_not_before(sqlite_db):
    settings = Settings.load(environ={}, secret_key="k" * 20, checkpoint_every_entries=5,
                             checkpoint_every_seconds=3600)
    publisher = CheckpointPublisher(sqlite_db, settings)
    assert publisher.publish_once() == 0  # the first checkpoint, of the empty tree
    _append(sqlite_db, 4)
    assert publisher.publish_once() is None
    _append(sqlite_db, 1)
    assert publisher.publish_once() == 5


def test_signs_after_t_seconds(sqlite_db):
    settings = Settings.load(environ={}, secret_key="k" * 20, checkpoint_every_entries=1000,
                             checkpoint_every_seconds=0.0)
    publisher = CheckpointPublisher(sqlite_db, settings)
    publisher.publish_once()
    _append(sqlite_db, 1)
    assert publisher.publish_once() == 1
    assert publisher.publish_once() is None  # nothing new: no second note for the same tree


def test_runs_in_the_background(sqlite_db):
    settings = Settings.load(environ={}, secret_key="k" * 20, checkpoint_every_entries=1,
                             checkpoint_every_seconds=0.05)
    _append(sqlite_db, 3)
    publisher = CheckpointPublisher(sqlite_db, settings)
    publisher.start()
    try:
        def signed() -> bool:
            nonlocal latest
            with sqlite_db.read() as s:
                latest = service.latest_checkpoint(s)
            return latest is not None and latest.size == 3

        latest = None
        wait_for(signed, "the publisher's checkpoint")
    finally:
        publisher.stop()
    assert latest is not None and latest.size == 3
