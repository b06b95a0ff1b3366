"""Buffered rows (store.pending): read back by any query, written parents first, undone with
the savepoint or transaction they were added in, on both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from certpass.errors import Conflict
from certpass.registry.models import Body, Economy
from certpass.store import pending
from certpass.store.base import utcnow

ECONOMIES, BODIES = Economy.__table__, Body.__table__


def economy(code: str) -> dict:
    return {"code": code, "name_en": f"Economy {code}", "name_zh": "", "is_bloc": False,
            "members": []}


def body(id_: str, economy_code: str) -> dict:
    return {"id": id_, "name_en": f"Body {id_}", "name_zh": "", "short_name": "",
            "roles": ["certification-body"], "economy_code": economy_code, "website": "",
            "signatories": [], "source": "", "created_at": utcnow()}


def codes(db) -> set[str]:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return set(s.scalars(select(Economy.code)))


def test_a_query_sees_buffered_rows_and_children_follow_parents(db) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        pending.add(s, BODIES, body("b1", "X1"))  # the child first: written after its parent
        pending.add(s, ECONOMIES, economy("X1"))
        assert s.get(Body, "b1").economy_code == "X1"  # the read wrote them first
        pending.add(s, ECONOMIES, economy("X2"))
    assert codes(db) == {"X1", "X2"}  # and the commit wrote the rest


def test_a_rolled_back_savepoint_takes_its_rows_and_nothing_else(db) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        pending.add(s, ECONOMIES, economy("K1"))
        with pytest.raises(RuntimeError), s.begin_nested():
            pending.add(s, ECONOMIES, economy("R1"))
            raise RuntimeError
        with s.begin_nested():
            pending.add(s, ECONOMIES, economy("K2"))
    assert codes(db) == {"K1", "K2"}


def test_rows_written_inside_a_rolled_back_savepoint_are_written_again(db) -> None:  # type: ignore[no-untyped-def]
    with db.write() as s:
        pending.add(s, ECONOMIES, economy("K1"))
        with pytest.raises(RuntimeError), s.begin_nested():
            pending.add(s, ECONOMIES, economy("R1"))
            with s.begin_nested():
                pending.add(s, ECONOMIES, economy("R2"))
            # Writes K1, R1 and R2 inside the savepoint, which the rollback then undoes.
            assert s.scalar(select(func.count()).select_from(Economy)) == 3
            raise RuntimeError
        assert s.scalar(select(func.count()).select_from(Economy)) == 1  # K1, again
    assert codes(db) == {"K1"}


def test_a_rolled_back_transaction_writes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), db.write() as s:
        pending.add(s, ECONOMIES, economy("G1"))
        s.get(Economy, "G1")  # written, then rolled back with the transaction
        pending.add(s, ECONOMIES, economy("G2"))
        raise RuntimeError
    assert codes(db) == set()
    with db.write() as s:  # nothing of the failed transaction lingers in a new one
        pending.add(s, ECONOMIES, economy("G3"))
    assert codes(db) == {"G3"}


def test_a_unique_key_taken_at_commit_is_a_conflict_and_writes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    """What two concurrent writers of the same new key meet: the later commit fails on the
    unique constraint. It is a Conflict (409 over HTTP), and none of its rows land."""
    with db.write() as s:
        pending.add(s, ECONOMIES, economy("U1"))
    with pytest.raises(Conflict) as caught, db.write() as s:
        pending.add(s, ECONOMIES, economy("U2"))
        pending.add(s, ECONOMIES, economy("U1"))  # taken meanwhile
    assert "send the request again" in caught.value.hint
    assert codes(db) == {"U1"}
