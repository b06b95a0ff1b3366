"""Per-transaction state kept in ``session.info`` that follows savepoints.

Services buffer work in their transaction (store.pending's rows, the ledger's frontier). A
savepoint that rolls back must take back what was buffered inside it, and the end of the
transaction, committed or not, must drop the buffer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from certpass.store.session import CertpassSession

_ROLLED_BACK = "certpass.savepoints.rolled_back"
_followed: dict[str, tuple[Callable[[Any], Any], Callable[[Any, Any], Any]]] = {}


def follow(key: str, mark: Callable[[Any], Any], restore: Callable[[Any, Any], Any]) -> None:
    """Keep ``session.info[key]`` in step with savepoints: `mark(state)` is taken when one
    begins, `restore(state, mark)` gives the state to go on with when it rolls back (state
    first made inside it is dropped), and the state is dropped when the transaction ends."""
    _followed[key] = (mark, restore)


def _marks(session: Session) -> dict[str, list[Any]]:
    return session.info.setdefault("certpass.savepoints.marks", {})


@event.listens_for(CertpassSession, "after_transaction_create")
def _begin(session: Session, transaction: Any) -> None:
    if transaction.nested:
        for key, (mark, _) in _followed.items():
            state = session.info.get(key)
            _marks(session).setdefault(key, []).append(None if state is None else mark(state))


@event.listens_for(CertpassSession, "after_rollback")
def _note_rollback(session: Session) -> None:
    session.info[_ROLLED_BACK] = True


@event.listens_for(CertpassSession, "after_transaction_end")
def _end(session: Session, transaction: Any) -> None:
    rolled_back = session.info.pop(_ROLLED_BACK, False)
    if transaction.parent is None:  # the whole transaction: written at commit, or discarded
        for key in _followed:
            session.info.pop(key, None)
        session.info.pop("certpass.savepoints.marks", None)
        return
    if not transaction.nested:  # a flush's own inner transaction
        return
    for key, (_, restore) in _followed.items():
        marks = _marks(session).get(key)
        if not marks:
            continue
        mark = marks.pop()
        if not rolled_back:
            continue
        if mark is None:
            session.info.pop(key, None)
        else:
            session.info[key] = restore(session.info.get(key), mark)
