"""The transparency log's operations: the only writer of the ledger tables.

Callers pass their own session so a log entry commits in the same transaction as the
state change it records. Appends lock the single ``log_head`` row (``SELECT ... FOR
UPDATE`` on PostgreSQL; SQLite serialises writers itself), so concurrent transactions get
consecutive indexes and never interleave subtree hashes.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

import rfc8785
from sqlalchemy import event, func, insert, select, update
from sqlalchemy.orm import Session

from certpass.config import Settings
from certpass.errors import InvalidInput, NotFound
from certpass.jcs import canonicalize as canonical_json
from certpass.ledger import keys, merkle, tiles
from certpass.ledger.checkpoints import CheckpointSummary
from certpass.ledger.errors import BadLogRequest, InvalidNote, InvalidProof, LogTampered
from certpass.ledger.models import LogCheckpoint, LogEntry, LogHead, LogKey, LogSubtree
from certpass.ledger.note import (
    Checkpoint,
    Signer,
    Verifier,
    open_checkpoint,
    sign_checkpoint,
)
from certpass.ledger.receipt import build_receipt
from certpass.store import savepoints
from certpass.store.base import utcnow
from certpass.store.session import CertpassSession

HEAD_ID = 1
_FRONTIER = "certpass.ledger.frontier"
MAX_ENTRY_BYTES = 0xFFFF  # entry bundles carry 16-bit lengths
T = TypeVar("T")


# --- appending ------------------------------------------------------------------------


def canonical_entry(event: dict[str, Any]) -> bytes:
    """The entry bytes of an event: RFC 8785 JSON, so anyone can recompute them."""
    if not isinstance(event, dict) or not isinstance(event.get("type"), str) or not event["type"]:
        raise InvalidInput("a log event must be a JSON object with a non-empty 'type'")
    try:
        data = canonical_json(event)
    except (rfc8785.CanonicalizationError, TypeError, ValueError) as exc:
        raise InvalidInput(f"log event is not canonical JSON: {exc}") from exc
    if len(data) > MAX_ENTRY_BYTES:
        raise InvalidInput(f"log event is {len(data)} bytes; at most {MAX_ENTRY_BYTES}")
    return data


def _lock_head(session: Session) -> int:
    """Current tree size, holding the append lock until the transaction ends."""
    _write_pending(session)
    size = session.execute(
        select(LogHead.size).where(LogHead.id == HEAD_ID).with_for_update()
    ).scalar_one_or_none()
    if size is None:  # a schema made by create_all; the migration inserts the row
        session.execute(insert(LogHead).values(id=HEAD_ID, size=0))
        return 0
    return size


@dataclass
class _Frontier:
    """The tree's size and right-edge hashes, kept for the rest of one transaction, with the
    rows appended but not yet written: a batch of appends locks and reads the head once and
    writes once, when the transaction commits (or before anything reads the log)."""

    size: int
    known: dict[tuple[int, int], bytes]
    entries: list[dict[str, Any]] = field(default_factory=list)
    subtrees: list[dict[str, Any]] = field(default_factory=list)

    def copy(self) -> _Frontier:
        return _Frontier(self.size, dict(self.known), list(self.entries), list(self.subtrees))


def _frontier(session: Session) -> _Frontier:
    cached = session.info.get(_FRONTIER)
    if cached is None:
        start = _lock_head(session)
        cached = _Frontier(start, _fetch_hashes(session, merkle.complete_subtrees(0, start)))
        session.info[_FRONTIER] = cached
    return cached


def hold_append_lock(session: Session) -> None:
    """Take the log's append lock now rather than at the first append. Every write that logs
    takes it (at its first append) and holds it to its commit, so it is the one lock all
    writers queue on in the same order: a writer about to make what a concurrent writer may
    be making too (a body's first signing key) takes it before it looks."""
    _frontier(session)


def _write_pending(session: Session) -> None:
    """Write the buffered entries, subtree hashes and head in three statements."""
    frontier = session.info.get(_FRONTIER)
    if frontier is None or not frontier.entries:
        return
    # Core statements on the session's connection: executemany without ORM bookkeeping,
    # and no autoflush of the caller's pending objects.
    conn = session.connection()
    conn.execute(insert(LogEntry.__table__), frontier.entries)
    conn.execute(insert(LogSubtree.__table__), frontier.subtrees)
    head = LogHead.__table__
    conn.execute(update(head).where(head.c.id == HEAD_ID).values(size=frontier.size))
    frontier.entries, frontier.subtrees = [], []


@event.listens_for(CertpassSession, "before_commit")
def _write_before_commit(session: Session) -> None:
    if not session.in_nested_transaction():  # a savepoint's release writes nothing
        _write_pending(session)


# A savepoint that rolls back returns to its start's frontier. Rows pending then are pending
# again even if a read inside the savepoint wrote them, since the database has undone that.
savepoints.follow(_FRONTIER, _Frontier.copy, lambda _, start: start)


def tree_size(session: Session) -> int:
    _write_pending(session)
    size = session.connection().exec_driver_sql("SELECT size FROM log_head WHERE id = 1").scalar()
    return size or 0


def version(session: Session) -> tuple[int, bytes | None]:
    """A cheap stamp of the log's state: its size and newest leaf hash. Every state change
    appends, so caches of derived figures (recognition snapshot, outcome figures, listing
    totals) stay valid while the stamp is unchanged. (The hash tells apart a database
    emptied and refilled to the same size.)"""
    size = tree_size(session)
    last = session.scalar(select(LogEntry.leaf_hash).where(LogEntry.index == size - 1))
    return size, last


def checkpointed_version(session: Session) -> tuple[int, bytes | None, int | None]:
    """`version` and the newest checkpoint's number: a checkpoint appends nothing, yet it
    changes what a receipt proves against (caches of receipts key on this)."""
    size, last = version(session)
    return size, last, session.scalar(select(func.max(LogCheckpoint.id)))


def append_event(session: Session, event: dict[str, Any]) -> int:
    """Append one event; returns its entry index. Commits with the caller's transaction."""
    return append_events(session, [event])[0]


def append_events(session: Session, events: Iterable[dict[str, Any]]) -> list[int]:
    """Append events in order under one lock; returns their entry indexes."""
    prepared = [(data, e["type"]) for e in events if (data := canonical_entry(e))]
    if not prepared:
        return []
    frontier = _frontier(session)
    start, known = frontier.size, frontier.known
    now = utcnow()
    entry_rows, subtree_rows = frontier.entries, frontier.subtrees
    for offset, (data, event_type) in enumerate(prepared):
        index = start + offset
        h = merkle.leaf_hash(data)
        entry_rows.append(
            {"index": index, "created_at": now, "event_type": event_type, "entry": data,
             "leaf_hash": h}
        )  # fmt: skip
        level, at = 0, index
        subtree_rows.append({"level": 0, "index": at, "hash": h})
        while at & 1:  # a right child completes its parent
            h = merkle.node_hash(known.pop((level, at - 1)), h)
            level, at = level + 1, at >> 1
            subtree_rows.append({"level": level, "index": at, "hash": h})
        known[(level, at)] = h  # the new right edge: only frontier hashes are kept
    frontier.size = start + len(prepared)
    return list(range(start, frontier.size))


# --- reading hashes -------------------------------------------------------------------


def _fetch_hashes(
    session: Session, wanted: Iterable[tuple[int, int]]
) -> dict[tuple[int, int], bytes]:
    """Stored subtree hashes by (level, index), in one round trip.

    Plain driver SQL on purpose: proofs must answer in well under a millisecond and building
    an ORM expression of ~50 terms per request costs more than the query itself.
    """
    _write_pending(session)
    keys = list(dict.fromkeys(wanted))
    if not keys:
        return {}
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    terms = " OR ".join([f'(level = {mark} AND "index" = {mark})'] * len(keys))
    params = tuple(x for key in keys for x in key)
    rows = conn.exec_driver_sql(
        f'SELECT level, "index", hash FROM log_subtrees WHERE {terms}', params
    )
    found = {(lv, ix): bytes(h) for lv, ix, h in rows}
    if len(found) != len(keys):
        raise LogTampered(
            f"{len(keys) - len(found)} stored subtree hash(es) are missing",
            hint="run certpass log verify",
        )
    return found


def _with_stored_hashes(session: Session, compute: Callable[[merkle.HashAt], T]) -> T:
    """Run a pure Merkle computation against stored hashes with one database round trip.

    Which subtrees a root or proof needs depends only on sizes and indexes, so a dry run
    records them, one query fetches them all, and the real run reads from memory.
    """
    wanted: list[tuple[int, int]] = []

    def record(level: int, index: int) -> bytes:
        wanted.append((level, index))
        return merkle.EMPTY_ROOT

    compute(record)
    table = _fetch_hashes(session, wanted)
    return compute(lambda level, index: table[(level, index)])


def root_at(session: Session, size: int) -> bytes:
    return _with_stored_hashes(session, lambda h: merkle.tree_root(size, h))


def _check_size(session: Session, size: int) -> None:
    current = tree_size(session)
    if not 0 <= size <= current:
        raise BadLogRequest(
            f"tree size {size} is outside 0..{current}", hint=f"the log has {current} entries"
        )


def inclusion_proof(session: Session, index: int, size: int) -> list[bytes]:
    _check_size(session, size)
    return _with_stored_hashes(session, lambda h: merkle.inclusion_proof(index, size, h))


def consistency_proof(session: Session, size1: int, size2: int) -> list[bytes]:
    _check_size(session, size2)
    return _with_stored_hashes(session, lambda h: merkle.consistency_proof(size1, size2, h))


def entry(session: Session, index: int) -> LogEntry:
    _write_pending(session)
    row = session.get(LogEntry, index)
    if row is None or index >= tree_size(session):
        raise NotFound(f"no log entry {index}", hint=f"the log has {tree_size(session)} entries")
    return row


# --- checkpoints and the key ----------------------------------------------------------


def latest_checkpoint(session: Session) -> LogCheckpoint | None:
    return session.execute(
        select(LogCheckpoint).order_by(LogCheckpoint.id.desc()).limit(1)
    ).scalar_one_or_none()


def checkpoint_before(session: Session, size: int) -> LogCheckpoint | None:
    """The newest checkpoint of a tree smaller than `size` (what a consistency proof to a
    checkpoint of `size` starts from)."""
    return session.scalar(select(LogCheckpoint).where(LogCheckpoint.size < size)
                          .order_by(LogCheckpoint.id.desc()).limit(1))


def checkpoint_summary(session: Session) -> CheckpointSummary:
    """How many checkpoints are stored, their first and last numbers, and how much of the
    head the newest covers (see ledger.checkpoints)."""
    head = tree_size(session)
    count, first, last = session.execute(select(
        func.count(LogCheckpoint.id), func.min(LogCheckpoint.id), func.max(LogCheckpoint.id))
    ).one()
    newest = latest_checkpoint(session)
    size = newest.size if newest is not None else 0
    since = session.scalar(select(LogEntry.created_at).where(LogEntry.index == size)) \
        if size < head else None
    return CheckpointSummary(count or 0, first, last, size, head, since)


def origin(session: Session, settings: Settings) -> str:
    """The log's origin: the one its key was made with (kept in the database from `init`
    on, whatever the settings say later: a log's name never changes), else the one a new
    log would get (Settings.new_log_origin). A database from before derived origins keeps
    the fixed `certpass.example/log` its key was made with."""
    stored = session.scalar(select(LogKey.name).order_by(LogKey.id).limit(1))
    return stored if stored is not None else settings.new_log_origin


def verifier(session: Session, settings: Settings) -> Verifier:
    """The log's public verifier key (vkey via ``.vkey``); never the private half."""
    row = session.execute(select(LogKey).where(LogKey.name == origin(session, settings))
                          ).scalar()
    if row is None:
        raise NotFound(
            "the log has no signing key yet", hint="it is made with the first checkpoint"
        )
    return Verifier(row.name, bytes(row.public_key))


def _signer(session: Session, settings: Settings) -> Signer:
    name = origin(session, settings)
    row = session.execute(select(LogKey).where(LogKey.name == name)).scalar()
    if row is None:
        signer = Signer.generate(name)
        session.add(
            LogKey(
                name=name,
                public_key=signer.verifier.public_key,
                sealed_seed=keys.seal(signer.seed, name, settings.secret_key),
            )
        )
        session.flush()
        return signer
    signer = Signer(name, keys.unseal(bytes(row.sealed_seed), name, settings.secret_key))
    if signer.verifier.public_key != bytes(row.public_key):
        raise LogTampered("the stored log key pair does not match")
    return signer


def note_signer(session: Session, settings: Settings) -> Signer:
    """The log's key as a note signer (made if missing): it signs checkpoints, and the
    certificate register of an exported trust bundle."""
    return _signer(session, settings)


def maybe_checkpoint(
    session: Session, settings: Settings, *, now: dt.datetime | None = None
) -> LogCheckpoint | None:
    """Sign a checkpoint when N entries or T seconds have passed since the last one.

    Also signs the very first checkpoint (even of the empty tree) so the log always has one.
    """
    size = _lock_head(session)
    last = latest_checkpoint(session)
    if last is not None:
        if size == last.size:
            return None
        elapsed = ((now or utcnow()) - last.created_at).total_seconds()
        grown = size - last.size
        if (
            grown < settings.checkpoint_every_entries
            and elapsed < settings.checkpoint_every_seconds
        ):
            return None
    return _sign(session, settings, size, last, now)


def checkpoint_now(session: Session, settings: Settings) -> LogCheckpoint:
    """Sign a checkpoint of the current tree unless the latest already covers it."""
    size = _lock_head(session)
    last = latest_checkpoint(session)
    if last is not None and last.size == size:
        return last
    return _sign(session, settings, size, last, None)


def _sign(
    session: Session,
    settings: Settings,
    size: int,
    last: LogCheckpoint | None,
    now: dt.datetime | None,
) -> LogCheckpoint:
    root = root_at(session, size)
    if last is not None:
        # Never publish a tree that does not extend the last one: that would be a fork.
        if last.size > size:
            raise LogTampered(f"tree shrank from {last.size} to {size} entries")
        proof = consistency_proof(session, last.size, size)
        try:
            merkle.verify_consistency(last.size, size, proof, bytes(last.root), root)
        except InvalidProof as exc:
            raise LogTampered(
                "the stored tree does not extend the last checkpoint; refusing to sign",
                hint="run certpass log verify",
            ) from exc
    signer = _signer(session, settings)
    note = sign_checkpoint(Checkpoint(signer.name, size, root), signer)
    row = LogCheckpoint(size=size, root=root, note=note, created_at=now or utcnow())
    session.add(row)
    session.flush()
    return row


def receipt(session: Session, index: int) -> str:
    """A C2SP tlog-proof for an entry against the latest checkpoint, checkable offline."""
    last = latest_checkpoint(session)
    if last is None or index >= last.size:
        raise NotFound(
            f"entry {index} is not covered by a checkpoint yet",
            hint="receipts are available once the next checkpoint is signed",
        )
    if index < 0:
        raise BadLogRequest("entry index must not be negative")
    proof = _with_stored_hashes(session, lambda h: merkle.inclusion_proof(index, last.size, h))
    return build_receipt(index, proof, last.note)


# --- tiles ----------------------------------------------------------------------------


def tile(session: Session, path: str) -> bytes:
    """Contents of a C2SP tlog-tiles tile or entry bundle, if the tree already has it."""
    t = tiles.Tile.parse(path)
    size = tree_size(session)
    first, last = t.first, t.first + t.width  # node or entry numbers, end exclusive
    if t.is_entries:
        if last > size:
            raise NotFound(f"{path} is beyond the log's {size} entries")
        rows = session.execute(
            select(LogEntry.entry)
            .where(LogEntry.index >= first, LogEntry.index < last)
            .order_by(LogEntry.index)
        ).scalars()
        return tiles.entry_bundle([bytes(r) for r in rows])
    level = t.level * tiles.TILE_HEIGHT
    if level > 62 or last << level > size:
        raise NotFound(f"{path} is beyond the log's {size} entries")
    hashes = session.execute(
        select(LogSubtree.hash)
        .where(LogSubtree.level == level, LogSubtree.index >= first, LogSubtree.index < last)
        .order_by(LogSubtree.index)
    ).scalars()
    content = tiles.hash_tile([bytes(h) for h in hashes])
    if len(content) != 32 * t.width:
        raise LogTampered(f"stored hashes for {path} are incomplete")
    return content


# --- audit ----------------------------------------------------------------------------


@dataclass
class LogReport:
    size: int = 0
    entries_checked: int = 0
    subtrees_checked: int = 0
    checkpoints_checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "size": self.size,
            "entries_checked": self.entries_checked,
            "subtrees_checked": self.subtrees_checked,
            "checkpoints_checked": self.checkpoints_checked,
            "problems": self.problems,
        }


