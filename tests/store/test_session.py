"""certpass's write machinery lives on its own Session class: a plain SQLAlchemy session in
the same process is untouched, and a write joined to an outer transaction commits with it."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from certpass.errors import Conflict
from certpass.registry.models import Economy
from certpass.store import pending, savepoints
from certpass.store.session import CertpassSession

# Importing the capabilities registers every listener certpass has.
from certpass.web.app import create_app  # noqa: F401

ECONOMIES = Economy.__table__


def economy(code: str) -> dict:
    return {"code": code, "name_en": f"Economy {code}", "name_zh": "", "is_bloc": False,
            "members": []}


def count(db) -> int:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Economy))


def test_no_listener_on_sqlalchemy_s_session_class() -> None:
    plain, ours = Session(), CertpassSession()
    for name in ("do_orm_execute", "before_commit", "after_transaction_create",
                 "after_rollback", "after_transaction_end"):
        assert len(getattr(plain.dispatch, name)) == 0, f"a listener on Session.{name}"
        assert len(getattr(ours.dispatch, name)) >= 1
    assert event.contains(CertpassSession, "before_commit", pending._before_commit)
    assert event.contains(CertpassSession, "after_transaction_end", savepoints._end)


def test_a_plain_session_in_the_same_process_is_unaffected(sqlite_db) -> None:  # type: ignore[no-untyped-def]
    with Session(sqlite_db.engine) as plain, plain.begin():
        pending.add(plain, ECONOMIES, economy("P1"))  # no hook writes this buffer
        plain.execute(select(Economy.code)).all()
        assert "certpass.pending" in plain.info  # still there: nobody flushed it
    assert count(sqlite_db) == 0
    with sqlite_db.write() as s:
        assert isinstance(s, CertpassSession)
        pending.add(s, ECONOMIES, economy("C1"))
    assert count(sqlite_db) == 1


def test_joined_writes_are_savepoints_of_the_outer_transaction(db) -> None:  # type: ignore[no-untyped-def]
    outer = db.outer_transaction()
    joined = db.joining(outer)
    with joined.write() as s:
        pending.add(s, ECONOMIES, economy("J1"))
    with pytest.raises(RuntimeError), joined.write() as s:
        pending.add(s, ECONOMIES, economy("J2"))
        s.execute(select(Economy.code)).all()  # written inside the savepoint ...
        raise RuntimeError("handler failed")  # ... and undone with it
    with pytest.raises(Conflict), joined.write() as s:
        pending.add(s, ECONOMIES, economy("J1"))  # a duplicate: a Conflict, not a crash
    with joined.write() as s:
        assert set(s.scalars(select(Economy.code))) == {"J1"}
    assert count(db) == 0  # nothing is visible before the outer commit
    outer.commit()
    assert count(db) == 1
    with db.write() as s:  # the database itself is not joined to anything
        pending.add(s, ECONOMIES, economy("D1"))
    assert count(db) == 2


def test_an_outer_rollback_undoes_every_joined_write(db) -> None:  # type: ignore[no-untyped-def]
    outer = db.outer_transaction()
    with db.joining(outer).write() as s:
        pending.add(s, ECONOMIES, economy("R1"))
    outer.rollback()
    assert count(db) == 0
