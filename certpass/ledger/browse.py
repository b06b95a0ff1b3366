"""Reading the log as people look for things in it: by kind of event, by body, by date.

Kinds and dates are filtered by the database; a body is looked for in each entry's JSON
(the body an entry is about sits under a few known keys), over a bounded window so a rare
body never makes one request read the whole log."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from certpass.ledger.models import LogEntry
from certpass.ledger.service import tree_size

BODY_KEYS = frozenset({"issuer", "body", "body_id", "accreditor", "owner_id"})
SCAN = 5_000  # entries read per request at most when looking for a body


@dataclass(frozen=True)
class EntryFilter:
    kind: str = ""  # an event type ("certificate.issued") or its family ("certificate")
    body: str = ""
    since: dt.date | None = None
    until: dt.date | None = None

    @property
    def empty(self) -> bool:
        return not (self.kind or self.body or self.since or self.until)


@dataclass(frozen=True)
class Found:
    entries: list[tuple[LogEntry, dict[str, Any]]]
    older: int | None  # where to continue (an index to pass as `before`), None at the end


def mentions(event: Any, body: str) -> bool:
    """Whether an entry is about this body: its id under one of BODY_KEYS, at any depth."""
    if isinstance(event, dict):
        for key, value in event.items():
            if key in BODY_KEYS and (value == body or (isinstance(value, dict)
                                                       and value.get("id") == body)):
                return True
            if isinstance(value, dict | list) and mentions(value, body):
                return True
    elif isinstance(event, list):
        return any(mentions(v, body) for v in event)
    return False


def _query(flt: EntryFilter, before: int) -> Any:
    query = select(LogEntry).where(LogEntry.index < before)
    if flt.kind:
        family = flt.kind if "." in flt.kind else f"{flt.kind}."
        query = (query.where(LogEntry.event_type == flt.kind) if "." in flt.kind
                 else query.where(LogEntry.event_type.startswith(family, autoescape=True)))
    if flt.since:
        query = query.where(LogEntry.created_at >= dt.datetime.combine(
            flt.since, dt.time(), dt.UTC))
    if flt.until:
        query = query.where(LogEntry.created_at < dt.datetime.combine(
            flt.until + dt.timedelta(days=1), dt.time(), dt.UTC))
    return query.order_by(LogEntry.index.desc())


def find(session: Session, flt: EntryFilter, *, before: int | None = None,
         limit: int = 25) -> Found:
    """Up to `limit` matching entries older than `before`, newest first."""
    start = tree_size(session) if before is None else before
    out: list[tuple[LogEntry, dict[str, Any]]] = []
    last = start
    scanned = 0
    for row in session.scalars(_query(flt, start).limit(SCAN)):
        scanned += 1
        last = row.index
        event = json.loads(bytes(row.entry))
        if flt.body and not mentions(event, flt.body):
            continue
        out.append((row, event))
        if len(out) == limit:
            return Found(out, row.index if row.index > 0 else None)
    more = scanned == SCAN and last > 0
    return Found(out, last if more else None)


def iterate(session: Session, flt: EntryFilter, limit: int) -> Iterator[tuple[LogEntry,
                                                                             dict[str, Any]]]:
    """Every matching entry, newest first, up to `limit` (for exports)."""
    before: int | None = None
    given = 0
    while given < limit:
        found = find(session, flt, before=before, limit=min(1000, limit - given))
        for item in found.entries:
            yield item
            given += 1
        if found.older is None:
            return
        before = found.older
