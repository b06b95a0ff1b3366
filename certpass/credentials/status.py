"""Status lists: per issuing body, W3C Bitstring Status Lists for revocation and suspension.

A certificate gets one index in each list on its first issue and keeps it for all its
issues; an index is handed out once and never again (a full list is followed by a new one).
Lifecycle transitions flip the certificate's bits in the caller's transaction:
withdrawn/cancelled → revocation bit set, suspended → suspension bit set, restored →
suspension bit cleared.

Issuance only advances ``next_index`` (a small integer column): the 16 KiB bitstring is
written only when a bit changes. Open lists are loaded once per transaction, locked
(SELECT ... FOR UPDATE) so concurrent writers never hand out the same index.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from certpass.certificates.models import Certificate
from certpass.config import Settings
from certpass.credentials import keyring, proofs, status_list
from certpass.credentials.models import StatusList, StatusSlot
from certpass.errors import NotFound
from certpass.store import pending
from certpass.store.base import utcnow

PURPOSES = status_list.PURPOSES
# Which bit each lifecycle status sets (and restore, back to valid, clears suspension).
_SETS = {"withdrawn": "revocation", "cancelled": "revocation", "suspended": "suspension"}


def list_url(settings: Settings, body_id: str, purpose: str, list_id: int) -> str:
    """The stable URL of a list; also the status list credential's `id`."""
    return f"{settings.base_url.rstrip('/')}/status/{quote(body_id, safe='')}/{purpose}/{list_id}"


def _alive(row: Any) -> bool:
    """False once a rolled-back savepoint has thrown the row out of the session."""
    return not inspect(row).detached


def _open_list(session: Session, settings: Settings, body_id: str, purpose: str,
               cache: dict[tuple[str, str], StatusList]) -> StatusList:
    lst = cache.get((body_id, purpose))
    if lst is not None and _alive(lst) and lst.next_index < lst.size:
        return lst
    with session.no_autoflush:
        lst = session.scalars(
            select(StatusList)
            .where(StatusList.body_id == body_id, StatusList.purpose == purpose,
                   StatusList.next_index < StatusList.size)
            .order_by(StatusList.id.desc()).limit(1).with_for_update()
        ).first()
    if lst is None:
        size = settings.status_list_size
        lst = StatusList(body_id=body_id, purpose=purpose, size=size,
                         bits=bytes(status_list.new(size)), next_index=0, updated_at=utcnow())
        session.add(lst)
        session.flush([lst])  # its id is part of the URL every credential carries
    cache[(body_id, purpose)] = lst
    return lst


def slots_of(session: Session, certificate_id: int) -> dict[str, StatusSlot]:
    """The certificate's slots by purpose."""
    with session.no_autoflush:
        rows = session.scalars(select(StatusSlot).where(
            StatusSlot.certificate_id == certificate_id))
        return {s.purpose: s for s in rows}


def allocate(session: Session, settings: Settings, certificate_id: int, issuer_id: str,
             cache: dict[tuple[str, str], StatusList], first_issue: bool
             ) -> dict[str, tuple[int, int]]:
    """The certificate's (list id, index) in each list: its existing slots, or new indexes
    on its first issue (or on the first amendment of one issued before credentials existed).
    `cache` holds the transaction's open lists (kept by the caller)."""
    have = {} if first_issue else {
        p: (s.list_id, s.index) for p, s in slots_of(session, certificate_id).items()}
    for purpose in PURPOSES:
        if purpose in have:
            continue
        lst = _open_list(session, settings, issuer_id, purpose, cache)
        index = lst.next_index
        lst.next_index = index + 1
        pending.add(session, StatusSlot.__table__, {
            "certificate_id": certificate_id, "list_id": lst.id, "index": index,
            "purpose": purpose})
        have[purpose] = (lst.id, index)
    return have


def apply_transition(session: Session, certificate: Certificate, before: str,
                     after: str) -> dict[str, bool]:
    """Flip the certificate's bits for a lifecycle change; returns {purpose: new bit} for
    each bit written."""
    changes: dict[str, bool] = {}
    if after in _SETS:
        changes[_SETS[after]] = True
    if before == "suspended" and after == "valid":
        changes["suspension"] = False
    if not changes:
        return changes
    slots = slots_of(session, certificate.id)
    missing = [p for p in changes if p not in slots]
    if missing:
        raise NotFound(f"certificate {certificate.number} has no {missing[0]} status slot",
                       hint="it was issued before credentials existed; amend it to give it one")
    for purpose, value in changes.items():
        slot = slots[purpose]
        with session.no_autoflush:
            lst = session.get(StatusList, slot.list_id, with_for_update=True)
        assert lst is not None
        bits = bytearray(lst.bits)
        status_list.set(bits, slot.index, value)
        lst.bits = bytes(bits)
        lst.updated_at = utcnow()
    return changes


def bit(session: Session, certificate: Certificate, purpose: str) -> bool:
    slot = slots_of(session, certificate.id).get(purpose)
    if slot is None:
        return False
    lst = session.get(StatusList, slot.list_id)
    assert lst is not None
    return status_list.get(lst.bits, slot.index)


def get_list(session: Session, body_id: str, purpose: str, list_id: int) -> StatusList:
    lst = session.get(StatusList, list_id)
    if lst is None or lst.body_id != body_id or lst.purpose != purpose:
        raise NotFound(
            f"no {purpose} status list {list_id} of {body_id!r}",
            hint="use the statusListCredential URL exactly as the credential gives it",
            details={"body": body_id, "purpose": purpose, "list": list_id},
        )
    return lst


def list_credential(session: Session, settings: Settings, body_id: str, purpose: str,
                    list_id: int, now: dt.datetime | None = None) -> dict[str, Any]:
    """The signed (eddsa-jcs-2022, the body's current key) BitstringStatusListCredential."""
    if purpose not in PURPOSES:
        raise NotFound(f"unknown status purpose {purpose!r}",
                       hint=f"use one of {', '.join(PURPOSES)}")
    lst = get_list(session, body_id, purpose, list_id)
    signer = keyring.signer(session, settings, body_id, create=False)
    unsigned = status_list.status_list_credential(
        credential_id=list_url(settings, body_id, purpose, list_id),
        issuer=keyring.did(settings, body_id),
        status_purpose=purpose,
        encoded_list=status_list.encode(lst.bits),
        valid_from=proofs.format_created(lst.updated_at),
    )
    return proofs.sign(unsigned, signer.pair, signer.verification_method, proofs.JCS,
                       now or utcnow())
