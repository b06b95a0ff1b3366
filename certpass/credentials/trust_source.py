"""What a verifier trusts, behind one small interface: `TrustSource`, and the offline
implementation `BundleTrust` (no database: this module imports none).

`BundleTrust` reads an exported trust bundle, so a verifier works with no network and no
database; `certpass.credentials.trust.LiveTrust` reads this instance's database. The
verifier never knows which one it has.

A bundle carries signed material only where a signature can be checked against something
already trusted: accreditation credentials must be signed by a trust anchor's key (the
anchors section is the root the user chooses to trust), status lists by their issuer's key
as listed in the issuer's DID document. `BundleTrust` checks every one when it loads and
refuses the whole bundle on the first failure, naming it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from certpass.credentials import proofs, status_list
from certpass.credentials.accreditation import AccreditationFacts, parse_accreditation_credential
from certpass.credentials.multikey import decode_public_key, encode_public_key
from certpass.errors import CertpassError
from certpass.jcs import canonicalize
from certpass.ledger.errors import InvalidNote
from certpass.ledger.note import Signer, Verifier, open_note

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


@dataclass(frozen=True)
class IssueRecord:
    """One registered issue of a certificate, as the register and its log entry record it."""

    issue: int
    sha256: str  # hex SHA-256 of the signed credential's RFC 8785 bytes (the log, the QR)
    content_sha256: str  # hex SHA-256 of the RFC 8785 credential without its proof
    log_index: int | None = None  # the issue's entry in the transparency log
    logged_at: dt.datetime | None = None  # that entry's own time ("at"), never the signer's
    changes: tuple[str, ...] = ()  # what this issue changed from the one before
    note: str = ""  # the reason given for the change


@dataclass(frozen=True)
class RegisteredCertificate:
    """Every issue of one certificate (a number of one issuer), oldest first: the last is the
    current one."""

    number: str
    issues: tuple[IssueRecord, ...]
    # The issuing body's id: numbers are unique per issuer, not across them. "" in a bundle
    # exported before that (its numbers were unique across issuers).
    issuer: str = ""

    def issued_by(self, body_id: str | None) -> bool:
        return not self.issuer or self.issuer == body_id

    @property
    def current(self) -> IssueRecord:
        return self.issues[-1]

    def by_content(self, content_sha256: str) -> IssueRecord | None:
        return next((i for i in self.issues if i.content_sha256 == content_sha256), None)

    def by_sha256(self, sha256: str) -> IssueRecord | None:
        return next((i for i in self.issues if i.sha256 == sha256), None)

    def newer(self, record: IssueRecord) -> tuple[IssueRecord, ...]:
        return tuple(i for i in self.issues if i.issue > record.issue)


@dataclass(frozen=True)
class LogProof:
    """A log entry and, once a checkpoint covers it, its C2SP tlog-proof receipt."""

    entry: bytes
    receipt: str | None = None


class TrustSource(Protocol):
    def key(self, verification_method: str) -> KeyInfo | None: ...

    def body(self, did: str) -> BodyInfo | None: ...

    def is_anchor(self, did: str) -> bool: ...

    def accreditations(self, did: str) -> list[AccreditationFacts]: ...

    def status_list(self, url: str) -> StatusListInfo | None: ...

    def log_vkey(self) -> str | None: ...

    def credential(self, number: str, issuer: str, issue: int | None = None
                   ) -> CredentialRecord | None:
        """The signed credential of an issue (the current one by default) of `issuer`'s
        certificate `number` (issuer: a body id)."""
        ...

    def registers(self, number: str) -> tuple[RegisteredCertificate, ...]:
        """The register's entries for a certificate number, one per issuer holding it
        (empty: not registered)."""
        ...

    def log_proof(self, index: int) -> LogProof | None:
        """The log's entry `index` and its receipt, where this source holds the log itself
        (online); None where it only holds the signed register (a bundle)."""
        ...

    def status_as_of(self) -> str | None:
        """When the status this source holds was taken (a bundle's creation); None: live."""
        ...


def when(value: Any) -> dt.datetime | None:
    """An ISO 8601 text as an aware datetime (UTC if it names no zone); None for empty."""
    if not value:
        return None
    out = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return out if out.tzinfo else out.replace(tzinfo=dt.UTC)


def keys_of_did_document(document: Mapping[str, Any],
                         dates: Mapping[str, Mapping[str, Any]] | None = None) -> list[KeyInfo]:
    """Every Multikey verification method of a DID document (retired and revoked included,
    so a verifier can say why a key is refused rather than "unknown"). `dates`: vm →
    {"created", "retired"} the document itself does not carry (keyring.key_dates); older
    documents that had `created` / `expires` on their methods still read the same."""
    did = document["id"]
    out = []
    for vm in document.get("verificationMethod") or []:
        if vm.get("type") != "Multikey" or vm.get("controller", did) != did:
            continue
        known = (dates or {}).get(vm["id"]) or {}
        out.append(KeyInfo(vm["id"], did, decode_public_key(vm["publicKeyMultibase"]),
                           when(known.get("created") or vm.get("created")),
                           when(known.get("retired") or vm.get("expires")),
                           when(vm.get("revoked"))))
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
    register: Mapping[str, Any] | None = None,
    key_dates: Mapping[str, Mapping[str, Any]] | None = None,
) -> dict[str, Any]:
    """The bundle JSON. `anchor_keys`: AB DID → the keys trusted to sign accreditations;
    `register`: the certificate register signed by the log's key (`signed_register`);
    `key_dates`: vm → {"created", "retired"} (what DID documents do not say)."""
    dates = key_dates or {}
    return {
        "format": BUNDLE_FORMAT,
        "version": BUNDLE_VERSION,
        "created": created.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "anchors": [_body_json(a) | {"keys": [
            {"id": k.verification_method, "publicKeyMultibase": encode_public_key(k.public_key)}
            for k in anchor_keys.get(a.did, [])]} for a in anchors],
        "bodies": [_body_json(b) | {"did_document": dict(did_documents[b.did]), "keys": [
            {"id": vm["id"], **dates[vm["id"]]}
            for vm in did_documents[b.did].get("verificationMethod") or []
            if vm.get("id") in dates]}
                   for b in bodies if b.did in did_documents],
        "accreditations": [dict(c) for c in accreditations],
        "status_lists": [dict(c) for c in status_lists],
        "log": dict(log) if log else None,
        "register": dict(register) if register else None,
    }


