"""What a verifier trusts, behind one small interface: `TrustSource`.

Two implementations: `LiveTrust` reads this instance's database (registry, credential and
ledger tables); `BundleTrust` reads an exported trust bundle, so a verifier works with no
network and no database. The verifier never knows which one it has.

A bundle carries signed material only where a signature can be checked against something
already trusted: accreditation credentials must be signed by a trust anchor's key (the
anchors section is the root the user chooses to trust), status lists by their issuer's key
as listed in the issuer's DID document. `BundleTrust` checks every one when it loads and
refuses the whole bundle on the first failure, naming it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import unquote

from sqlalchemy import select
from sqlalchemy.orm import Session

from certpass.certificates.lifecycle import AccreditedScope
from certpass.certificates.models import Certificate
from certpass.config import Settings
from certpass.credentials import keyring, proofs, status, status_list
from certpass.credentials import service as credential_service
from certpass.credentials.accreditation import (
    AccreditationFacts,
    build_accreditation_credential,
    parse_accreditation_credential,
    sign_accreditation_credential,
)
from certpass.credentials.models import IssuedCredential, StatusList
from certpass.credentials.multikey import decode_public_key, encode_public_key
from certpass.errors import CertpassError, NotFound
from certpass.ledger import service as ledger
from certpass.registry.models import Accreditation, Body

BUNDLE_FORMAT = "certpass-trust-bundle"
BUNDLE_VERSION = 1


class InvalidTrustBundle(CertpassError):
    code = "invalid-trust-bundle"
    http_status = 422


@dataclass(frozen=True)
class KeyInfo:
    verification_method: str
    did: str  # the controller: the body the key belongs to
    public_key: bytes
    created: dt.datetime | None = None
    retired: dt.datetime | None = None  # signatures made after this are not the body's
    revoked: dt.datetime | None = None  # compromised: nothing after this is trusted


@dataclass(frozen=True)
class BodyInfo:
    did: str
    id: str
    name_en: str
    name_zh: str = ""
    roles: tuple[str, ...] = ()
    economy: str = ""
    signatories: tuple[str, ...] = ()  # IAF MLA, ILAC MRA... (accreditation bodies)


@dataclass(frozen=True)
class StatusListInfo:
    url: str
    issuer_did: str
    purpose: str
    bits: bytes


@dataclass(frozen=True)
class CredentialRecord:
    """A registered certificate's signed credential, as found by its number."""

    number: str
    document: dict[str, Any] | None  # None: registered, but no signed credential exists
    receipt: str | None = None
    log_entry: bytes | None = None


class TrustSource(Protocol):
    def key(self, verification_method: str) -> KeyInfo | None: ...

    def body(self, did: str) -> BodyInfo | None: ...

    def is_anchor(self, did: str) -> bool: ...

    def accreditations(self, did: str) -> list[AccreditationFacts]: ...

    def status_list(self, url: str) -> StatusListInfo | None: ...

    def log_vkey(self) -> str | None: ...

    def credential(self, number: str) -> CredentialRecord | None: ...


def _when(value: Any) -> dt.datetime | None:
    if not value:
        return None
    out = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return out if out.tzinfo else out.replace(tzinfo=dt.UTC)


def keys_of_did_document(document: Mapping[str, Any]) -> list[KeyInfo]:
    """Every Multikey verification method of a DID document (retired and revoked included,
    so a verifier can say why a key is refused rather than "unknown")."""
    did = document["id"]
    out = []
    for vm in document.get("verificationMethod") or []:
        if vm.get("type") != "Multikey" or vm.get("controller", did) != did:
            continue
        out.append(KeyInfo(vm["id"], did, decode_public_key(vm["publicKeyMultibase"]),
                           _when(vm.get("created")), _when(vm.get("expires")),
                           _when(vm.get("revoked"))))
    return out


# --- the bundle -------------------------------------------------------------------------


