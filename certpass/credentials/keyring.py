"""Issuer keys and identities: an Ed25519 key per issuing body (and one for the platform),
created on first need, rotated on request, published in did:web documents.

The seed is sealed at rest with AES-GCM under a key derived (HKDF-SHA256) from
``Settings.secret_key``. The scheme is the ledger's (``certpass/ledger/keys.py``) with its own
HKDF label, so a credential key and the log key never share a key-encryption key, and the
key's identity (body and fragment) as associated data, so a sealed seed cannot be moved to
another key's row. Seeds leave this module only as an ``Ed25519KeyPair`` for signing; no
endpoint or command ever prints one.

A retired key stays in the DID document as it was (no ``expires``: under W3C Controlled
Identifiers that would reject everything it ever signed); certpass's verifier knows the
retirement time from the register or the trust bundle (``key_dates``) and takes the key to
speak for the body for what it signed before then (proof ``created`` < ``retired_at``).
Verification methods carry no ``created`` either: no published context defines it for them.

A revoked key (``revoke``: compromised, e.g. its seed leaked) stays listed with ``revoked`` =
the time of compromise (W3C Controlled Identifiers' ``revoked`` property) and leaves
``assertionMethod``: from then on a signature by it counts only for credentials whose hash
the transparency log recorded before that time, since a thief can back-date ``created``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

from sqlalchemy import select
from sqlalchemy.orm import Session

from certpass.accounts.actor import Actor
from certpass.config import Settings
from certpass.credentials import multikey
from certpass.credentials.models import SigningKey
from certpass.errors import CertpassError, Conflict, Forbidden, InvalidInput, NotFound
from certpass.ledger.service import append_event, hold_append_lock
from certpass.registry.models import Body
from certpass.store import sealed
from certpass.store.base import utcnow

_INFO = b"certpass credential signing key v1"
SYSTEM = "certpass"  # the actor recorded when a key is created on first need


class KeyUnavailable(CertpassError):
    code = "key-unavailable"
    http_status = 500


# --- identities ---------------------------------------------------------------------------


def did(settings: Settings, body_id: str | None) -> str:
    """did:web:<host> for the platform, did:web:<host>:bodies:<id> for a body."""
    platform = f"did:web:{settings.did_host}"
    return platform if body_id is None else f"{platform}:bodies:{quote(body_id, safe='')}"


def did_url(settings: Settings, body_id: str | None) -> str:
    """Where the DID document is served (base_url, not did:web's https rewrite, so a local
    instance on http works too)."""
    base = settings.base_url.rstrip("/")
    if body_id is None:
        return f"{base}/.well-known/did.json"
    return f"{base}/bodies/{quote(body_id, safe='')}/did.json"


def verification_method(settings: Settings, row: SigningKey) -> str:
    return f"{did(settings, row.body_id)}#{row.fragment}"


# --- sealing ------------------------------------------------------------------------------


def _aad(body_id: str | None, fragment: str) -> bytes:
    return f"{body_id or '-'}#{fragment}".encode()


def seal(seed: bytes, body_id: str | None, fragment: str, secret_key: str) -> bytes:
    return sealed.seal(seed, _INFO, _aad(body_id, fragment), secret_key)


def unseal(sealed_seed: bytes, body_id: str | None, fragment: str, secret_key: str) -> bytes:
    try:
        return sealed.unseal(sealed_seed, _INFO, _aad(body_id, fragment), secret_key)
    except sealed.InvalidTag as exc:
        raise KeyUnavailable(
            f"cannot decrypt signing key {fragment} of {body_id or 'the platform'}",
            hint="CERTPASS_SECRET_KEY differs from the one the key was sealed with",
        ) from exc


@dataclass(frozen=True)
class Signer:
    """A key ready to sign: its row, its verification method and the unsealed pair."""

    row: SigningKey
    verification_method: str
    pair: multikey.Ed25519KeyPair

    def __repr__(self) -> str:  # never show the seed
        return f"Signer({self.verification_method})"


def signer(session: Session, settings: Settings, body_id: str | None,
           create: bool = True) -> Signer:
    """The body's (or platform's) current key, created on first need when `create`."""
    row = current_key(session, body_id)
    if row is None:
        if not create:
            raise NotFound(f"{body_id or 'the platform'} has no signing key yet",
                           hint="a key is made when the body first issues a credential")
        # Two first issuances of one body at once must not both add its key-1: the log's
        # append lock (which adding the key takes anyway, for its log entry, and which a
        # writer that logged something already holds) queues them; the second then finds
        # the first's key. A row lock on the body instead deadlocked against a writer
        # holding the append lock.
        hold_append_lock(session)
        row = current_key(session, body_id) or _add_key(session, settings, body_id, SYSTEM)
    seed = unseal(row.sealed_seed, row.body_id, row.fragment, settings.secret_key)
    return Signer(row, verification_method(settings, row), multikey.Ed25519KeyPair(seed))


# --- reading ------------------------------------------------------------------------------


def keys(session: Session, body_id: str | None) -> list[SigningKey]:
    """Every key of the body (or platform), oldest first, retired ones included."""
    owner = SigningKey.body_id.is_(None) if body_id is None else SigningKey.body_id == body_id
    with session.no_autoflush:
        return list(session.scalars(select(SigningKey).where(owner).order_by(SigningKey.id)))


def current_key(session: Session, body_id: str | None) -> SigningKey | None:
    live = [k for k in keys(session, body_id) if k.retired_at is None]
    return live[-1] if live else None


def key_for(session: Session, settings: Settings, vm: str) -> SigningKey | None:
    """The key row a verification method id names, if it is one of ours."""
    owner_did, _, fragment = vm.partition("#")
    platform = did(settings, None)
    if owner_did == platform:
        body_id = None
    elif owner_did.startswith(platform + ":bodies:"):
        body_id = unquote(owner_did[len(platform) + len(":bodies:"):])
    else:
        return None
    return next((k for k in keys(session, body_id) if k.fragment == fragment), None)


def public_info(settings: Settings, row: SigningKey) -> dict[str, Any]:
    """What anyone may know about a key (never the seed)."""
    return {
        "body_id": row.body_id,
        "controller": did(settings, row.body_id),
        "id": verification_method(settings, row),
        "type": "Multikey",
        "publicKeyMultibase": row.public_multibase,
        "created": _xsd(row.created_at),
        "retired": _xsd(row.retired_at, up=True) if row.retired_at else None,
        "compromised_at": _xsd(row.compromised_at) if row.compromised_at else None,
        "revoked_at": _xsd(row.revoked_at, up=True) if row.revoked_at else None,
    }


def did_document(session: Session, settings: Settings, body_id: str | None) -> dict[str, Any]:
    """The DID document: every key as a Multikey verificationMethod (retired ones still
    listed, unchanged, so older signatures verify); revoked ones carry `revoked` (the time
    of compromise) and are not in assertionMethod. Every term is defined by the DID v1 and
    Multikey v1 contexts (strict JSON-LD processing drops nothing)."""
    if body_id is not None:
        body = session.get(Body, body_id)
        if body is None:
            raise NotFound(f"no body {body_id!r} is registered")
    rows = keys(session, body_id)
    if not rows:
        raise NotFound(f"{body_id or 'the platform'} has no signing key yet",
                       hint="a key is made when the body first issues a credential")
    subject = did(settings, body_id)
    entries = [
        multikey.DidKeyEntry(
            fragment=k.fragment,
            public_key=multikey.decode_public_key(k.public_multibase),
            revoked=_xsd(k.compromised_at) if k.compromised_at else None,
        )
        for k in rows
    ]
    return multikey.did_web_document(subject, entries,
                                     also_known_as=[did_url(settings, body_id)])


def key_dates(session: Session, settings: Settings, body_id: str | None
              ) -> dict[str, dict[str, str | None]]:
    """verification method → {"created", "retired"} of every key of the body: what the DID
    document does not say (see the module doc), for the trust bundle."""
    return {verification_method(settings, k): {
        "created": _xsd(k.created_at),
        "retired": _xsd(k.retired_at, up=True) if k.retired_at else None}
        for k in keys(session, body_id)}


# --- writing ------------------------------------------------------------------------------


def _require_key_holder(session: Session, body_id: str | None, actor: Actor,
                        what: str) -> None:
    """The operator for the platform's keys; the body's own people for a body's."""
    if body_id is None:
        if actor.role != "operator":
            raise Forbidden(f"only the operator may {what} the platform key",
                            hint=f"run `certpass keys {what} --platform` on the server")
        return
    hold_append_lock(session)  # first, as every writer does: then the body's row
    body = session.get(Body, body_id, with_for_update=True)
    if body is None:
        raise NotFound(f"no body {body_id!r} is registered", details={"body": body_id})
    if "accreditation-body" in body.roles and not (
        {"certification-body", "testing-lab"} & set(body.roles)
    ):
        actor.require_accreditor(body_id, f"{what} its keys")
    else:
        actor.require_certifier(body_id, f"{what} its keys")


