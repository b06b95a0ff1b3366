"""The verifier: one library behind every front end (CLI, JSON API, VC-API, web page).

`verify(data, trust)` takes a JSON-LD credential (eddsa-jcs-2022 or eddsa-rdfc-2022 proof),
a compact VC-JOSE JWT, an EnvelopedVerifiableCredential, or `{"credential": ...,
"receipt": "..."}`, and runs these checks in order, each reported as {name, ok, detail}
(ok None = not applicable or not reached):

  format     parses; VC 2.0 and (for a DCC) UNTP DCC 0.6.1 or 0.7.0 schemas (a 0.7.0 DCC
             must be exactly the 0.7.0 form of a 0.6.1 issue: dcc070.read_070; for a DIA
             UNTP DIA 0.6.1 or 0.7.0, exactly the form of a 0.6.1 one: dia070.read_070); the VC 2.0
             data model (vc_model); JSON-LD expansion in safe mode (nothing dropped, no
             processor error) whatever the proof
  integrity  the proof or JWS verifies
  issuer     issuer DID and key known; the key was the issuer's when it signed
  authority  a trusted accreditation body accredited the issuer, on the issue date, for
             the scheme, category and every standard edition
  status     revocation and suspension bits
  validity   validFrom / validUntil against the date asked about
  log        the C2SP tlog-proof receipt, when one comes with the credential

and gives one verdict (precedence in VERDICTS, first wins).

A signature made with a retired key after its retirement (proof `created` ≥ `expires`) is
`unknown-issuer`, not `tampered`: the bytes are exactly what that key signed, but the key
no longer spoke for the issuer then. A revoked (compromised) key is refused the same way.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any
from urllib.parse import unquote

import rfc8785

from certpass.certificates.lifecycle import check_scope
from certpass.credentials import dcc, dcc070, dia070, jose, jsonld_safe, proofs, schemas, vc_model
from certpass.credentials.documents import VC_V2, DocumentNotAvailable, offline_loader
from certpass.credentials.trust_source import (
    IssueRecord,
    RegisteredCertificate,
    TrustSource,
    content_sha256,
)
from certpass.errors import CertpassError, NotAccredited, OutOfScope
from certpass.jcs import canonicalize, canonicalize_unchecked
from certpass.ledger.errors import InvalidNote, InvalidProof
from certpass.ledger.receipt import parse_receipt, verify_receipt

VERDICTS = ("malformed", "tampered", "unknown-issuer", "unauthorised-issuer", "unregistered",
            "revoked", "suspended", "superseded", "expired", "not-yet-valid", "valid")
NOT_FOUND = "not-found"
NO_MATCH = "no-match"  # a number and a hash (the QR code) that no registered issue has
# A number several issuers hold, asked for without the issuer or a hash that tells them apart.
AMBIGUOUS = "ambiguous"
CHECKS = ("format", "integrity", "register", "issuer", "authority", "status", "validity",
          "log")
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
# What a reader of the verdict should take away; never the same words for two verdicts.
MESSAGES = {
    "valid": "Genuine: the current registered and logged issue, from an accredited body "
             "within its scope, and in force.",
    "malformed": "This is not a readable certificate credential.",
    "tampered": "This credential was altered after it was signed: do not rely on it.",
    "unknown-issuer": "The signer is not a known issuing body (or its key did not speak for "
                      "it at signing time).",
    "unauthorised-issuer": "The issuing body is real but was not accredited for this "
                           "certificate's scheme, category or standards on its issue date.",
    "revoked": "The issuing body has withdrawn (revoked) this certificate.",
    "suspended": "The issuing body has suspended this certificate for now.",
    "expired": "This certificate was genuine but has expired.",
    "not-yet-valid": "This certificate is genuine but not valid yet.",
    "unregistered": "Signed with a known body's key, but the register holds no such issue: "
                    "it was never registered or logged, so nobody can revoke it. Do not rely "
                    "on it.",
    "superseded": "Genuine, but an earlier issue: the certificate was amended since. Only "
                  "the current issue counts.",
    "not-found": "No certificate with this number is registered here.",
    "no-match": "This paper does not match the register: no issue of this certificate has "
                "the hash it carries.",
    "ambiguous": "Several certification bodies have registered this number: name the issuer, "
                 "or give the hash the QR code carries.",
}


@dataclass(slots=True)
class Check:
    name: str
    ok: bool | None
    detail: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "ok": self.ok, "detail": self.detail}


@dataclass
class VerificationResult:
    verdict: str
    checks: list[Check]
    certificate: dict[str, Any] | None = None
    credential: dict[str, Any] | None = field(default=None, repr=False)
    status_as_of: str | None = None  # offline: when the trust source's status was taken
    # The DCC as dcc.read_dcc reads it: the credential, or the 0.6.1 issue a UNTP 0.7.0
    # credential is the form of (what the register, the status and recognition read); for
    # a UNTP 0.7.0 DIA, the 0.6.1 DIA it is the form of (what the status check reads).
    registered_form: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def readable(self) -> dict[str, Any] | None:
        """The credential in the form dcc.read_dcc reads (see registered_form)."""
        return self.registered_form if self.registered_form is not None else self.credential

    @property
    def valid(self) -> bool:
        return self.verdict == "valid"

    @property
    def message(self) -> str:
        return MESSAGES[self.verdict]

    def warnings(self) -> list[str]:
        """What a VC-API answer lists as warnings for this result when its verdict does not
        make it unverified (see FAILING verdicts in web/api/verify.py and presentation.py):
        the failed checks of a verdict other than `valid` (e.g. `unauthorised-issuer`), or
        for a `valid` one the status checks that could not be made (a status mechanism
        certpass does not read: verified, but its status unknown)."""
        if self.verdict != "valid":
            return [f"{c.name}: {c.detail}" for c in self.checks if c.ok is False]
        if "credentialStatus" in (self.readable or {}):  # the JWT's payload, if enveloped
            return [f"{c.name}: {c.detail}" for c in self.checks
                    if c.name == "status" and c.ok is None]
        return []

    @property
    def claims_only(self) -> bool:
        """Whether the certificate facts are only what the document claims (nothing the
        register or a signature vouches for): readers must label them as claims."""
        return self.verdict in ("malformed", "tampered", "unknown-issuer", "unregistered")

    def to_json(self) -> dict[str, Any]:
        out = {"verdict": self.verdict, "message": self.message,
               "checks": [c.to_json() for c in self.checks], "certificate": self.certificate,
               "claims_only": self.claims_only}
        if self.status_as_of is not None:
            out["status_as_of"] = self.status_as_of
        return out


class _Stop(Exception):
    """A check failed so that later checks cannot be trusted."""


class _Run:
    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.failures: list[str] = []

    def ok(self, name: str, detail: str) -> None:
        self.checks.append(Check(name, True, detail))

    def skip(self, name: str, detail: str) -> None:
        self.checks.append(Check(name, None, detail))

    def fail(self, name: str, verdict: str, detail: str, *, stop: bool = False) -> None:
        self.checks.append(Check(name, False, detail))
        self.failures.append(verdict)
        if stop:
            raise _Stop

    def verdict(self) -> str:
        return min(self.failures, key=VERDICTS.index) if self.failures else "valid"

    def finish(self) -> list[Check]:
        """Every check once, in CHECKS order (those never reached said so)."""
        by_name: dict[str, list[Check]] = {}
        for c in self.checks:
            by_name.setdefault(c.name, []).append(c)
        return [c for name in CHECKS for c in by_name.get(name)
                or [Check(name, None, "not checked: an earlier check failed")]]


@dataclass
class _Input:
    credential: dict[str, Any]
    jwt: str | None = None
    receipt: str | None = None
    entry: bytes | None = None
    dcc: dcc.Claims | None = None  # what a conformity credential says (dcc.read_claims)
    registered_form: dict[str, Any] | None = None  # a 0.7.0 DCC's or DIA's 0.6.1 form
    content_sha256: str | None = None  # of the credential without its proof, once known
    content_digest: bytes | None = None  # the same, as bytes, from its unchecked JCS form


@cache
def _loader() -> Any:
    return offline_loader()


# --- public API -------------------------------------------------------------------------


def verify(data: bytes | str | Mapping[str, Any], trust: TrustSource, *,
           on: dt.date | None = None) -> VerificationResult:
    run = _Run()
    inp: _Input | None = None
    registered: _Registered | None = None
    try:
        inp = _parse(data, run)
        _check_format(inp, trust, run)
        proof_times = _check_integrity(inp, trust, run)
        registered = _check_register(inp, trust, run)
        issuer_did = _check_issuer(inp, trust, proof_times, registered, run)
        _check_authority(inp, issuer_did, trust, run, _issued_at(inp, registered, proof_times))
        _check_status(_readable(inp), issuer_did, trust, run, conformity=inp.dcc is not None)
        _check_validity(inp.credential, on, run)
        _check_log(inp, registered, trust, run)
    except _Stop:
        pass
    verdict = run.verdict()
    credential = inp.credential if inp else None
    return VerificationResult(verdict, run.finish(), _summary(inp, registered, verdict),
                              credential, trust.status_as_of(),
                              inp.registered_form if inp else None)


def _readable(inp: _Input) -> dict[str, Any]:
    return inp.registered_form if inp.registered_form is not None else inp.credential


def verify_number(number: str, trust: TrustSource, *, on: dt.date | None = None,
                  sha256: str | None = None, issuer: str | None = None) -> VerificationResult:
    """Look a certificate up by number (and issuer: numbers are unique per issuer) and verify
    its signed credential: the current issue's, or, given the `sha256` a QR code carries, the
    issue with that hash (an earlier one verifies `superseded`; a hash no issue has is
    `no-match`). A number several issuers hold needs the issuer or the hash (`ambiguous`)."""
    entries = [r for r in trust.registers(number) if issuer is None or r.issued_by(issuer)]
    of = f" of {issuer}" if issuer else ""
    wanted = sha256.strip().lower().removeprefix("sha256:") if sha256 is not None else None
    issue: int | None = None
    found = ""
    if wanted is not None and entries:
        hits = [(r, i) for r in entries if (i := r.by_sha256(wanted)) is not None]
        if not hits:
            issues = "; ".join(", ".join(str(i.issue) for i in r.issues) for r in entries)
            return VerificationResult(NO_MATCH, [Check(
                "lookup", False,
                f"certificate {number}{of} is registered, but none of its issues ({issues}) "
                f"has the hash {wanted!r}: this paper does not match the register")],
                {"number": number, "status": None})
        entries = [hits[0][0]]
        issue = hits[0][1].issue
        found = f"; the hash is that of issue {issue}"
    if len(entries) > 1:
        bodies = ", ".join(r.issuer for r in entries)
        return VerificationResult(AMBIGUOUS, [Check(
            "lookup", False,
            f"certificate number {number} is registered by {len(entries)} bodies ({bodies}): "
            "name the issuer, or scan the QR code, whose hash tells them apart")],
            {"number": number, "status": None, "issuers": [r.issuer for r in entries]})
    entry = entries[0] if entries else None
    record_doc = trust.credential(number, entry.issuer, issue) \
        if entry is not None and entry.issuer else None
    if entry is None or record_doc is None or record_doc.document is None:
        if record_doc is not None:
            detail = f"certificate {number}{of} is registered but has no signed credential"
        elif entry is not None:
            detail = (f"certificate {number}{of} is registered (issue {entry.current.issue} "
                      "is current), but this trust source holds no credentials: verify the "
                      "credential file itself")
        else:
            detail = (f"no certificate numbered {number!r}{of} is registered with this trust "
                      "source")
        return VerificationResult(NOT_FOUND, [Check("lookup", False, detail)],
                                  {"number": number, "status": None})
    result = verify(record_doc.document, trust, on=on)
    result.checks.insert(0, Check("lookup", True,
                                  f"certificate {number} of {entry.issuer} is registered{found}"))
    return result


def _register_entry(trust: TrustSource, number: str, credential: Mapping[str, Any]
                    ) -> RegisteredCertificate | None:
    """The register's entry for `number` as the credential's own issuer registered it: a
    number another body holds says nothing about this credential."""
    did = _issuer_did(credential)
    body = trust.body(did) if did else None
    return next((r for r in trust.registers(number) if r.issued_by(body.id if body else None)),
                None)


# --- parsing ----------------------------------------------------------------------------


def _parse(data: Any, run: _Run) -> _Input:
    if isinstance(data, bytes | bytearray):
        try:
            data = bytes(data).decode("utf-8")
        except UnicodeDecodeError:
            run.fail("format", "malformed", "not UTF-8 text: neither JSON nor a JWT", stop=True)
    if isinstance(data, str):
        text = data.strip().lstrip("\ufeff")
        if _JWT.match(text):
            return _from_jwt(text, run)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            run.fail("format", "malformed", f"neither JSON nor a compact JWT ({exc.msg} at "
                     f"line {exc.lineno} column {exc.colno})", stop=True)
    if not isinstance(data, Mapping):
        run.fail("format", "malformed", "a credential is a JSON object", stop=True)
    data = dict(data)
    receipt, entry = None, None
    if "credential" in data and set(data) <= {"credential", "receipt", "entry"}:
        receipt, entry = data.get("receipt"), data.get("entry")
        if receipt is not None and not isinstance(receipt, str):
            run.fail("format", "malformed", "receipt must be a C2SP tlog-proof text", stop=True)
        if entry is not None and not isinstance(entry, str):
            run.fail("format", "malformed", "entry must be the log entry's JSON text", stop=True)
        inner = _parse(data["credential"], run)
        inner.receipt = receipt
        inner.entry = entry.encode("utf-8") if entry is not None else None
        return inner
    types = data.get("type")
    if types == "EnvelopedVerifiableCredential" or (
            isinstance(types, list) and "EnvelopedVerifiableCredential" in types):
        try:
            return _from_jwt(jose.unwrap(data), run)
        except jose.JoseFailure as exc:
            run.fail("format", "malformed", exc.message, stop=True)
    return _Input(data)


def _from_jwt(token: str, run: _Run) -> _Input:
    try:
        credential = jose.unverified_payload(token)
    except jose.JoseFailure as exc:  # not three parts, not base64url, not JSON
        run.fail("format", "malformed", f"the JWT is not a JSON credential ({exc.message})",
                 stop=True)
    if not isinstance(credential, dict):
        run.fail("format", "malformed", "the JWT payload must be a JSON object", stop=True)
    return _Input(credential, jwt=token)


# --- checks -----------------------------------------------------------------------------


def _types(credential: Mapping[str, Any]) -> list[str]:
    t = credential.get("type")
    return t if isinstance(t, list) else ([t] if isinstance(t, str) else [])


def _check_format(inp: _Input, trust: TrustSource, run: _Run) -> None:
    c = inp.credential
    context = c.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_V2:
        run.fail("format", "malformed",
                 f"not a W3C Verifiable Credential 2.0: @context must start with {VC_V2}",
                 stop=True)
    types = _types(c)
    if "VerifiableCredential" not in types:
        run.fail("format", "malformed", "type must include VerifiableCredential", stop=True)
    if inp.jwt is not None and "proof" in c:
        run.fail("format", "malformed", "a VC-JOSE payload must not carry a proof", stop=True)
    document = {k: v for k, v in c.items() if k != "proof"}
    untp_070 = dcc070.is_070(c)
    if "DigitalConformityCredential" in types and not untp_070 \
            and _registered_issue_fast_path(inp, document, trust):
        run.ok("format", "DigitalConformityCredential"
               f" ({'VC-JOSE JWT' if inp.jwt else 'JSON-LD'}) is a registered issue byte for byte:"
               " its VC 2.0 and UNTP DCC 0.6.1 schemas,"
               " data model and JSON-LD were checked when the register issued it")
        return
    if "DigitalConformityCredential" in types and untp_070:
        errors, what = (schemas.errors_against(document, schemas.UNTP_DCC_070),
                        "VC 2.0 and UNTP DCC 0.7.0")
    elif "DigitalConformityCredential" in types:
        errors, what = (schemas.errors_against(document, schemas.UNTP_DCC),
                        "VC 2.0 and UNTP DCC 0.6.1")
    elif "DigitalIdentityAnchor" in types and untp_070:
        errors, what = (schemas.errors_against(document, schemas.UNTP_DIA_070),
                        "VC 2.0 and UNTP DIA 0.7.0")
    elif "DigitalIdentityAnchor" in types:
        errors, what = (schemas.errors_against(document, schemas.UNTP_DIA),
                        "VC 2.0 and UNTP DIA 0.6.1")
    else:
        errors, what = schemas.errors_against(document, None), "VC 2.0"
    if errors:
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        run.fail("format", "malformed",
                 f"does not meet the {what} schemas: " + "; ".join(errors[:3]) + more,
                 stop=True)
    try:
        digest = hashlib.sha256(canonicalize_unchecked(document)).digest()
    except (rfc8785.CanonicalizationError, ValueError, TypeError) as exc:
        # e.g. an integer beyond ±2^53: no signer could have canonicalized it either.
        run.fail("format", "malformed", f"the credential has no canonical form: {exc}",
                 stop=True)
        raise  # not reached: the failure stops the run
    inp.content_digest, inp.content_sha256 = digest, digest.hex()
    # Content byte-identical to a registered issue took the fast path above; anything else
    # gets the data-model checks before its claims are read.
    _check_data_model(c, run)
    if "DigitalConformityCredential" in types:
        _read_claims(inp, what, run)
    elif "DigitalIdentityAnchor" in types and untp_070:
        _read_dia_070(inp, what, run)
    run.ok("format", f"{' '.join(str(t) for t in types if t != 'VerifiableCredential') or 'VC'}"
           f" ({'VC-JOSE JWT' if inp.jwt else 'JSON-LD'}) meets the {what} schemas, the VC 2.0"
           " data model and JSON-LD safe mode")


def _registered_issue_fast_path(inp: _Input, document: Mapping[str, Any],
                                trust: TrustSource) -> bool:
    """Whether this content is a registered issue's byte for byte, found before any schema
    runs: the register checked that content (schemas, data model, safe mode) when it built
    and issued it. Anything that cannot be read this way takes the full path, which explains
    what is wrong with it."""
    try:
        digest = hashlib.sha256(canonicalize_unchecked(document)).digest()
        inp.dcc = dcc.read_claims(_readable(inp))
    except Exception:  # hostile content: the full path below reports what is wrong
        inp.dcc = None
        return False
    inp.content_digest, inp.content_sha256 = digest, digest.hex()
    if _issued_by_the_register(inp, trust):
        return True
    inp.dcc = None
    inp.content_digest = inp.content_sha256 = None
    return False


def _read_claims(inp: _Input, what: str, run: _Run) -> None:
    try:
        if dcc070.is_070(inp.credential):
            inp.registered_form = dcc070.read_070(inp.credential)
        inp.dcc = dcc.read_claims(_readable(inp))
    except dcc.NotADcc as exc:
        run.fail("format", "malformed", f"meets the {what} schemas, but {exc.message}",
                 stop=True)


def _read_dia_070(inp: _Input, what: str, run: _Run) -> None:
    """A 0.7.0 DIA is read (status, summary) as the 0.6.1 DIA it is exactly the form of."""
    try:
        inp.registered_form = dia070.read_070(inp.credential)
    except dia070.NotA070Dia as exc:
        run.fail("format", "malformed", f"meets the {what} schemas, but {exc.message}",
                 stop=True)


def _issued_by_the_register(inp: _Input, trust: TrustSource) -> bool:
    """Whether this content (without its proof) is a registered issue's, byte for byte."""
    if inp.dcc is None or inp.registered_form is not None or inp.content_sha256 is None:
        return False
    certificate = _register_entry(trust, inp.dcc.number, inp.credential)
    return certificate is not None and certificate.by_content(inp.content_sha256) is not None