def verify_log(session: Session, *, max_problems: int = 100) -> LogReport:
    """Recompute the whole tree from the stored entries and check every stored checkpoint.

    Catches rows changed, deleted or inserted behind the service's back (plain SQL).
    Memory is O(entries) hashes: an audit, not a hot path.
    """
    _write_pending(session)
    report = LogReport(size=tree_size(session))
    problem = report.problems.append

    leaves: list[bytes] = []
    rows = session.execute(
        select(LogEntry.index, LogEntry.entry, LogEntry.leaf_hash).order_by(LogEntry.index)
    ).yield_per(10_000)
    for index, data, stored_hash in rows:
        data = bytes(data)
        if index != len(leaves):
            problem(f"entries {len(leaves)}..{index - 1} are missing (gap before entry {index})")
            leaves.extend([b""] * (index - len(leaves)))  # keep positions aligned
        h = merkle.leaf_hash(data)
        if bytes(stored_hash) != h:
            problem(f"entry {index}: stored leaf hash does not match its bytes")
        if not _is_canonical(data):
            problem(f"entry {index}: bytes are not RFC 8785 canonical JSON")
        leaves.append(h)
    report.entries_checked = len(leaves)
    if len(leaves) != report.size:
        problem(f"log head says {report.size} entries but {len(leaves)} are stored")

    # Expected complete subtrees, level by level, compared with every stored row.
    levels = [leaves]
    while len(levels[-1]) > 1:
        row = levels[-1]
        levels.append([merkle.node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)])
    seen = [0] * len(levels)
    stored = session.execute(
        select(LogSubtree.level, LogSubtree.index, LogSubtree.hash).order_by(
            LogSubtree.level, LogSubtree.index
        )
    ).yield_per(10_000)
    for level, index, h in stored:
        report.subtrees_checked += 1
        if level >= len(levels) or index >= len(levels[level]):
            problem(f"unexpected stored subtree hash at level {level}, index {index}")
        elif levels[level][index] != bytes(h):
            problem(f"stored subtree hash at level {level}, index {index} is wrong")
            seen[level] += 1
        else:
            seen[level] += 1
        if len(report.problems) >= max_problems:
            break
    for level, row in enumerate(levels):
        if seen[level] < len(row) and len(report.problems) < max_problems:
            problem(f"{len(row) - seen[level]} subtree hash(es) missing at level {level}")

    def hash_at(level: int, index: int) -> bytes:
        return levels[level][index]

    verifiers: dict[str, Verifier] = {
        k.name: Verifier(k.name, bytes(k.public_key))
        for k in session.execute(select(LogKey)).scalars()
    }
    last_size = 0
    for cp in session.execute(select(LogCheckpoint).order_by(LogCheckpoint.id)).scalars():
        report.checkpoints_checked += 1
        label = f"checkpoint {cp.id} (size {cp.size})"
        origin = cp.note.split("\n", 1)[0]
        key = verifiers.get(origin)
        if key is None:
            problem(f"{label}: no stored key for origin {origin!r}")
            continue
        try:
            body = open_checkpoint(cp.note, key)
        except InvalidNote as exc:
            problem(f"{label}: {exc.message}")
            continue
        if (body.size, body.root) != (cp.size, bytes(cp.root)):
            problem(f"{label}: row disagrees with its signed note")
        if body.size < last_size:
            problem(f"{label}: smaller than an earlier checkpoint (rollback)")
        last_size = max(last_size, body.size)
        if body.size > len(leaves):
            problem(f"{label}: covers entries that are not stored")
        elif merkle.tree_root(body.size, hash_at) != body.root:
            problem(f"{label}: signed root does not match the stored entries")
    return report


def _is_canonical(data: bytes) -> bool:
    try:
        return canonical_json(json.loads(data)) == data
    except (ValueError, TypeError, rfc8785.CanonicalizationError):
        return False


def entries_range(session: Session, start: int, stop: int) -> Sequence[LogEntry]:
    _write_pending(session)
    return (
        session.execute(
            select(LogEntry)
            .where(LogEntry.index >= start, LogEntry.index < stop)
            .order_by(LogEntry.index)
        )
        .scalars()
        .all()
    )
