"""The log's origin: derived from the base URL (C2SP: a schema-less URL naming the log),
fixed when the log's key is made and kept in the database, whatever the settings say
later; a database whose log was made with the old fixed origin keeps it and verifies."""

from __future__ import annotations

import pytest

from certpass.config import Settings
from certpass.ledger import service as ledger
from certpass.ledger.note import Verifier, open_checkpoint

SECRET = "test-secret"


def _settings(**kw) -> Settings:  # type: ignore[no-untyped-def]
    return Settings(secret_key=SECRET, log_publisher=False, **kw)


@pytest.mark.parametrize(("base_url", "origin"), [
    ("http://127.0.0.1:8000", "127.0.0.1:8000/log"),
    ("https://certs.example.org", "certs.example.org/log"),
    ("https://certs.example.org/registry/", "certs.example.org/registry/log"),
])
def test_a_new_log_is_named_after_the_base_url(base_url, origin):
    assert _settings(base_url=base_url).new_log_origin == origin
    assert _settings(base_url=base_url, log_origin="x.example/l").new_log_origin == "x.example/l"


def test_the_origin_is_set_at_the_first_checkpoint_and_kept(sqlite_db):
    first = _settings(base_url="https://certs.example.org")
    with sqlite_db.write() as s:
        ledger.append_event(s, {"type": "test", "n": 1})
        cp = ledger.checkpoint_now(s, first)
    assert cp.note.startswith("certs.example.org/log\n1\n")
    moved = _settings(base_url="https://elsewhere.example")  # the instance moved
    with sqlite_db.write() as s:
        assert ledger.origin(s, moved) == "certs.example.org/log"
        ledger.append_event(s, {"type": "test", "n": 2})
        cp = ledger.checkpoint_now(s, moved)
        vkey = ledger.verifier(s, moved).vkey
    assert cp.note.startswith("certs.example.org/log\n2\n")
    assert open_checkpoint(cp.note, Verifier.parse(vkey), "certs.example.org/log").size == 2
    with sqlite_db.read() as s:
        assert ledger.verify_log(s).ok


def test_a_log_made_with_the_old_fixed_origin_keeps_it(sqlite_db):
    old = _settings(log_origin="certpass.example/log")  # what every install used to get
    with sqlite_db.write() as s:
        ledger.append_event(s, {"type": "test", "n": 1})
        ledger.checkpoint_now(s, old)
    now = _settings()  # default settings: the origin would be derived, but the log exists
    with sqlite_db.write() as s:
        assert ledger.origin(s, now) == "certpass.example/log"
        ledger.append_event(s, {"type": "test", "n": 2})
        assert ledger.checkpoint_now(s, now).note.startswith("certpass.example/log\n2\n")
    with sqlite_db.read() as s:
        report = ledger.verify_log(s)
    assert report.ok, report.problems