def assemble_bundle(
    *,
    created: dt.datetime,
    anchors: Iterable[BodyInfo],
    anchor_keys: Mapping[str, list[KeyInfo]],
    bodies: Iterable[BodyInfo],
    did_documents: Mapping[str, Mapping[str, Any]],
    accreditations: Iterable[Mapping[str, Any]],
    status_lists: Iterable[Mapping[str, Any]],
    log: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The bundle JSON. `anchor_keys`: AB DID → the keys trusted to sign accreditations."""
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "created": created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "anchors": [_body_json(a) | {"keys": [
            {"id": k.verification_method, "publicKeyMultibase": encode_public_key(k.public_key)}
            for k in anchor_keys.get(a.did, [])]} for a in anchors],
        "bodies": [_body_json(b) | {"did_document": dict(did_documents[b.did])}
                   for b in bodies if b.did in did_documents],
        "accreditations": [dict(c) for c in accreditations],
        "status_lists": [dict(c) for c in status_lists],
        "log": dict(log) if log else None,
    }


def _body_json(b: BodyInfo) -> dict[str, Any]:
    return {"did": b.did, "id": b.id, "name_en": b.name_en, "name_zh": b.name_zh,
            "roles": list(b.roles), "economy": b.economy, "signatories": list(b.signatories)}


def _body_from(data: Mapping[str, Any]) -> BodyInfo:
    return BodyInfo(did=data["did"], id=data["id"], name_en=data["name_en"],
                    name_zh=data.get("name_zh", ""), roles=tuple(data.get("roles", ())),
                    economy=data.get("economy", ""),
                    signatories=tuple(data.get("signatories", ())))


@dataclass
class BundleTrust:
    """Trust from an exported bundle, every signature in it checked at load."""

    created: str
    _keys: dict[str, KeyInfo] = field(default_factory=dict)
    _bodies: dict[str, BodyInfo] = field(default_factory=dict)
    _anchors: dict[str, BodyInfo] = field(default_factory=dict)
    _accreditations: dict[str, list[AccreditationFacts]] = field(default_factory=dict)
    _status: dict[str, StatusListInfo] = field(default_factory=dict)
    _vkey: str | None = None
    checkpoint: str | None = None

    @classmethod
    def load(cls, path: str) -> BundleTrust:
        try:
            with open(path, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            raise InvalidTrustBundle(f"cannot read trust bundle {path}: {exc.strerror}") from None
        return cls.from_json(raw)

    @classmethod
    def from_json(cls, raw: bytes | str) -> BundleTrust:
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InvalidTrustBundle(f"the trust bundle is not JSON: {exc}") from None
        return cls.from_dict(data)

    @classmethod
    def from_dict(cls, data: Any) -> BundleTrust:
        if not isinstance(data, dict) or data.get("format") != BUNDLE_FORMAT:
            raise InvalidTrustBundle(f"not a certpass trust bundle (format {BUNDLE_FORMAT!r})",
                                     hint="export one with `certpass trust export`")
        if data.get("version") != BUNDLE_VERSION:
            raise InvalidTrustBundle(f"unsupported trust bundle version {data.get('version')!r}",
                                     hint=f"this certpass reads version {BUNDLE_VERSION}")
        try:
            return cls._build(data)
        except InvalidTrustBundle:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, CertpassError) as exc:
            raise InvalidTrustBundle(f"malformed trust bundle: {exc!r}") from None

    @classmethod
    def _build(cls, data: dict[str, Any]) -> BundleTrust:
        self = cls(created=str(data["created"]))
        pinned: dict[str, KeyInfo] = {}
        for a in data["anchors"]:
            body = _body_from(a)
            self._anchors[body.did] = body
            for k in a["keys"]:
                if not str(k["id"]).startswith(body.did + "#"):
                    raise InvalidTrustBundle(f"anchor key {k['id']!r} is not {body.id}'s")
                pinned[k["id"]] = KeyInfo(k["id"], body.did,
                                          decode_public_key(k["publicKeyMultibase"]))
        for b in data["bodies"]:
            body = _body_from(b)
            doc = b["did_document"]
            if doc.get("id") != body.did:
                raise InvalidTrustBundle(f"DID document of {body.id} is for {doc.get('id')!r}")
            self._bodies[body.did] = body
            for k in keys_of_did_document(doc):
                self._keys[k.verification_method] = k
        for did, a in self._anchors.items():
            self._bodies.setdefault(did, a)
        for vm, k in pinned.items():
            self._keys.setdefault(vm, k)
        for credential in data["accreditations"]:
            # Only the pinned anchor keys may sign accreditations: the root of the chain.
            self._check_signed(credential, "accreditation credential",
                               lambda k: k.verification_method in pinned
                               and pinned[k.verification_method].public_key == k.public_key)
            facts = parse_accreditation_credential(credential)
            self._accreditations.setdefault(facts.body_did, []).append(facts)
        for credential in data["status_lists"]:
            issuer = credential["issuer"]
            issuer_did = issuer["id"] if isinstance(issuer, dict) else issuer
            self._check_signed(credential, "status list",
                               lambda k, did=issuer_did: k.did == did)
            subject = credential["credentialSubject"]
            url = credential["id"]
            self._status[url] = StatusListInfo(url, issuer_did, subject["statusPurpose"],
                                               bytes(status_list.decode(subject["encodedList"])))
        log = data.get("log") or {}
        self._vkey = log.get("vkey")
        self.checkpoint = log.get("checkpoint")
        return self

    def _check_signed(self, credential: Mapping[str, Any], what: str, allowed: Any) -> None:
        def resolve(vm: str) -> bytes | None:
            k = self._keys.get(vm)
            return k.public_key if k is not None and allowed(k) else None

        try:
            proofs.verify(credential, resolve)
        except proofs.ProofFailure as exc:
            raise InvalidTrustBundle(
                f"{what} {credential.get('id')!r} in the trust bundle has a bad signature: "
                f"{exc.message}",
                hint="the bundle was altered or is not from a trusted certpass; "
                     "export a fresh one",
            ) from None

    # TrustSource
    def key(self, verification_method: str) -> KeyInfo | None:
        return self._keys.get(verification_method)

    def body(self, did: str) -> BodyInfo | None:
        return self._bodies.get(did)

    def is_anchor(self, did: str) -> bool:
        return did in self._anchors

    def accreditations(self, did: str) -> list[AccreditationFacts]:
        return self._accreditations.get(did, [])

    def status_list(self, url: str) -> StatusListInfo | None:
        return self._status.get(url)

    def log_vkey(self) -> str | None:
        return self._vkey

    def credential(self, number: str) -> CredentialRecord | None:
        return None  # a bundle holds no certificates: look-up by number needs LiveTrust


# --- the live database ------------------------------------------------------------------


class LiveTrust:
    """Trust read from this instance's database, cached for the life of the object (one
    request or one command): the registry, the keyring, the status lists and the ledger."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self._platform = keyring.did(settings, None)
        self._keys: dict[str, KeyInfo | None] = {}
        self._bodies: dict[str, BodyInfo | None] = {}
        self._accreditations: dict[str, list[AccreditationFacts]] = {}
        self._status: dict[str, StatusListInfo | None] = {}

    def body_id(self, did: str) -> str | None:
        prefix = self._platform + ":bodies:"
        return unquote(did[len(prefix):]) if did.startswith(prefix) else None

    def key(self, verification_method: str) -> KeyInfo | None:
        if verification_method not in self._keys:
            row = keyring.key_for(self.session, self.settings, verification_method)
            self._keys[verification_method] = None if row is None \
                else KeyInfo(verification_method, keyring.did(self.settings, row.body_id),
                             decode_public_key(row.public_multibase), row.created_at,
                             row.retired_at)
        return self._keys[verification_method]

    def body(self, did: str) -> BodyInfo | None:
        if did == self._platform:  # the platform signs VC-API credentials and nothing else
            return BodyInfo(did, "certpass", "certpass platform", roles=("platform",))
        if did not in self._bodies:
            body_id = self.body_id(did)
            row = self.session.get(Body, body_id) if body_id else None
            self._bodies[did] = None if row is None else body_info(self.settings, row)
        return self._bodies[did]

    def is_anchor(self, did: str) -> bool:
        body = self.body(did)
        return body is not None and "accreditation-body" in body.roles

    def accreditations(self, did: str) -> list[AccreditationFacts]:
        if did not in self._accreditations:
            body_id = self.body_id(did)
            rows = self.session.scalars(
                select(Accreditation).where(Accreditation.body_id == body_id)
                .order_by(Accreditation.id)) if body_id else []
            self._accreditations[did] = [accreditation_facts(self.settings, a) for a in rows]
        return self._accreditations[did]

    def status_list(self, url: str) -> StatusListInfo | None:
        if url not in self._status:
            self._status[url] = self._load_status(url)
        return self._status[url]

    def _load_status(self, url: str) -> StatusListInfo | None:
        prefix = self.settings.base_url.rstrip("/") + "/status/"
        if not url.startswith(prefix):
            return None
        parts = url[len(prefix):].split("/")
        if len(parts) != 3 or not parts[2].isdigit():
            return None
        body_id, purpose, list_id = unquote(parts[0]), parts[1], int(parts[2])
        row = self.session.get(StatusList, list_id)
        if row is None or row.body_id != body_id or row.purpose != purpose:
            return None
        return StatusListInfo(url, keyring.did(self.settings, body_id), purpose, bytes(row.bits))

    def log_vkey(self) -> str | None:
        try:
            return ledger.verifier(self.session, self.settings).vkey
        except NotFound:
            return None

    def credential(self, number: str) -> CredentialRecord | None:
        cert = self.session.scalar(select(Certificate).where(Certificate.number == number))
        if cert is None:
            return None
        row = self.session.scalar(
            select(IssuedCredential).where(IssuedCredential.certificate_id == cert.id)
            .order_by(IssuedCredential.issue_no.desc()).limit(1))
        if row is None:
            return CredentialRecord(number, None)
        receipt, entry = None, None
        event = next((e for e in reversed(cert.events)
                      if e.issue_no == row.issue_no and e.action in ("issue", "amend")
                      and e.log_index is not None), None)
        if event is not None:
            try:
                receipt = ledger.receipt(self.session, event.log_index)
                entry = bytes(ledger.entry(self.session, event.log_index).entry)
            except CertpassError:
                receipt = None  # not yet under a checkpoint: the log check is skipped
        return CredentialRecord(number, credential_service.document(row), receipt, entry)


