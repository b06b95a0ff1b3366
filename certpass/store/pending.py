"""Rows a service buffers in its transaction and writes with one executemany per table.

Bulk issuance creates about six rows per certificate; as ORM objects their construction and
flush cost more than the signing. A service instead ``add``s plain row dicts (primary keys
it needs from ``reserve_ids``); they are written in foreign-key order before any statement
the session executes (so every ORM read sees them), before commit, or on ``flush(session)``.
A savepoint rolled back takes its rows with it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, Table, event, func, insert, select, text
from sqlalchemy.orm import ORMExecuteState, Session

from certpass.store.base import Base

_PENDING = "certpass.pending"
_ROLLED_BACK = "certpass.pending.rolled_back"
_IDS = "certpass.pending.ids"
_ID_BLOCK = 100  # PostgreSQL ids drawn from the sequence per round trip


@dataclass
class _Buffer:
    rows: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)
    written: dict[Table, int] = field(default_factory=dict)  # rows[t][:written[t]] are in
    # Per open savepoint: (rows, written) lengths at its start.
    marks: list[tuple[dict[Table, int], dict[Table, int]]] = field(default_factory=list)

    def mark(self) -> tuple[dict[Table, int], dict[Table, int]]:
        return {t: len(r) for t, r in self.rows.items()}, dict(self.written)


def _buffer(session: Session) -> _Buffer:
    buffer = session.info.get(_PENDING)
    if buffer is None:
        buffer = session.info[_PENDING] = _Buffer()
    return buffer


def add(session: Session, table: Table, row: dict[str, Any]) -> None:
    """Buffer one row for `table`; every row of a table must have the same keys."""
    buffer = _buffer(session)
    rows = buffer.rows.get(table)
    if rows is None:
        rows = buffer.rows[table] = []
        buffer.written[table] = 0
    rows.append(row)


def flush(session: Session) -> None:
    """Write the buffered rows, parents before children."""
    buffer = session.info.get(_PENDING)
    if buffer is None:
        return
    todo = [t for t, rows in buffer.rows.items() if len(rows) > buffer.written[t]]
    if not todo:
        return
    conn = session.connection()  # Core: no ORM bookkeeping, no re-entry into this hook
    for table in (t for t in Base.metadata.sorted_tables if t in todo):
        conn.execute(insert(table), buffer.rows[table][buffer.written[table]:])
        buffer.written[table] = len(buffer.rows[table])
    if not buffer.marks:  # nothing can roll back to an earlier state: let the rows go
        buffer.rows.clear()
        buffer.written.clear()


def reserve_id(session: Session, table: Table) -> int:
    """A primary key for a row of `table` to be added here."""
    ids = session.info.setdefault(_IDS, {})
    if table not in ids:
        ids[table] = _free_ids(session.connection(), table)
    return next(ids[table])


def _free_ids(conn: Connection, table: Table) -> Iterator[int]:
    """SQLite's writer holds the database lock for the whole transaction, so max + 1 onwards
    is this transaction's; PostgreSQL draws from the column's sequence (gaps are harmless)."""
    if conn.dialect.name == "postgresql":
        block = text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) "
                     "FROM generate_series(1, :n)")
        while True:
            yield from conn.execute(block, {"t": table.name, "n": _ID_BLOCK}).scalars().all()
    last = conn.execute(select(func.max(table.c.id))).scalar()
    yield from itertools.count((last or 0) + 1)


@event.listens_for(Session, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    flush(state.session)


@event.listens_for(Session, "before_commit")
def _before_commit(session: Session) -> None:
    flush(session)


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction: Any) -> None:
    if transaction.nested:
        buffer = _buffer(session)
        buffer.marks.append(buffer.mark())


@event.listens_for(Session, "after_rollback")
def _note_rollback(session: Session) -> None:
    session.info[_ROLLED_BACK] = True


@event.listens_for(Session, "after_transaction_end")
def _end_of_transaction(session: Session, transaction: Any) -> None:
    rolled_back = session.info.pop(_ROLLED_BACK, False)
    if transaction.parent is None:  # written at commit, or discarded with the transaction
        session.info.pop(_PENDING, None)
        session.info.pop(_IDS, None)
        return
    buffer = session.info.get(_PENDING)
    if not transaction.nested or buffer is None or not buffer.marks:
        return
    lengths, written = buffer.marks.pop()
    if rolled_back:
        # Rows added since the savepoint go; rows written since are unwritten by the rollback.
        for table in list(buffer.rows):
            keep = lengths.get(table, 0)
            del buffer.rows[table][keep:]
            buffer.written[table] = min(buffer.written[table], written.get(table, 0))