def rotate(session: Session, settings: Settings, body_id: str | None, actor: Actor
           ) -> SigningKey:
    """Retire the current key (retired_at = now) and add a new one, with their log entries."""
    _require_key_holder(session, body_id, actor, "rotate")
    return _rotate(session, settings, body_id, actor, utcnow())


def _rotate(session: Session, settings: Settings, body_id: str | None, actor: Actor,
            now: dt.datetime) -> SigningKey:
    old = current_key(session, body_id)
    if old is not None:
        old.retired_at = now
        append_event(session, {
            "type": "key.retired", "at": now.isoformat(), "actor": actor.label,
            "key": {"id": verification_method(settings, old), "body": body_id,
                    "publicKeyMultibase": old.public_multibase, "retired": _xsd(now, up=True)},
        })
    return _add_key(session, settings, body_id, actor.label, after=now)


@dataclass(frozen=True)
class Revoked:
    """What `revoke` did: the revoked key, and the key that replaced it if it was current."""

    key: SigningKey
    replacement: SigningKey | None


def revoke(session: Session, settings: Settings, body_id: str | None, key: str,
           compromised_at: dt.datetime, actor: Actor, *, now: dt.datetime | None = None
           ) -> Revoked:
    """Revoke a compromised key: from `compromised_at` on, nothing it signs is trusted.

    `key` is the fragment (``key-1``) or the full verification method id. A current key is
    also retired and replaced (as `rotate` does), so the body keeps issuing with a fresh
    key. Revoking again is allowed only to move the compromise earlier. Logged as
    ``key.revoked`` {id, body, publicKeyMultibase, compromised_at, revoked_at}."""
    _require_key_holder(session, body_id, actor, "revoke")
    now = now or utcnow()
    if compromised_at.tzinfo is None:
        raise InvalidInput("the compromise time needs a time zone",
                           hint="write it in UTC, e.g. 2026-03-01T09:30:00Z")
    if compromised_at > now:
        raise InvalidInput(
            f"the compromise time {_xsd(compromised_at)} is in the future",
            hint="give the earliest time the key may have been in other hands, up to now",
            details={"compromised_at": _xsd(compromised_at), "now": _xsd(now)})
    row = _find_key(session, settings, body_id, key)
    if compromised_at < row.created_at.replace(microsecond=0):  # seconds, as written
        raise InvalidInput(
            f"the compromise time {_xsd(compromised_at)} is before key {row.fragment} was "
            f"made ({_xsd(row.created_at)})",
            hint=f"to distrust everything it ever signed, give {_xsd(row.created_at)}",
            details={"key": row.fragment, "created": _xsd(row.created_at)})
    if row.compromised_at is not None and compromised_at >= row.compromised_at:
        raise Conflict(
            f"key {row.fragment} is already revoked as compromised at "
            f"{_xsd(row.compromised_at)}",
            hint="a revocation can only move the compromise earlier, never later",
            details={"key": row.fragment, "compromised_at": _xsd(row.compromised_at)})
    replacement = None
    if row.retired_at is None:  # still signing: retire it and make a fresh key
        replacement = _rotate(session, settings, body_id, actor, now)
    row.compromised_at, row.revoked_at = compromised_at, now
    append_event(session, {
        "type": "key.revoked", "at": now.isoformat(), "actor": actor.label,
        "key": {"id": verification_method(settings, row), "body": body_id,
                "publicKeyMultibase": row.public_multibase,
                "compromised_at": compromised_at.astimezone(dt.UTC).isoformat(),
                "revoked_at": now.astimezone(dt.UTC).isoformat()},
    })
    return Revoked(row, replacement)