def body_info(settings: Settings, row: Body) -> BodyInfo:
    return BodyInfo(did=keyring.did(settings, row.id), id=row.id, name_en=row.name_en,
                    name_zh=row.name_zh, roles=tuple(row.roles), economy=row.economy_code,
                    signatories=tuple(row.signatories))


def accreditation_facts(settings: Settings, row: Accreditation) -> AccreditationFacts:
    since = None
    for change in reversed(row.history or []):  # start of the current status's run
        if change.get("status") != row.status:
            break
        since = _when(change.get("at"))
    return AccreditationFacts(
        number=row.number, accreditor_did=keyring.did(settings, row.accreditor_id),
        body_did=keyring.did(settings, row.body_id), standard=row.standard,
        scope=AccreditedScope.from_scope(row.number, row.status, row.valid_from, row.valid_until,
                                         row.scope, keyring.did(settings, row.accreditor_id)),
        status_since=since.date() if since else None,
    )


# --- producing trust: accreditation credentials and the bundle --------------------------


def signed_accreditations(session: Session, settings: Settings,
                          body_id: str | None = None, *, create: bool = True
                          ) -> list[dict[str, Any]]:
    """Every accreditation (of `body_id`, or all) as a DIA signed by its accreditation body's
    current key (made on first need, as the keyring does for issuers). Deterministic: the
    proof's `created` is the accreditation's last change."""
    query = select(Accreditation).order_by(Accreditation.id)
    if body_id is not None:
        query = query.where(Accreditation.body_id == body_id)
    out = []
    signers: dict[str, keyring.Signer] = {}
    for row in session.scalars(query):
        facts = accreditation_facts(settings, row)
        unsigned = build_accreditation_credential(
            facts, accreditor_name=row.accreditor.name_en, body_name=row.body.name_en,
            base_url=settings.base_url)
        if row.accreditor_id not in signers:
            signers[row.accreditor_id] = keyring.signer(session, settings, row.accreditor_id,
                                                        create=create)
        signer = signers[row.accreditor_id]
        changed = _when(row.history[-1]["at"]) if row.history else None
        created = max(changed or signer.row.created_at, signer.row.created_at)
        out.append(sign_accreditation_credential(unsigned, signer.pair,
                                                 signer.verification_method, created))
    return out


