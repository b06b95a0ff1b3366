"""Before an administrator saves an arrangement: the decisions it would change on the
certificates it can apply to, each the engine's own answer under the recorded rules and
under the proposed ones. Nothing is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from certpass.certificates.models import Certificate
from certpass.recognition import engine
from certpass.recognition.rules import Arrangement
from certpass.recognition.snapshot import build_from_session, facts_for, load_snapshot

LIMIT = 5_000  # certificates examined at most (newest first)


@dataclass(frozen=True)
class Change:
    number: str
    market: str
    before: str  # the engine's decision now: recognised, conditional, not-recognised
    after: str  # with the proposed rules


@dataclass(frozen=True)
class Preview:
    changes: list[Change]
    examined: int  # certificates looked at
    markets: tuple[str, ...]


def preview(session: Session, proposed: Arrangement, on: dt.date | None = None) -> Preview:
    on = on or dt.date.today()
    before = load_snapshot(session)
    after = build_from_session(session, replacing=proposed)
    current = before.arrangements.get(proposed.id)
    markets = tuple(sorted({*proposed.markets, *(current.markets if current else ())}))
    schemes = {*proposed.scope.source_schemes, *(current.scope.source_schemes if current
                                                  else ())}
    query = select(Certificate).where(Certificate.status.in_(("valid", "suspended")))
    if schemes:  # an arrangement open to every scheme is previewed on the newest certificates
        query = query.where(Certificate.scheme_code.in_(sorted(schemes)))
    rows = session.scalars(query.order_by(Certificate.id.desc()).limit(LIMIT)).unique().all()
    changes: list[Change] = []
    for certificate in rows:
        facts = facts_for(certificate, on)
        for market in markets:
            was = engine.decide(facts, market, on, before, explain=False).decision
            will = engine.decide(facts, market, on, after, explain=False).decision
            if was != will:
                changes.append(Change(certificate.number, market, was, will))
    return Preview(changes, len(rows), markets)


def summary(p: Preview) -> dict[str, Any]:
    counts: dict[str, int] = {}
    for c in p.changes:
        key = f"{c.before} → {c.after}"
        counts[key] = counts.get(key, 0) + 1
    return {"examined": p.examined, "markets": p.markets, "changed": len(p.changes),
            "by_kind": counts}