# --- the register: which issue of each certificate is current, as the log recorded it ----

REGISTER_NOTE = "certpass certificate register"


def content_sha256(credential: Mapping[str, Any]) -> str:
    """Hex SHA-256 of a credential's RFC 8785 form without its proof: the same for the
    stored credential, its JWT and any re-signing of it (the register matches on it)."""
    return hashlib.sha256(canonicalize(
        {k: v for k, v in credential.items() if k != "proof"})).hexdigest()


def _register_items(certificates: Iterable[RegisteredCertificate]) -> list[dict[str, Any]]:
    return [{"number": c.number, "issuer": c.issuer, "issues": [
        {"issue": i.issue, "sha256": i.sha256, "content_sha256": i.content_sha256,
         "log_index": i.log_index,
         "logged_at": i.logged_at.astimezone(dt.UTC).isoformat() if i.logged_at else None,
         "changes": list(i.changes), "note": i.note} for i in c.issues]}
        for c in certificates]


def register_note_text(items: list[dict[str, Any]]) -> str:
    """What the log key signs: the register's size and the SHA-256 of its RFC 8785 form."""
    return f"{REGISTER_NOTE}\n{len(items)}\n{hashlib.sha256(canonicalize(items)).hexdigest()}\n"


def signed_register(certificates: Iterable[RegisteredCertificate],
                    signer: Signer) -> dict[str, Any]:
    """The bundle's register section: every certificate's issues (content hashes, log
    entries, what changed), signed as a C2SP note by the transparency log's key, so an
    offline verifier knows the current issue of each certificate."""
    items = _register_items(certificates)
    return {"certificates": items, "signature": signer.sign(register_note_text(items))}


def _read_register(data: Mapping[str, Any], vkey: str | None
                   ) -> dict[str, tuple[RegisteredCertificate, ...]]:
    if vkey is None:
        raise InvalidTrustBundle("the trust bundle's register comes without the log key that "
                                 "signs it", hint="export a fresh bundle")
    items = data["certificates"]
    try:
        text = open_note(data["signature"], Verifier.parse(vkey))
    except InvalidNote as exc:
        raise InvalidTrustBundle(f"the trust bundle's register has a bad signature: {exc}",
                                 hint="the bundle was altered or is not from a trusted "
                                      "certpass; export a fresh one") from None
    if text != register_note_text(items):
        raise InvalidTrustBundle("the trust bundle's register is not the one its log key "
                                 "signed", hint="the bundle was altered; export a fresh one")
    out: dict[str, tuple[RegisteredCertificate, ...]] = {}
    for c in items:
        issues = tuple(IssueRecord(
            int(i["issue"]), str(i["sha256"]), str(i["content_sha256"]), i.get("log_index"),
            when(i.get("logged_at")), tuple(i.get("changes") or ()), str(i.get("note") or ""))
            for i in sorted(c["issues"], key=lambda i: int(i["issue"])))
        if issues:
            number = str(c["number"])
            out[number] = (*out.get(number, ()),
                           RegisteredCertificate(number, issues, str(c.get("issuer") or "")))
    return out


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
    _register: dict[str, tuple[RegisteredCertificate, ...]] = field(default_factory=dict)
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
            dates = {str(d.get("id")): d for d in b.get("keys") or [] if isinstance(d, dict)}
            for k in keys_of_did_document(doc, dates):
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
        if data.get("register"):
            self._register = _read_register(data["register"], self._vkey)
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

    def credential(self, number: str, issuer: str, issue: int | None = None
                   ) -> CredentialRecord | None:
        return None  # a bundle holds no credentials: look-up by number needs LiveTrust

    def registers(self, number: str) -> tuple[RegisteredCertificate, ...]:
        return self._register.get(number, ())

    def log_proof(self, index: int) -> LogProof | None:
        return None  # the register's signature vouches for the log entries

    def status_as_of(self) -> str | None:
        return self.created
