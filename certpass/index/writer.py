"""Keeping the index current: the only writer of search_documents.

certificates.service calls `on_issue` and `on_amend` in the transaction of the write (like
alerts.on_certificate_event), with row dicts: this module imports nothing of certificates,
so the call flows down. Each write is one document row (on SQLite its triggers update the
FTS5 table in the same transaction). A certificate is findable exactly when it is
committed; status changes touch no token (status is a filter on the certificate row).
search.service.rebuild recomputes the whole index (`certpass search rebuild`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from certpass.index.documents import document_row
from certpass.index.fields import certificate_tokens
from certpass.index.models import SearchDocument
from certpass.registry.models import Body
from certpass.store import pending

KIND = "certificate"
_DOCS = SearchDocument.__table__


def issuer_row(issuer: Body | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(issuer, Body):
        return {"name_en": issuer.name_en, "name_zh": issuer.name_zh,
                "names": issuer.names or {}, "short_name": issuer.short_name}
    return issuer


def row_for(certificate: Mapping[str, Any], issues: Sequence[Mapping[str, Any]],
            issuer: Body | Mapping[str, Any]) -> dict[str, Any]:
    tokens, weights = document_row(certificate_tokens(certificate, issues, issuer_row(issuer)))
    return {"certificate_id": certificate["id"], "tokens": tokens, "weights": weights}


def on_issue(session: Session, certificate: Mapping[str, Any], first: Mapping[str, Any],
             issuer: Body) -> None:
    """Index a certificate being issued (its row is buffered with the certificate's)."""
    pending.add(session, _DOCS, row_for(certificate, [first], issuer))


def on_amend(session: Session, certificate: Mapping[str, Any],
             issues: Sequence[Mapping[str, Any]], issuer: Body) -> None:
    """Re-index a certificate after a new issue (all its issues: former names stay)."""
    session.execute(delete(_DOCS).where(_DOCS.c.certificate_id == certificate["id"]))
    pending.add(session, _DOCS, row_for(certificate, issues, issuer))