def _check_data_model(c: Mapping[str, Any], run: _Run) -> None:
    found = vc_model.problems(c)
    if found:
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        run.fail("format", "malformed", "breaks the VC 2.0 data model: "
                 + "; ".join(found[:3]) + more, stop=True)
    try:
        jsonld_safe.check(c)
    except jsonld_safe.InvalidJsonLd as exc:
        run.fail("format", "malformed", exc.message, stop=True)




def _check_integrity(inp: _Input, trust: TrustSource, run: _Run) -> list[tuple[str, str | None]]:
    """[(verification method, proof created)] of every proof that verified."""
    known: dict[str, bool] = {}

    def resolve(vm: str) -> bytes | None:
        k = trust.key(vm)
        known[vm] = k is not None
        return k.public_key if k is not None else None

    if inp.jwt is not None:
        try:
            token = jose.verify(inp.jwt, resolve)
        except jose.UnknownJoseKey as exc:
            run.skip("integrity", f"cannot be checked: {exc.message}")
            run.fail("issuer", "unknown-issuer", exc.message, stop=True)
        except jose.BadJoseSignature as exc:
            run.fail("integrity", "tampered", exc.message, stop=True)
        except jose.JoseFailure as exc:
            run.fail("integrity", "malformed", exc.message, stop=True)
        kid = token.header["kid"]
        run.ok("integrity", f"VC-JOSE EdDSA signature by {kid} verifies")
        return [(kid, None)]
    try:
        verified = proofs.verify(inp.credential, resolve, document_loader=_loader(),
                                 unsecured_sha256=inp.content_digest)
    except proofs.UnknownKey as exc:
        run.skip("integrity", f"cannot be checked: {exc.message}")
        run.fail("issuer", "unknown-issuer", exc.message, stop=True)
    except (proofs.BadSignature, proofs.CanonicalizationFailed) as exc:
        run.fail("integrity", "tampered", exc.message, stop=True)
    except proofs.ProofFailure as exc:
        run.fail("integrity", "malformed", exc.message, stop=True)
    except DocumentNotAvailable as exc:
        run.fail("integrity", "malformed", exc.message, stop=True)
    except (rfc8785.CanonicalizationError, ValueError, TypeError) as exc:
        # e.g. an integer beyond ±2^53: no signer could have canonicalized it either.
        run.fail("integrity", "malformed", f"the credential has no canonical form: {exc}",
                 stop=True)
    inp.content_sha256 = next((p.document_sha256 for p in verified if p.document_sha256), None)
    suites = ", ".join(sorted({p.cryptosuite for p in verified}))
    run.ok("integrity", f"{len(verified)} Data Integrity proof(s) ({suites}) verify")
    return [(p.verification_method, p.created) for p in verified]


