"""Rows a service buffers in its transaction and writes with one executemany per table.

Bulk issuance creates about six rows per certificate; as ORM objects their construction and
flush cost more than the signing. A service instead ``add``s plain row dicts (primary keys
it needs from ``reserve_id``); they are written in foreign-key order before any statement
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

from certpass.store import savepoints
from certpass.store.base import Base
from certpass.store.session import CertpassSession

_PENDING = "certpass.pending"
_IDS = "certpass.pending.ids"
_ID_BLOCK = 100  # PostgreSQL ids drawn from the sequence per round trip


@dataclass
class _Buffer:
    rows: dict[Table, list[dict[str, Any]]] = field(default_factory=dict)
    written: dict[Table, int] = field(default_factory=dict)  # rows[t][:written[t]] are in


def _mark(buffer: _Buffer) -> tuple[dict[Table, int], dict[Table, int]]:
    return {t: len(r) for t, r in buffer.rows.items()}, dict(buffer.written)


def _restore(buffer: _Buffer, mark: tuple[dict[Table, int], dict[Table, int]]) -> _Buffer:
    """Rows added since the savepoint go; rows written since are unwritten by its rollback."""
    lengths, written = mark
    for table, rows in buffer.rows.items():
        del rows[lengths.get(table, 0):]
        buffer.written[table] = min(buffer.written[table], written.get(table, 0))
    return buffer


savepoints.follow(_PENDING, _mark, _restore)
# Reserved ids last the transaction; one spent in a savepoint that rolls back is a gap.
savepoints.follow(_IDS, lambda ids: ids, lambda ids, _: ids)


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
    for table in sorted(todo, key=_rank):
        conn.execute(insert(table), buffer.rows[table][buffer.written[table]:])
        buffer.written[table] = len(buffer.rows[table])


_ranks: dict[Table, int] = {}


def _rank(table: Table) -> int:
    """Foreign-key order (sorting the metadata costs more than a batch's inserts, so once)."""
    if table not in _ranks:
        _ranks.update({t: i for i, t in enumerate(Base.metadata.sorted_tables)})
    return _ranks[table]


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


@event.listens_for(CertpassSession, "do_orm_execute")
def _before_statement(state: ORMExecuteState) -> None:
    flush(state.session)


@event.listens_for(CertpassSession, "before_commit")
def _before_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release writes nothing
        flush(session)
