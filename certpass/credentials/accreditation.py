"""Accreditation credentials: the AB → CB link of the trust chain, signed by the AB.

An accreditation body signs, with its own key, one UNTP Digital Identity Anchor per
accreditation (registerType Accreditation; the accredited scope as URIs in
registrationScopeList). A verifier holding only the trusted AB keys can then check that the
issuer of a certificate was accredited for it, offline.

Credentials are produced on demand, deterministically: the same accreditation row and last
change give the same bytes (Ed25519 and JCS are deterministic), so nothing needs storing.

Status is carried in the scope list as two URIs, `urn:certpass:accreditation-status:<s>` and
`urn:certpass:accreditation-status-since:<date>`, because the DIA 0.6.1 schema has no status
field and anything outside the signed document could be altered: a suspension after a
certificate's issue date does not make that certificate unauthorised.

The same accreditation in UNTP 0.7.0 (`in_untp_version`, dia070) is signed by the same key
with the same cryptosuite and proof `created`; 0.6.1 stays the form served by default and
the one the bundle carries. `parse_accreditation_credential` reads either form.

Pure: no I/O. The caller supplies the row's facts (`AccreditationFacts`) and the AB's key.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final
from urllib.parse import quote, unquote

from certpass.certificates.lifecycle import AccreditedScope
from certpass.credentials import dia070, proofs
from certpass.credentials.dcc import Party
from certpass.credentials.dia import AccreditationInput, build_dia, scope_uri
from certpass.credentials.multikey import Ed25519KeyPair
from certpass.errors import InvalidInput

_PREFIX = "urn:certpass:"
SCOPE_KINDS = {"scheme": "schemes", "category": "categories", "standard": "standards"}


@dataclass(frozen=True)
class AccreditationFacts:
    """What a verifier needs to know about one accreditation, however it learnt it."""

    number: str
    accreditor_did: str  # the accreditation body
    body_did: str  # the accredited body
    standard: str  # ISO/IEC 17065 or ISO/IEC 17025
    scope: AccreditedScope
    status_since: dt.datetime | None = None  # the instant `scope.status` took effect (UTC)

    def status_on(self, at: dt.datetime) -> str:
        """The accreditation's status at the instant `at`: a change takes effect at its own
        instant, so a suspension at 15:00 does not reach back to a certificate issued at
        10:00 the same day, and reaches one issued at 15:01."""
        if self.scope.status != "active" and self.status_since and at < self.status_since:
            return "active"
        return self.scope.status

    def scope_on(self, at: dt.datetime) -> AccreditedScope:
        s = self.scope
        status = self.status_on(at)
        if status == s.status:
            return s
        return AccreditedScope(s.number, status, s.valid_from, s.valid_until,
                               s.schemes, s.categories, s.standards, s.accreditor)


def status_instant(value: str) -> dt.datetime:
    """An `accreditation-status-since` value: an instant (``2026-12-02T15:00:00+00:00``); a
    bare date (older credentials) is its first instant, UTC."""
    at = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)


def credential_id(base_url: str, number: str) -> str:
    return f"{base_url.rstrip('/')}/accreditations/{quote(number, safe='')}"


def build_accreditation_credential(
    facts: AccreditationFacts,
    *,
    accreditor_name: str,
    body_name: str,
    base_url: str,
) -> dict[str, Any]:
    """The unsigned DIA of one accreditation."""
    s = facts.scope
    scope = [scope_uri(kind, v) for kind, attr in SCOPE_KINDS.items()
             for v in sorted(getattr(s, attr))]
    scope.append(scope_uri("accreditation-status", s.status))
    if facts.status_since:
        since = facts.status_since.astimezone(dt.UTC)
        scope.append(scope_uri("accreditation-status-since",
                               since.isoformat().replace("+00:00", "Z")))
    return build_dia(AccreditationInput(
        credential_id=credential_id(base_url, facts.number),
        accreditation_body=Party(facts.accreditor_did, accreditor_name),
        accredited_body=Party(facts.body_did, body_name),
        number=facts.number,
        register_url=f"{base_url.rstrip('/')}/accreditations",
        register_name=f"{accreditor_name} register of accreditations",
        scope=tuple(scope),
        valid_from=_midnight(s.valid_from),
        # valid through its last day
        valid_until=_midnight(s.valid_until + dt.timedelta(days=1)),
        accreditation_standard=facts.standard,
    ))


def sign_accreditation_credential(
    unsigned: Mapping[str, Any], key: Ed25519KeyPair, verification_method: str,
    created: dt.datetime,
) -> dict[str, Any]:
    """Sign with eddsa-jcs-2022; `created` is the accreditation's last change (determinism)."""
    return proofs.sign(unsigned, key, verification_method, proofs.JCS, created)