@dataclass(frozen=True)
class _Registered:
    """The register's entry for a conformity credential's number, and the issue that is
    this very credential (None: none of them is)."""

    certificate: RegisteredCertificate
    issue: IssueRecord | None


def _check_register(inp: _Input, trust: TrustSource, run: _Run) -> _Registered | None:
    if inp.dcc is None:
        run.skip("register", "not a conformity credential: no certificate register entry "
                             "applies")
        return None
    number = inp.dcc.number
    certificate = _register_entry(trust, number, inp.credential)
    if certificate is None:
        run.fail("register", "unregistered",
                 f"no certificate numbered {number!r} is in the register of this trust source"
                 + (f" (as of {trust.status_as_of()}: a bundle exported before its issue does "
                    "not know it)" if trust.status_as_of() else "")
                 + ": this credential was never issued through the register")
        return None
    record = certificate.by_content(
        content_sha256(inp.registered_form) if inp.registered_form is not None
        else inp.content_sha256 or content_sha256(inp.credential))
    current = certificate.current
    if record is None:
        run.fail("register", "unregistered",
                 f"certificate {number} is registered, but none of its "
                 f"{len(certificate.issues)} issue(s) is this credential: it was signed "
                 "outside the register (not logged, no status of its own)")
    elif record.issue != current.issue:
        changes = [c for i in certificate.newer(record) for c in i.changes]
        run.fail("register", "superseded",
                 f"issue {record.issue} of certificate {number} was superseded by issue "
                 f"{current.issue}, the current one"
                 + (f"; what changed: {'; '.join(changes)}" if changes else "")
                 + (f" (reason given: {current.note})" if current.note else ""))
    else:
        run.ok("register", f"issue {record.issue} of certificate {number}, its current "
                           "registered issue")
    return _Registered(certificate, record)


