"""Appends are buffered per transaction and written once; savepoints still undo exactly theirs."""

from __future__ import annotations

import pytest

from certpass.ledger import service


def ev(n: int) -> dict:
    return {"type": "test.event", "n": n}


def stored(db) -> list[int]:
    with db.read() as s:
        return [e.index for e in service.entries_range(s, 0, 1000)]


def numbers(db) -> list[int]:
    import json

    with db.read() as s:
        return [json.loads(e.entry)["n"] for e in service.entries_range(s, 0, 1000)]


def test_rolled_back_savepoint_undoes_only_its_appends(db):
    with db.write() as s:
        assert service.append_event(s, ev(0)) == 0
        with pytest.raises(RuntimeError), s.begin_nested():
            assert service.append_event(s, ev(99)) == 1
            raise RuntimeError
        assert service.append_event(s, ev(1)) == 1  # the index is handed out again
        with s.begin_nested():
            assert service.append_event(s, ev(2)) == 2
    assert numbers(db) == [0, 1, 2]
    with db.read() as s:
        assert service.verify_log(s).ok and service.tree_size(s) == 3


def test_read_inside_a_rolled_back_savepoint_loses_nothing(db):
    with db.write() as s:
        service.append_event(s, ev(0))
        with pytest.raises(RuntimeError), s.begin_nested():
            service.append_event(s, ev(99))
            assert service.tree_size(s) == 2  # this read writes the buffer, inside the savepoint
            raise RuntimeError
        service.append_event(s, ev(1))
    assert numbers(db) == [0, 1]
    with db.read() as s:
        assert service.verify_log(s).ok


def test_rolled_back_transaction_writes_nothing(db):
    with pytest.raises(RuntimeError), db.write() as s:
        service.append_events(s, [ev(i) for i in range(5)])
        raise RuntimeError
    assert stored(db) == []
    with db.write() as s:
        assert service.append_event(s, ev(0)) == 0


def test_reads_in_the_same_transaction_see_buffered_entries(db):
    with db.write() as s:
        service.append_events(s, [ev(i) for i in range(7)])
        assert service.tree_size(s) == 7
        assert service.entry(s, 6).index == 6
        proof = service.inclusion_proof(s, 3, 7)
        assert proof