def _find_key(session: Session, settings: Settings, body_id: str | None, key: str
              ) -> SigningKey:
    rows = keys(session, body_id)
    fragment = key
    if "#" in key:
        owner, _, fragment = key.partition("#")
        if owner != did(settings, body_id):
            raise InvalidInput(f"{key} is not a key of {body_id or 'the platform'}",
                               hint=f"its keys are {did(settings, body_id)}#key-N")
    found = next((k for k in rows if k.fragment == fragment), None)
    if found is None:
        known = ", ".join(k.fragment for k in rows) or "none yet"
        raise NotFound(f"{body_id or 'the platform'} has no key {fragment!r}",
                       hint=f"its keys: {known} (certpass keys list)",
                       details={"body": body_id, "key": fragment})
    return found


def _add_key(session: Session, settings: Settings, body_id: str | None, actor_label: str,
             after: dt.datetime | None = None) -> SigningKey:
    existing = keys(session, body_id)
    fragment = f"key-{len(existing) + 1}"
    pair = multikey.Ed25519KeyPair.generate()
    now = utcnow()
    if after is not None and now <= after:
        now = after + dt.timedelta(microseconds=1)
    row = SigningKey(body_id=body_id, fragment=fragment, public_multibase=pair.public_multibase,
                     sealed_seed=seal(pair.seed, body_id, fragment, settings.secret_key),
                     created_at=now)
    session.add(row)
    session.flush([row])  # credentials refer to it by id
    append_event(session, {
        "type": "key.added", "at": now.isoformat(), "actor": actor_label,
        "key": {"id": f"{did(settings, body_id)}#{fragment}", "body": body_id,
                "publicKeyMultibase": row.public_multibase, "created": _xsd(now)},
    })
    return row


def public_time(value: dt.datetime, *, up: bool = False) -> str:
    """A key's time as its DID document and log entries write it (see _xsd)."""
    return _xsd(value, up=up)


def _xsd(value: dt.datetime, *, up: bool = False) -> str:
    """XML Schema dateTime in whole UTC seconds, the form proofs' `created` takes. A
    retirement time rounds up, so a proof made earlier in the same second (its `created`
    rounded down) still compares as before the retirement."""
    value = value.astimezone(dt.UTC)
    if up and value.microsecond:
        value = value.replace(microsecond=0) + dt.timedelta(seconds=1)
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")