def export_bundle(session: Session, settings: Settings,
                  now: dt.datetime | None = None, *, create_keys: bool = True) -> dict[str, Any]:
    """Everything an offline verifier needs (see module doc); run in a write transaction,
    since an accreditation body signing for the first time gets its key then (with
    `create_keys=False`, a read: such a body is NotFound instead)."""
    accreditations = signed_accreditations(session, settings, create=create_keys)
    bodies = [body_info(settings, b) for b in session.scalars(select(Body).order_by(Body.id))]
    documents: dict[str, dict[str, Any]] = {}
    for b in bodies:
        try:
            documents[b.did] = keyring.did_document(session, settings, b.id)
        except NotFound:
            continue  # a body with no key has signed nothing
    anchors = [b for b in bodies if "accreditation-body" in b.roles and b.did in documents]
    anchor_keys = {a.did: [k for k in keys_of_did_document(documents[a.did])
                           if k.revoked is None] for a in anchors}
    lists = [status.list_credential(session, settings, row.body_id, row.purpose, row.id, now)
             for row in session.scalars(select(StatusList).order_by(StatusList.id))]
    log = None
    vkey = LiveTrust(session, settings).log_vkey()
    if vkey is not None:
        checkpoint = ledger.latest_checkpoint(session)
        log = {"origin": settings.log_origin, "vkey": vkey,
               "checkpoint": checkpoint.note if checkpoint else None}
    return assemble_bundle(
        created=now or dt.datetime.now(dt.UTC), anchors=anchors, anchor_keys=anchor_keys,
        bodies=bodies, did_documents=documents, accreditations=accreditations,
        status_lists=lists, log=log)
