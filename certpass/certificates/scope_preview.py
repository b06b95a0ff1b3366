"""Before an accreditation body changes an accreditation: which of the accredited body's
live certificates would fall outside what it is accredited for (so could no longer be
amended or restored), with the scope check's own reason for each."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from certpass.certificates.lifecycle import AccreditedScope, check_scope
from certpass.certificates.models import Certificate
from certpass.errors import CertpassError
from certpass.registry.models import Accreditation

LIMIT = 10_000  # live certificates examined at most (a body's whole register, in practice)


@dataclass(frozen=True)
class Affected:
    number: str
    reason: str


def _scopes(rows: Iterable[Accreditation]) -> list[AccreditedScope]:
    return [AccreditedScope.from_scope(a.number, a.status, a.valid_from, a.valid_until,
                                       a.scope, a.accreditor_id) for a in rows]


def affected_by(session: Session, proposed: AccreditedScope, body_id: str,
                on: dt.date | None = None) -> tuple[list[Affected], int]:
    """(certificates inside the scope today but outside it with `proposed` in place of the
    accreditation of the same number, how many live certificates were examined)."""
    on = on or dt.date.today()
    held = session.scalars(select(Accreditation).where(Accreditation.body_id == body_id)).all()
    now = _scopes(held)
    after = [s for s in now if s.number != proposed.number] + [proposed]
    live = session.scalars(
        select(Certificate).where(Certificate.issuer_id == body_id,
                                  Certificate.status.in_(("valid", "suspended")))
        .order_by(Certificate.number).limit(LIMIT)).unique().all()
    out: list[Affected] = []
    examined = 0
    for c in live:
        if c.valid_until is not None and c.valid_until < on:
            continue
        examined += 1
        issue = c.current
        try:
            check_scope(body_id, now, c.scheme_code, c.category_code, issue.standards, on)
        except CertpassError:
            continue  # already outside: not this change's doing
        try:
            check_scope(body_id, after, c.scheme_code, c.category_code, issue.standards, on)
        except CertpassError as exc:
            out.append(Affected(c.number, exc.message))
    return out, examined
