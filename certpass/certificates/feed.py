"""The status changes a watcher follows (a certificate, a holder or an issuing body), read for
the Atom feeds (certificates.atom renders them): public register data, newest first, bounded."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from certpass.certificates import service
from certpass.certificates.atom import FeedItem
from certpass.certificates.models import Certificate, StatusEvent
from certpass.registry import service as registry
from certpass.registry.models import Body

Kind = Literal["certificate", "holder", "body"]
MAX_ENTRIES = 100


def items(session: Session, kind: Kind, target: str, base_url: str,
          limit: int = MAX_ENTRIES, issuer: str | None = None) -> list[FeedItem]:
    """The newest `limit` status changes of the watched target (a certificate: of `issuer`,
    where several hold its number). NotFound for a certificate or body that is not
    registered (a holder name matches exactly, perhaps nothing)."""
    if kind == "certificate":
        where = Certificate.id == service.get(session, target, issuer=issuer).id
    elif kind == "body":
        registry.get(session, Body, target)
        where = Certificate.issuer_id == target
    else:
        where = Certificate.holder_name == target
    rows = session.execute(
        select(StatusEvent, Certificate.number, Certificate.issuer_id, Certificate.holder_name)
        .join(Certificate, StatusEvent.certificate_id == Certificate.id)
        .where(where).order_by(StatusEvent.id.desc()).limit(min(limit, MAX_ENTRIES)))
    base = base_url.rstrip("/")
    out = []
    for event, number, issuer, holder in rows:
        entry_id = (f"{base}/log/entries/{event.log_index}" if event.log_index is not None
                    else f"{base}/certificates/{quote(number)}#event-{event.id}")
        out.append(FeedItem(
            number=number, action=event.action, from_status=event.from_status,
            to_status=event.to_status, status_word=event.status_word, at=event.at,
            effective_on=event.effective_on, issuer=issuer, holder=holder,
            reason=event.reason, log_index=event.log_index,
            link=f"{base}/certificates/{quote(number)}", entry_id=entry_id))
    return out
