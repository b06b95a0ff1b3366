"""Status lists: per issuing body, W3C Bitstring Status Lists for revocation and suspension.

A certificate gets one index in each list on its first issue and keeps it for all its
issues; an index is handed out once and never again (a full list is followed by a new one).
Indexes are random, as the spec says they SHOULD be (herd privacy: an index says nothing of
when or in what order a certificate was issued): the n-th allocation of a list takes the
n-th value of a keyed permutation of its indexes, so none repeats and nothing is retried.
Lists made before that go on handing out indexes in order.
Lifecycle transitions flip the certificate's bits in the caller's transaction:
withdrawn/cancelled → revocation bit set, suspended → suspension bit set, restored →
suspension bit cleared.

Issuance only advances ``next_index`` (a small integer column, written at commit): the
16 KiB bitstring is written only when a bit changes. Open lists are loaded once per
transaction, locked (SELECT ... FOR UPDATE) so concurrent writers never hand out the same
index.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import quote

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.orm import Session

from certpass.certificates.models import Certificate
from certpass.config import Settings
from certpass.credentials import keyring, proofs, status_list
from certpass.credentials.models import StatusList, StatusSlot
from certpass.errors import NotFound
from certpass.store import pending, savepoints
from certpass.store.base import utcnow
from certpass.store.session import CertpassSession

PURPOSES = status_list.PURPOSES


def list_url(settings: Settings, body_id: str, purpose: str, list_id: int) -> str:
    """The stable URL of a list; also the status list credential's `id`."""
    return f"{settings.base_url.rstrip('/')}/status/{quote(body_id, safe='')}/{purpose}/{list_id}"


@dataclass
class _Cursor:
    """Where a transaction hands out indexes of an open list; the list's `next_index` is
    written once, at commit, not flushed for every certificate."""

    list_id: int
    size: int
    next_index: int  # allocations so far
    shuffle_key: bytes | None = None

    def take(self) -> int:
        n = self.next_index
        self.next_index = n + 1
        if self.shuffle_key is None:
            return n  # a list from before shuffling
        return status_list.shuffled_index(self.shuffle_key, self.size, n)


_CURSORS = "certpass.status.cursors"
# A savepoint that rolls back gives back the indexes it handed out (none was published)
# and forgets lists it opened or made.
savepoints.follow(_CURSORS, lambda cursors: {k: replace(c) for k, c in cursors.items()},
                  lambda _, start: start)


def _save(session: Session, cursors: Iterable[_Cursor]) -> None:
    lists = StatusList.__table__
    session.connection().execute(
        update(lists).where(lists.c.id == bindparam("list_id"))
        .values(next_index=bindparam("next")),
        [{"list_id": c.list_id, "next": c.next_index} for c in cursors])


@event.listens_for(CertpassSession, "before_commit")
def _save_before_commit(session: Session) -> None:
    cursors = session.info.get(_CURSORS)
    if cursors and not session.in_nested_transaction():
        _save(session, cursors.values())  # the cursors go with the transaction


def _open_list(session: Session, settings: Settings, body_id: str, purpose: str) -> _Cursor:
    cursors = session.info.setdefault(_CURSORS, {})
    cursor = cursors.get((body_id, purpose))
    if cursor is not None:
        if cursor.next_index < cursor.size:
            return cursor
        _save(session, [cursor])  # full: recorded before the next list is looked for
    with session.no_autoflush:  # columns: the cursor, not an ORM row, carries next_index
        row = session.execute(
            select(StatusList.id, StatusList.size, StatusList.next_index,
                   StatusList.shuffle_key)
            .where(StatusList.body_id == body_id, StatusList.purpose == purpose,
                   StatusList.next_index < StatusList.size)
            .order_by(StatusList.id.desc()).limit(1).with_for_update()
        ).first()
    if row is not None:
        cursor = _Cursor(*row)
    else:
        size = settings.status_list_size
        key = secrets.token_bytes(status_list.SHUFFLE_KEY_BYTES)
        lst = StatusList(body_id=body_id, purpose=purpose, size=size,
                         bits=bytes(status_list.new(size)), next_index=0, updated_at=utcnow(),
                         shuffle_key=key)
        session.add(lst)
        session.flush([lst])  # its id is part of the URL every credential carries
        cursor = _Cursor(lst.id, size, 0, key)
    cursors[(body_id, purpose)] = cursor
    return cursor


def slots_of(session: Session, certificate_id: int) -> dict[str, StatusSlot]:
    """The certificate's slots by purpose."""
    with session.no_autoflush:
        rows = session.scalars(select(StatusSlot).where(
            StatusSlot.certificate_id == certificate_id))
        return {s.purpose: s for s in rows}


def allocate(session: Session, settings: Settings, certificate_id: int, issuer_id: str,
             first_issue: bool) -> dict[str, tuple[int, int]]:
    """The certificate's (list id, index) in each list: its existing slots, or new indexes
    on its first issue (or on the first amendment of one issued before credentials existed)."""
    have = {} if first_issue else {
        p: (s.list_id, s.index) for p, s in slots_of(session, certificate_id).items()}
    for purpose in PURPOSES:
        if purpose in have:
            continue
        cursor = _open_list(session, settings, issuer_id, purpose)
        index = cursor.take()
        pending.add(session, StatusSlot.__table__, {
            "certificate_id": certificate_id, "list_id": cursor.list_id, "index": index,
            "purpose": purpose})
        have[purpose] = (cursor.list_id, index)
    return have


def apply_transition(session: Session, certificate: Certificate, before: str,
                     after: str) -> dict[str, bool]:
    """Flip the certificate's bits for a lifecycle change; returns {purpose: new bit} for
    each bit written."""
    changes = status_list.bits_after(before, after)
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
    """The signed (eddsa-jcs-2022, the body's current key) BitstringStatusListCredential,
    current for `status_list_ttl_seconds` from signing: `validUntil` (and the spec's `ttl`)
    tell a verifier holding a copy how old its view of the status is."""
    if purpose not in PURPOSES:
        raise NotFound(f"unknown status purpose {purpose!r}",
                       hint=f"use one of {', '.join(PURPOSES)}")
    lst = get_list(session, body_id, purpose, list_id)
    signer = keyring.signer(session, settings, body_id, create=False)
    signed_at = now or utcnow()
    ttl = dt.timedelta(seconds=settings.status_list_ttl_seconds)
    unsigned = status_list.status_list_credential(
        credential_id=list_url(settings, body_id, purpose, list_id),
        issuer=keyring.did(settings, body_id),
        status_purpose=purpose,
        encoded_list=status_list.encode(lst.bits),
        valid_from=proofs.format_created(lst.updated_at),
        valid_until=proofs.format_created(signed_at + ttl),
        ttl_ms=int(ttl.total_seconds() * 1000),
    )
    return proofs.sign(unsigned, signer.pair, signer.verification_method, proofs.JCS, signed_at)
