"""Keeping the index current: the only writer of search_terms.

certificates.service calls `on_issue` and `on_amend` in the transaction of the write (like
alerts.on_certificate_event), with row dicts: this module imports nothing of certificates,
so the call flows down. A certificate is findable exactly when it is committed; status
changes touch no token (status is a filter on the certificate row).
search.service.rebuild recomputes the whole index (`certpass search rebuild`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from certpass.index.fields import certificate_tokens
from certpass.index.models import SearchTerm
from certpass.registry.models import Body
from certpass.store import pending

KIND = "certificate"
_TERMS = SearchTerm.__table__


def issuer_row(issuer: Body | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(issuer, Body):
        return {"name_en": issuer.name_en, "name_zh": issuer.name_zh,
                "short_name": issuer.short_name}
    return issuer


def rows_for(certificate: Mapping[str, Any], issues: Sequence[Mapping[str, Any]],
             issuer: Body | Mapping[str, Any]) -> list[dict[str, Any]]:
    tokens = certificate_tokens(certificate, issues, issuer_row(issuer))
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