def _issuer_did(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return value if isinstance(value, str) else None


def _when(value: Any) -> dt.datetime | None:
    return _parse_when(value) if isinstance(value, str) else None


@lru_cache(maxsize=4096)  # a verifier sees the same few dates (issue, expiry) again and again
def _parse_when(value: str) -> dt.datetime | None:
    try:
        out = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return out if out.tzinfo else out.replace(tzinfo=dt.UTC)


def _check_issuer(inp: _Input, trust: TrustSource, proof_times: list[tuple[str, str | None]],
                  registered: _Registered | None, run: _Run) -> str:
    did = _issuer_did(inp.credential)
    body = trust.body(did) if did else None
    if body is None:
        run.fail("issuer", "unknown-issuer",
                 f"issuer {did!r} is not a body this trust source knows", stop=True)
    assert did is not None and body is not None
    for vm, created_text in proof_times:
        key = trust.key(vm)
        assert key is not None  # resolved during the integrity check
        if key.did != did:
            run.fail("issuer", "unknown-issuer",
                     f"signed with a key of {key.did}, not of the named issuer {did}", stop=True)
        # A JWS has no signing time of its own; validFrom stands in for it.
        created = _when(created_text or inp.credential.get("validFrom"))
        if key.revoked is not None:
            # A compromised key speaks only for what the log recorded before the compromise:
            # the log's own time, never a date the signer wrote (proof created, validFrom).
            logged = registered.issue.logged_at if registered and registered.issue else None
            if logged is None or logged >= key.revoked:
                run.fail("issuer", "unknown-issuer",
                         f"key {vm} was compromised (revoked) at "
                         f"{key.revoked:%Y-%m-%dT%H:%M:%SZ}, and the log "
                         + (f"recorded this credential only at {logged:%Y-%m-%dT%H:%M:%SZ}"
                            if logged else "never recorded this credential")
                         + ": the signature may be the thief's, whatever date it claims",
                         stop=True)
        if key.retired is not None and (created is None or created >= key.retired):
            run.fail("issuer", "unknown-issuer",
                     f"key {vm} was retired at {key.retired.isoformat()} and the signature "
                     f"is dated {created_text or 'later'}: it no longer spoke for {body.id}",
                     stop=True)
        # Only a proof's own `created` can predate the key: validFrom (the JWS stand-in) is
        # the certificate's issue date, often earlier than the key (back-dated issuance).
        if key.created is not None and created_text is not None and created is not None \
                and created < _floor(key.created):
            run.fail("issuer", "unknown-issuer",
                     f"the signature is dated {created_text}, before key {vm} existed",
                     stop=True)
    run.ok("issuer", f"{body.name_en} ({body.id}); signing key is its own and was current "
                     "when it signed")
    return did


def _floor(when: dt.datetime) -> dt.datetime:
    # proof `created` has seconds precision; the key's creation time has microseconds.
    return when.replace(microsecond=0)


def _dcc_facts(claims: dcc.Claims) -> tuple[str, str, list[str]]:
    """(scheme, product category, standards) a conformity credential claims; certpass's
    DCC names no scheme category, so the category is left open."""
    return claims.scheme, "", list(claims.standards)


def _issued_at(inp: _Input, registered: _Registered | None,
               proof_times: list[tuple[str, str | None]]) -> dt.datetime | None:
    """The instant the credential was issued, for the accreditation's status then: the log's
    own time when the register knows the issue, else the signing time (proof created), else
    validFrom."""
    logged = registered.issue.logged_at if registered and registered.issue else None
    if logged is not None:
        return logged
    signed = [t for _, text in proof_times if (t := _when(text)) is not None]
    return min(signed) if signed else _when(inp.credential.get("validFrom"))


def _check_authority(inp: _Input, did: str, trust: TrustSource, run: _Run,
                     at: dt.datetime | None = None) -> None:
    if inp.dcc is None:
        if trust.is_anchor(did):
            run.ok("authority", "issued by a trusted accreditation body")
        else:
            run.skip("authority", "not a conformity credential: no accreditation needed")
        return
    day = inp.dcc.valid_from.date()
    at = at or inp.dcc.valid_from
    scheme, category, standards = _dcc_facts(inp.dcc)
    anchored = [f for f in trust.accreditations(did)
                if trust.is_anchor(f.accreditor_did) and f.standard != "ISO/IEC 17025"]
    if not anchored:
        run.fail("authority", "unauthorised-issuer",
                 f"{did} holds no certification-body accreditation signed by a trusted "
                 "accreditation body")
        return
    try:
        acc = check_scope(did, [f.scope_on(at) for f in anchored], scheme, category,
                          standards, day)
    except (NotAccredited, OutOfScope) as exc:
        run.fail("authority", "unauthorised-issuer", exc.message)
        return
    ab = trust.body(acc.accreditor)
    signatory = f" ({', '.join(ab.signatories)} signatory)" if ab and ab.signatories else ""
    run.ok("authority",
           f"accreditation {acc.number} by {ab.name_en if ab else acc.accreditor}{signatory} "
           f"covers {scheme}{' / ' + category if category else ''} and "
           f"{', '.join(standards)} on {day}")


STATUS_ENTRY = "BitstringStatusListEntry"  # the one status mechanism certpass reads


def _check_status(credential: Mapping[str, Any], did: str, trust: TrustSource,
                  run: _Run, *, conformity: bool = True) -> None:
    entries = credential.get("credentialStatus")
    if entries is None:
        run.skip("status", "the credential carries no status entry")
        return
    entries = entries if isinstance(entries, list) else [entries]
    other = [e for e in entries if isinstance(e, Mapping) and isinstance(e.get("type"), str)
             and e["type"] != STATUS_ENTRY]
    if other and not conformity:
        # VC 2.0 leaves status mechanisms open (§4.10): a credential that uses one certpass
        # does not implement is still a conforming credential, not a malformed one. Its
        # status is unknown, and said so. A conformity credential has no such excuse: the
        # register publishes every certificate's status as a Bitstring Status List.
        kinds = ", ".join(sorted({str(e["type"])[:80] for e in other}))
        entries = [e for e in entries if e not in other]
        unread = f"; its {kinds} entries are not read"
        if not entries:
            run.skip("status", f"not checked: certpass reads {STATUS_ENTRY} status entries, "
                     f"not {kinds}, so whether the issuer revoked or suspended this "
                     "credential is unknown")
            return
    else:
        unread = ""
    found: list[str] = []
    for e in entries:
        if not isinstance(e, Mapping) or e.get("type") != STATUS_ENTRY:
            run.fail("status", "malformed", "unsupported credentialStatus entry (certpass "
                     f"reads {STATUS_ENTRY} objects; a conformity credential's status is "
                     "always one)", stop=True)
            continue
        purpose, url, index = e.get("statusPurpose"), e.get("statusListCredential"), \
            e.get("statusListIndex")
        if not (isinstance(index, str) and index.isdigit()):
            run.fail("status", "malformed", "statusListIndex must be a decimal string", stop=True)
        info = trust.status_list(str(url))
        if info is None or info.issuer_did != did:
            run.fail("status", "unknown-issuer",
                     f"the issuer's {purpose} list {url} is not available from this trust "
                     "source, so its status cannot be confirmed (export a fresh bundle)",
                     stop=True)
            return
        if info.purpose != purpose:
            run.fail("status", "malformed", f"{url} is a {info.purpose} list, the entry says "
                     f"{purpose}", stop=True)
        i = int(index)  # type: ignore[arg-type]
        if i >= len(info.bits) * 8:
            run.fail("status", "malformed", f"status index {i} is outside {url}", stop=True)
        if info.bits[i // 8] & (0x80 >> (i % 8)):
            found.append(str(purpose))
    as_of = f" (status as of {trust.status_as_of()})" if trust.status_as_of() else ""
    if "revocation" in found:
        run.fail("status", "revoked",
                 f"the revocation bit is set: the certificate was withdrawn{as_of}")
    elif "suspension" in found:
        run.fail("status", "suspended", "the suspension bit is set: the certificate is "
                                        f"suspended{as_of}")
    else:
        run.ok("status", f"not revoked, not suspended ({len(entries)} status list(s) "
                         f"checked){as_of}{unread}")


def _check_validity(credential: Mapping[str, Any], on: dt.date | None, run: _Run) -> None:
    start, end = _when(credential.get("validFrom")), _when(credential.get("validUntil"))
    if on is None:
        first = last = dt.datetime.now(dt.UTC)
        when = "now"
    else:
        first = dt.datetime(on.year, on.month, on.day, tzinfo=dt.UTC)
        last = first + dt.timedelta(days=1) - dt.timedelta(microseconds=1)
        when = f"on {on}"
    if start is not None and start > last:
        run.fail("validity", "not-yet-valid", f"valid from {credential['validFrom']}, not {when}")
    elif end is not None and end <= first:
        run.fail("validity", "expired", f"expired at {credential['validUntil']} ({when})")
    else:
        until = f" until {credential['validUntil']}" if end else " with no expiry"
        run.ok("validity", f"valid {when}: from {credential.get('validFrom')}{until}")


def _check_log(inp: _Input, registered: _Registered | None, trust: TrustSource,
               run: _Run) -> None:
    record = registered.issue if registered else None
    receipt, entry = inp.receipt, inp.entry
    vkey = trust.log_vkey()
    found = ""
    if receipt is None and record is not None and record.log_index is not None:
        proof = trust.log_proof(record.log_index)  # online: the log is here to ask
        if proof is None:
            run.ok("log", f"recorded as entry {record.log_index} of the transparency log"
                          + (f" at {record.logged_at:%Y-%m-%dT%H:%M:%SZ}"
                             if record.logged_at else "")
                          + f" (the register signed by the log's key, as of "
                            f"{trust.status_as_of() or 'now'})")
            return
        receipt, entry, found = proof.receipt, proof.entry, "found by the verifier: "
        if receipt is None:
            problem = _entry_mismatch(entry, inp.credential, record)
            if problem:
                run.fail("log", "tampered", problem)
            else:
                run.ok("log", f"{found}recorded as entry {record.log_index} of this "
                              "registry's log (no signed checkpoint covers it yet)")
            return
    if receipt is None:
        if inp.dcc is not None:
            run.fail("log", "unregistered", "this credential is not in the transparency log")
        else:
            run.skip("log", "skipped: no transparency-log receipt came with the credential")
        return
    if vkey is None:
        run.skip("log", "skipped: the trust source has no log key to check the receipt with")
        return
    try:
        entry = entry if entry is not None else parse_receipt(receipt).extra
    except (InvalidNote, ValueError) as exc:
        run.fail("log", "malformed", f"the receipt is not a C2SP tlog-proof: {exc}")
        return
    if entry is None:
        run.skip("log", "skipped: the receipt came without its log entry")
        return
    try:
        checkpoint = verify_receipt(receipt, entry, vkey)
    except (InvalidNote, InvalidProof, CertpassError, ValueError) as exc:
        run.fail("log", "tampered", f"the log receipt does not verify: {exc}")
        return
    problem = _entry_mismatch(entry, inp.credential, record)
    if problem:
        run.fail("log", "tampered", problem)
        return
    index = parse_receipt(receipt).index
    run.ok("log", f"{found}recorded as entry {index} of the transparency log (checkpoint of "
                  f"{checkpoint.size} entries, signed by the log)")


def _entry_mismatch(entry: bytes, credential: Mapping[str, Any],
                    record: IssueRecord | None) -> str | None:
    try:
        event = json.loads(entry)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "the log entry is not JSON"
    documents = event.get("documents") if isinstance(event, dict) else None
    digest = documents.get("credential") if isinstance(documents, dict) else None
    if isinstance(digest, str):
        # The issuer logs sha256 of the RFC 8785 form of the signed credential (the
        # registered issue's, when this credential is that issue in another form: a JWT).
        expected = record.sha256 if record is not None \
            else hashlib.sha256(canonicalize(credential)).hexdigest()
        if digest.removeprefix("sha256:") != expected:
            return "the log entry records a different credential"
        return None
    number = _number(credential)
    logged = ((event.get("certificate") or {}) if isinstance(event, dict) else {}).get("number")
    if number is None or logged != number:
        return f"the log entry is about certificate {logged!r}, not {number!r}"
    return None


# --- the summary ------------------------------------------------------------------------

_NAME = re.compile(r"certificate (\S+), issue (\d+)\s*$")
_STATUS = {"valid": "valid", "revoked": "revoked", "suspended": "suspended",
           "superseded": "superseded", "expired": "expired", "not-yet-valid": "not-yet-valid"}


def _number(credential: Mapping[str, Any]) -> str | None:
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping):
        return None
    m = _NAME.search(str(subject.get("name", "")))
    if m:
        return m.group(1)
    parts = str(subject.get("id", "")).split("/")
    if "certificates" in parts and parts.index("certificates") + 1 < len(parts):
        return unquote(parts[parts.index("certificates") + 1])
    return None


def _summary(inp: _Input | None, registered: _Registered | None, verdict: str
             ) -> dict[str, Any] | None:
    """What the credential claims (whatever the verdict: readers label it as claims unless
    it is `valid`), and where it stands in the register."""
    if inp is None:
        return None
    credential = _readable(inp)  # parsed JSON: plain dicts (isinstance(dict) is cheap)
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, dict) else {}
    issuer = credential.get("issuer")
    products: list[dict[str, Any]] = []
    seen: set[str] = set()
    for a in subject.get("assessment") or []:
        for pv in (a.get("assessedProduct") or []) if isinstance(a, dict) else []:
            p = pv.get("product") if isinstance(pv, dict) else None
            if isinstance(p, dict) and str(p.get("id")) not in seen:
                seen.add(str(p.get("id")))
                products.append({"name": p.get("name"), "model": p.get("registeredId")})
    holder = subject.get("issuedToParty")
    out: dict[str, Any] = {
        # Only a conformity credential names a certificate: another credential type never
        # passes for one, whatever its subject says.
        "number": inp.dcc.number if inp.dcc else None,
        "issuer": {"id": issuer.get("id"), "name": issuer.get("name")}
        if isinstance(issuer, dict) else {"id": issuer, "name": None},
        "holder": {"id": holder.get("id"), "name": holder.get("name")}
        if isinstance(holder, dict) else None,
        "products": products,
        "status": _STATUS.get(verdict) if inp.dcc else None,
    }
    if inp.dcc is not None:
        out["issue"] = inp.dcc.issue
    if registered is not None:
        out["current_issue"] = registered.certificate.current.issue
        if registered.certificate.issuer:
            out["registered_by"] = registered.certificate.issuer  # the body's id
    return out