# The form the trust bundle carries and the verifier's status check reads, and the form served
# by default (the same accreditation in 0.7.0, registerType accreditation, same key and proof).
UNTP_STORED: Final = "0.6.1"
UNTP_SERVED: Final = "0.7.0"  # dia070.VERSION
UNTP_VERSIONS = (UNTP_STORED, UNTP_SERVED)


def in_untp_version(signed: Mapping[str, Any], key: Ed25519KeyPair, verification_method: str,
                    untp: str) -> dict[str, Any]:
    """A signed (0.6.1) accreditation DIA in the UNTP version asked for: the 0.7.0 form is
    signed by `key` (`verification_method`, the AB key that made `signed`'s proof) with the
    same cryptosuite and `created`; 0.6.1 is `signed` itself."""
    if untp == UNTP_STORED:
        return dict(signed)
    if untp != dia070.VERSION:
        raise InvalidInput(f"unknown UNTP version {untp!r}",
                           hint=f"use one of {', '.join(UNTP_VERSIONS)}")
    proof = signed["proof"]
    if proof["verificationMethod"] != verification_method:
        raise InvalidInput(f"the accreditation credential was signed by "
                           f"{proof['verificationMethod']}, not {verification_method}",
                           hint="sign the 0.7.0 form with the key that signed the 0.6.1 one")
    return proofs.sign(dia070.from_061(signed), key, verification_method,
                       proof["cryptosuite"], proof["created"])


def parse_accreditation_credential(credential: Mapping[str, Any]) -> AccreditationFacts:
    """Read the facts back out of a (verified) accreditation DIA, UNTP 0.6.1 or exactly the
    0.7.0 form of one (dia070.read_070); InvalidInput if it is not one."""
    if dia070.is_070(credential):
        credential = dia070.read_070(credential)
    try:
        subject = credential["credentialSubject"]
        issuer = credential["issuer"]
        issuer_did = issuer["id"] if isinstance(issuer, dict) else issuer
        if subject.get("registerType") != "Accreditation":
            raise InvalidInput("not an accreditation credential (registerType)")
        number = subject["registeredId"]
        values: dict[str, list[str]] = {k: [] for k in SCOPE_KINDS.values()}
        standard, status, since = "", "", None
        for uri in subject["registrationScopeList"]:
            if not isinstance(uri, str) or not uri.startswith(_PREFIX):
                continue
            kind, _, value = uri[len(_PREFIX):].partition(":")
            kind, value = unquote(kind), unquote(value)
            if kind in SCOPE_KINDS:
                values[SCOPE_KINDS[kind]].append(value)
            elif kind == "accreditation-standard":
                standard = value
            elif kind == "accreditation-status":
                status = value
            elif kind == "accreditation-status-since":
                since = status_instant(value)
        valid_from = dt.datetime.fromisoformat(credential["validFrom"]).date()
        until = credential.get("validUntil")
        valid_until = (dt.datetime.fromisoformat(until) - dt.timedelta(days=1)).date() \
            if until else dt.date.max
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise InvalidInput(f"malformed accreditation credential: {exc!r}") from None
    if not status:
        raise InvalidInput(f"accreditation credential {number} states no status")
    return AccreditationFacts(
        number=number, accreditor_did=issuer_did, body_did=subject["id"], standard=standard,
        scope=AccreditedScope.from_scope(number, status, valid_from, valid_until, values,
                                         issuer_did),
        status_since=since,
    )
