"""A small signed world built in code with the pure modules: an accreditation body, two
certification bodies with real keys and DID documents, accreditation credentials, status
lists, and a trust bundle. No tests here; test_verifier*.py, test_trust*.py and
test_crossverify.py use it (illustrative names, not real certificates)."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from certpass.certificates.lifecycle import AccreditedScope
from certpass.credentials import dcc, jose, proofs, status_list
from certpass.credentials.accreditation import (
    AccreditationFacts,
    build_accreditation_credential,
    sign_accreditation_credential,
)
from certpass.credentials.multikey import DidKeyEntry, Ed25519KeyPair, did_web_document
from certpass.credentials.trust_source import (
    BodyInfo,
    BundleTrust,
    IssueRecord,
    KeyInfo,
    RegisteredCertificate,
    assemble_bundle,
    content_sha256,
    signed_register,
)
from certpass.jcs import canonicalize
from certpass.ledger.note import Signer
from tests.credentials.fixtures import attestation

HOST = "certpass.example%3A8000"
BASE = "https://certpass.example:8000"
UTC = dt.UTC


def did(body_id: str) -> str:
    return f"did:web:{HOST}:bodies:{body_id}"


def seed(label: str) -> Ed25519KeyPair:
    return Ed25519KeyPair(hashlib.sha256(label.encode()).digest())


@dataclass
class Party:
    id: str
    name: str
    roles: tuple[str, ...]
    keys: list[tuple[str, Ed25519KeyPair, dt.datetime | None]] = field(default_factory=list)
    signatories: tuple[str, ...] = ()
    revoked: dict[str, dt.datetime] = field(default_factory=dict)  # fragment → compromised at

    @property
    def did(self) -> str:
        return did(self.id)

    def vm(self, i: int = -1) -> str:
        return f"{self.did}#{self.keys[i][0]}"

    def key(self, i: int = -1) -> Ed25519KeyPair:
        return self.keys[i][1]

    def info(self) -> BodyInfo:
        return BodyInfo(self.did, self.id, self.name, roles=self.roles, economy="CN",
                        signatories=self.signatories)

    def did_document(self) -> dict[str, Any]:
        entries = [DidKeyEntry(frag, k.public_key,
                               revoked=self.revoked[frag].strftime("%Y-%m-%dT%H:%M:%SZ")
                               if frag in self.revoked else None)
                   for frag, k, retired in self.keys]
        return did_web_document(self.did, entries)

    def key_dates(self) -> dict[str, dict[str, str | None]]:
        return {f"{self.did}#{frag}": {
            "created": None,
            "retired": retired.strftime("%Y-%m-%dT%H:%M:%SZ") if retired else None}
            for frag, _, retired in self.keys}


RETIRED_AT = dt.datetime(2024, 1, 1, tzinfo=UTC)
LOGGED_AT = dt.datetime(2024, 3, 1, 8, 0, 5, tzinfo=UTC)  # the log's time for an issue


class World:
    """AB `cnas` accredits `cqc` for household appliances (CCC, IECEE-CB, HOUS, IEC 60335
    family, GB 4706.1-2005). `cqc` rotated its first key on 2024-01-01."""

    def __init__(self) -> None:
        self.ab = Party("cnas", "China National Accreditation Service", ("accreditation-body",),
                        [("key-1", seed("cnas-1"), None)], ("IAF MLA", "ILAC MRA"))
        self.cb = Party("cqc", "China Quality Certification Centre", ("certification-body",),
                        [("key-1", seed("cqc-1"), RETIRED_AT), ("key-2", seed("cqc-2"), None)])
        self.stranger = Party("nobody", "Unregistered Certification Ltd",
                              ("certification-body",), [("key-1", seed("nobody-1"), None)])
        self.revocation = status_list.new()
        self.suspension = status_list.new()
        self.revocation_url = f"{BASE}/status/cqc/revocation/1"
        self.suspension_url = f"{BASE}/status/cqc/suspension/2"
        self.scope = AccreditedScope.from_scope(
            "CNAS-C001", "active", dt.date(2015, 1, 1), dt.date(2035, 1, 1),
            {"schemes": ["CCC", "IECEE-CB"], "categories": ["HOUS"],
             "standards": ["IEC 60335-1", "IEC 60335-2-*", "GB 4706.1-2005"]}, self.ab.did)
        self.log_signer = Signer("certpass.example/log", hashlib.sha256(b"log").digest())
        self.log: dict[str, Any] | None = {"origin": self.log_signer.name,
                                           "vkey": self.log_signer.verifier.vkey,
                                           "checkpoint": None}
        # number → [(unsigned credential, logged at, changes, note)]: the register
        self.issues: dict[str, list[tuple[dict[str, Any], dt.datetime, tuple[str, ...], str]]] \
            = {}
        self.issue(self.unsigned())  # certificate 2024010701000001, issue 0

    # --- the register -----------------------------------------------------------------

    def issue(self, unsigned: dict[str, Any], logged_at: dt.datetime = LOGGED_AT,
              changes: tuple[str, ...] = (), note: str = "") -> None:
        """Register (and log) `unsigned` as the next issue of its certificate."""
        number = dcc.read_dcc(unsigned).certificate_number
        self.issues.setdefault(number, []).append((unsigned, logged_at, changes, note))

    def register(self) -> list[RegisteredCertificate]:
        out, index = [], 0
        for number, issues in self.issues.items():
            records = []
            for n, (unsigned, logged_at, changes, note) in enumerate(issues):
                signed = canonicalize(self.sign(unsigned))
                records.append(IssueRecord(n, hashlib.sha256(signed).hexdigest(),
                                           content_sha256(unsigned), index, logged_at,
                                           changes, note))
                index += 1
            out.append(RegisteredCertificate(number, tuple(records)))
        return out

    # --- credentials ------------------------------------------------------------------

    def attestation(self, index: int = 7, **overrides: Any) -> dcc.AttestationInput:
        scheme = dcc.Scheme(id="urn:certpass:scheme:CCC", code="CCC",
                            name="China Compulsory Certification",
                            owner=dcc.Party("https://www.cnca.gov.cn", "CNCA"),
                            valid_from=dt.date(2020, 1, 1))
        values: dict[str, Any] = dict(
            credential_id=f"{BASE}/credentials/2024010701000001/0",
            certificate_url=f"{BASE}/certificates/2024010701000001/issues/0",
            certificate_number="2024010701000001", issue_number=0, scheme=scheme,
            issuer=dcc.Party(self.cb.did, self.cb.name),
            standards=("GB 4706.1-2005", "IEC 60335-2-15:2016"),
            products=(dcc.Product("Electric kettle", models=("EK-17",), trademark="Exemplar",
                                  hs_code="8516.79"),),
            valid_from=dt.datetime(2024, 3, 1, tzinfo=UTC),
            valid_until=dt.datetime(2029, 3, 1, tzinfo=UTC),
            status=(dcc.StatusRef(self.revocation_url, index, "revocation"),
                    dcc.StatusRef(self.suspension_url, index, "suspension")),
        )
        values.update(overrides)
        return attestation(**values)

    def unsigned(self, **overrides: Any) -> dict[str, Any]:
        return dcc.build_dcc(self.attestation(**overrides))

    def sign(self, document: dict[str, Any], *, suite: str = proofs.JCS,
             signer: Party | None = None, key_index: int = -1,
             created: dt.datetime | str = dt.datetime(2024, 3, 1, 8, tzinfo=UTC)
             ) -> dict[str, Any]:
        signer = signer or self.cb
        return proofs.sign(document, signer.key(key_index), signer.vm(key_index), suite, created)

    def credential(self, suite: str = proofs.JCS, **overrides: Any) -> dict[str, Any]:
        return self.sign(self.unsigned(**overrides), suite=suite)

    def jwt(self, **overrides: Any) -> str:
        return jose.sign(self.unsigned(**overrides), self.cb.key(), self.cb.vm())

    # --- trust ------------------------------------------------------------------------

    def accreditation(self, scope: AccreditedScope | None = None,
                      since: dt.date | dt.datetime | None = None) -> dict[str, Any]:
        if since is not None and not isinstance(since, dt.datetime):  # a day: its first instant
            since = dt.datetime(since.year, since.month, since.day, tzinfo=UTC)
        facts = AccreditationFacts("CNAS-C001", self.ab.did, self.cb.did, "ISO/IEC 17065",
                                   scope or self.scope, since)
        unsigned = build_accreditation_credential(facts, accreditor_name=self.ab.name,
                                                  body_name=self.cb.name, base_url=BASE)
        return sign_accreditation_credential(unsigned, self.ab.key(), self.ab.vm(),
                                             dt.datetime(2015, 1, 1, tzinfo=UTC))

    def status_credential(self, url: str, purpose: str, bits: bytes) -> dict[str, Any]:
        unsigned = status_list.status_list_credential(
            credential_id=url, issuer=self.cb.did, status_purpose=purpose,
            encoded_list=status_list.encode(bits), valid_from="2024-03-01T00:00:00Z")
        return self.sign(unsigned)

    def bundle(self, accreditations: list[dict[str, Any]] | None = None,
               register: bool = True) -> dict[str, Any]:
        return assemble_bundle(
            created=dt.datetime(2024, 6, 1, tzinfo=UTC),
            anchors=[self.ab.info()],
            anchor_keys={self.ab.did: [KeyInfo(self.ab.vm(), self.ab.did,
                                               self.ab.key().public_key)]},
            bodies=[self.ab.info(), self.cb.info()],
            did_documents={self.ab.did: self.ab.did_document(),
                           self.cb.did: self.cb.did_document()},
            accreditations=accreditations if accreditations is not None
            else [self.accreditation()],
            status_lists=[
                self.status_credential(self.revocation_url, "revocation", self.revocation),
                self.status_credential(self.suspension_url, "suspension", self.suspension),
            ],
            log=self.log,
            register=signed_register(self.register(), self.log_signer) if register else None,
            key_dates=self.ab.key_dates() | self.cb.key_dates(),
        )

    def trust(self, **kw: Any) -> BundleTrust:
        return BundleTrust.from_dict(self.bundle(**kw))


def out_of_scope(world: World) -> dict[str, Any]:
    """A CCC certificate for explosion-proof equipment (IEC 60079-0) from a body accredited
    only for household appliances, signed with that body's genuine current key."""
    return world.credential(
        standards=("IEC 60079-0:2017",),
        products=(dcc.Product("Flameproof motor", models=("YBX3-90",), hs_code="8501.52"),),
    )


__all__ = ["World", "out_of_scope", "replace"]
