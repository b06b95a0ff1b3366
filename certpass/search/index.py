"""Keeping the index current: the only writer of search_terms.

certificates.service calls `on_issue` and `on_amend` in the transaction of the write (like
credentials.on_issue and alerts.on_certificate_event), so a certificate is findable exactly
when it is committed; status changes touch no token (status is a filter on the certificate
row). `rebuild` recomputes the whole index from the certificates (`certpass search rebuild`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from certpass.certificates.models import Certificate, CertificateIssue
from certpass.registry.models import Body
from certpass.search.fields import certificate_tokens
from certpass.search.models import SearchTerm
from certpass.store import pending

KIND = "certificate"
_TERMS = SearchTerm.__table__
_BATCH = 2000  # certificates per round of a rebuild


def _issuer_row(issuer: Body | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(issuer, Body):
        return {"name_en": issuer.name_en, "name_zh": issuer.name_zh,
                "short_name": issuer.short_name}
    return issuer


def rows_for(certificate: Mapping[str, Any], issues: Sequence[Mapping[str, Any]],
             issuer: Body | Mapping[str, Any]) -> list[dict[str, Any]]:
    tokens = certificate_tokens(certificate, issues, _issuer_row(issuer))
    return [{"kind": KIND, "token": t, "object_id": certificate["id"], "weight": w}
            for t, w in tokens.items()]


def on_issue(session: Session, certificate: Mapping[str, Any], first: Mapping[str, Any],
             issuer: Body) -> None:
    """Index a certificate being issued (its rows are buffered with the certificate's)."""
    for row in rows_for(certificate, [first], issuer):
        pending.add(session, _TERMS, row)


def on_amend(session: Session, certificate: Mapping[str, Any],
             issues: Sequence[Mapping[str, Any]], issuer: Body) -> None:
    """Re-index a certificate after a new issue (all its issues: former names stay)."""
    session.execute(delete(_TERMS).where(_TERMS.c.kind == KIND,
                                         _TERMS.c.object_id == certificate["id"]))
    for row in rows_for(certificate, issues, issuer):
        pending.add(session, _TERMS, row)


def rebuild(session: Session, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute the index of every certificate; returns the number indexed."""
    conn = session.connection()
    conn.execute(delete(_TERMS).where(_TERMS.c.kind == KIND))
    total = conn.execute(select(func.count()).select_from(Certificate.__table__)).scalar() or 0
    bodies = {b.id: _issuer_row(b) for b in session.scalars(select(Body))}
    certs, issues_t = Certificate.__table__, CertificateIssue.__table__
    done, last = 0, 0
    while True:
        batch = conn.execute(select(certs).where(certs.c.id > last).order_by(certs.c.id)
                             .limit(_BATCH)).mappings().all()
        if not batch:
            break
        ids = [c["id"] for c in batch]
        by_cert: dict[int, list[Mapping[str, Any]]] = {i: [] for i in ids}
        for issue in conn.execute(select(issues_t).where(issues_t.c.certificate_id.in_(ids))
                                  .order_by(issues_t.c.certificate_id, issues_t.c.issue_no)
                                  ).mappings():
            by_cert[issue["certificate_id"]].append(issue)
        rows = [row for c in batch if by_cert[c["id"]]
                for row in rows_for(c, by_cert[c["id"]], bodies.get(c["issuer_id"], {}))]
        rows.sort(key=lambda r: r["token"])  # in key order: appends to the b-tree, not splits
        if rows:
            conn.execute(insert(_TERMS), rows)
        done += len(batch)
        last = ids[-1]
        if progress:
            progress(done, total)
    return done


def is_empty(session: Session) -> bool:
    return session.connection().execute(
        select(_TERMS.c.object_id).where(_TERMS.c.kind == KIND).limit(1)).first() is None


def ensure(session: Session) -> int:
    """Build the index if it is empty while certificates exist (a database made before the
    index, or restored from such a backup); returns the number indexed (0: nothing to do)."""
    if not is_empty(session):
        return 0
    conn = session.connection()
    if conn.execute(select(Certificate.__table__.c.id).limit(1)).first() is None:
        return 0
    return rebuild(session)
