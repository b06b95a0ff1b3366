"""The verifier: one library behind every front end (CLI, JSON API, VC-API, web page).

`verify(data, trust)` takes a JSON-LD credential (eddsa-jcs-2022 or eddsa-rdfc-2022 proof),
a compact VC-JOSE JWT, an EnvelopedVerifiableCredential, or `{"credential": ...,
"receipt": "..."}`, and runs these checks in order, each reported as {name, ok, detail}
(ok None = not applicable or not reached):

  format     parses; VC 2.0 and (for a DCC) UNTP DCC 0.6.1 schemas
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
from functools import cache
from typing import Any
from urllib.parse import unquote

import jsonschema_rs
import rfc8785

from certpass.certificates.lifecycle import check_scope
from certpass.credentials import dcc, jose, proofs, schemas
from certpass.credentials.documents import VC_V2, DocumentNotAvailable, offline_loader
from certpass.credentials.jcs import canonicalize
from certpass.credentials.trust_source import TrustSource
from certpass.errors import CertpassError, NotAccredited, OutOfScope
from certpass.ledger.errors import InvalidNote, InvalidProof
from certpass.ledger.receipt import parse_receipt, verify_receipt

VERDICTS = ("malformed", "tampered", "unknown-issuer", "unauthorised-issuer", "revoked",
            "suspended", "expired", "not-yet-valid", "valid")
NOT_FOUND = "not-found"
CHECKS = ("format", "integrity", "issuer", "authority", "status", "validity", "log")
_JWT = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")
# What a reader of the verdict should take away; never the same words for two verdicts.
MESSAGES = {
    "valid": "Genuine, issued by an accredited body within its scope, and in force.",
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
    "not-found": "No certificate with this number is registered here.",
}


@dataclass
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

    @property
    def valid(self) -> bool:
        return self.verdict == "valid"

    @property
    def message(self) -> str:
        return MESSAGES[self.verdict]

    def to_json(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "message": self.message,
                "checks": [c.to_json() for c in self.checks], "certificate": self.certificate}


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
    dcc: dcc.AttestationInput | None = None  # what a conformity credential says (read_dcc)


@cache
def _loader() -> Any:
    return offline_loader()


# --- public API -------------------------------------------------------------------------


def verify(data: bytes | str | Mapping[str, Any], trust: TrustSource, *,
           on: dt.date | None = None) -> VerificationResult:
    run = _Run()
    inp: _Input | None = None
    try:
        inp = _parse(data, run)
        _check_format(inp, run)
        proof_times = _check_integrity(inp, trust, run)
        issuer_did = _check_issuer(inp, trust, proof_times, run)
        _check_authority(inp, issuer_did, trust, run)
        _check_status(inp.credential, issuer_did, trust, run)
        _check_validity(inp.credential, on, run)
        _check_log(inp, trust, run)
    except _Stop:
        pass
    verdict = run.verdict()
    credential = inp.credential if inp else None
    return VerificationResult(verdict, run.finish(), _summary(credential, verdict), credential)


def verify_number(number: str, trust: TrustSource, *,
                  on: dt.date | None = None) -> VerificationResult:
    """Look a certificate up by number and verify its signed credential."""
    record = trust.credential(number)
    if record is None or record.document is None:
        detail = (f"no certificate numbered {number!r} is registered with this trust source"
                  if record is None else
                  f"certificate {number} is registered but has no signed credential")
        return VerificationResult(NOT_FOUND, [Check("lookup", False, detail)],
                                  {"number": number, "status": None})
    data: dict[str, Any] = {"credential": record.document}
    if record.receipt:
        data["receipt"] = record.receipt
        if record.log_entry is not None:
            data["entry"] = record.log_entry.decode("utf-8")
    result = verify(data, trust, on=on)
    result.checks.insert(0, Check("lookup", True, f"certificate {number} is registered"))
    return result


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
        payload = jose.b64url_decode(token.split(".")[1], "payload")
        credential = json.loads(payload.decode("utf-8"))
    except (jose.JoseFailure, UnicodeDecodeError, json.JSONDecodeError):
        run.fail("format", "malformed", "the JWT payload is not a JSON credential", stop=True)
    if not isinstance(credential, dict):
        run.fail("format", "malformed", "the JWT payload must be a JSON object", stop=True)
    return _Input(credential, jwt=token)


# --- checks -----------------------------------------------------------------------------


def _types(credential: Mapping[str, Any]) -> list[str]:
    t = credential.get("type")
    return t if isinstance(t, list) else [t]


def _check_format(inp: _Input, run: _Run) -> None:
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
    if "DigitalConformityCredential" in types:
        errors, what = _schema_errors(document, schemas.UNTP_DCC), "VC 2.0 and UNTP DCC 0.6.1"
    elif "DigitalIdentityAnchor" in types:
        errors, what = _schema_errors(document, schemas.UNTP_DIA), "VC 2.0 and UNTP DIA 0.6.1"
    else:
        errors, what = _schema_errors(document, None), "VC 2.0"
    if errors:
        more = f" (and {len(errors) - 3} more)" if len(errors) > 3 else ""
        run.fail("format", "malformed",
                 f"does not meet the {what} schemas: " + "; ".join(errors[:3]) + more,
                 stop=True)
    if "DigitalConformityCredential" in types:
        try:
            inp.dcc = dcc.read_dcc(c)
        except dcc.NotADcc as exc:
            run.fail("format", "malformed", exc.message, stop=True)
    run.ok("format", f"{' '.join(str(t) for t in types if t != 'VerifiableCredential') or 'VC'}"
           f" ({'VC-JOSE JWT' if inp.jwt else 'JSON-LD'}) meets the {what} schemas")


@cache
def _compiled(untp: str | None) -> Any:
    """A compiled (Rust) validator of the VC 2.0 schema and, all at once, a UNTP one: it
    answers "valid?" about a hundred times faster than jsonschema, which then only runs to
    explain a failure. It checks formats too, so it is never more lenient than the reference;
    where it is stricter (a format the reference does not check) the reference has the last
    word."""
    contents = schemas._registry().contents
    schema = contents(schemas.VC2) if untp is None else {
        "allOf": [contents(schemas.VC2), contents(untp)]}
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True, offline=True)


def _schema_errors(document: Mapping[str, Any], untp: str | None) -> list[str]:
    if _compiled(untp).is_valid(document):
        return []
    errors = [f"VC 2.0: {e}" for e in schemas.validate_vc2(document)]
    if untp is not None:
        errors += [f"UNTP: {e}" for e in schemas.validate(document, untp)]
    return errors


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
        verified = proofs.verify(inp.credential, resolve, document_loader=_loader())
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
    suites = ", ".join(sorted({p.cryptosuite for p in verified}))
    run.ok("integrity", f"{len(verified)} Data Integrity proof(s) ({suites}) verify")
    return [(p.verification_method, p.created) for p in verified]


def _issuer_did(credential: Mapping[str, Any]) -> str | None:
    issuer = credential.get("issuer")
    value = issuer.get("id") if isinstance(issuer, Mapping) else issuer
    return value if isinstance(value, str) else None


def _when(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        out = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return out if out.tzinfo else out.replace(tzinfo=dt.UTC)


def _check_issuer(inp: _Input, trust: TrustSource, proof_times: list[tuple[str, str | None]],
                  run: _Run) -> str:
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
            run.fail("issuer", "unknown-issuer",
                     f"key {vm} was revoked at {key.revoked:%Y-%m-%dT%H:%M:%SZ}", stop=True)
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


def _dcc_facts(inp: dcc.AttestationInput) -> tuple[str, str, list[str]]:
    """(scheme, product category, standards) a conformity credential claims; certpass's
    DCC names no scheme category, so the category is left open."""
    standards = [s.designation if isinstance(s, dcc.StandardRef) else s for s in inp.standards]
    return inp.scheme.code, "", list(dict.fromkeys(standards))


def _check_authority(inp: _Input, did: str, trust: TrustSource, run: _Run) -> None:
    if inp.dcc is None:
        if trust.is_anchor(did):
            run.ok("authority", "issued by a trusted accreditation body")
        else:
            run.skip("authority", "not a conformity credential: no accreditation needed")
        return
    day = inp.dcc.valid_from.date()
    scheme, category, standards = _dcc_facts(inp.dcc)
    anchored = [f for f in trust.accreditations(did)
                if trust.is_anchor(f.accreditor_did) and f.standard != "ISO/IEC 17025"]
    if not anchored:
        run.fail("authority", "unauthorised-issuer",
                 f"{did} holds no certification-body accreditation signed by a trusted "
                 "accreditation body")
        return
    try:
        acc = check_scope(did, [f.scope_on(day) for f in anchored], scheme, category,
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


def _check_status(credential: Mapping[str, Any], did: str, trust: TrustSource,
                  run: _Run) -> None:
    entries = credential.get("credentialStatus")
    if entries is None:
        run.skip("status", "the credential carries no status entry")
        return
    entries = entries if isinstance(entries, list) else [entries]
    found: list[str] = []
    for e in entries:
        if not isinstance(e, Mapping) or e.get("type") != "BitstringStatusListEntry":
            run.fail("status", "malformed", "unsupported credentialStatus entry", stop=True)
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
    if "revocation" in found:
        run.fail("status", "revoked", "the revocation bit is set: the certificate was withdrawn")
    elif "suspension" in found:
        run.fail("status", "suspended", "the suspension bit is set: the certificate is "
                                        "suspended")
    else:
        run.ok("status", f"not revoked, not suspended ({len(entries)} status list(s) checked)")


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


def _check_log(inp: _Input, trust: TrustSource, run: _Run) -> None:
    if inp.receipt is None:
        run.skip("log", "skipped: no transparency-log receipt came with the credential")
        return
    vkey = trust.log_vkey()
    if vkey is None:
        run.skip("log", "skipped: the trust source has no log key to check the receipt with")
        return
    try:
        entry = inp.entry if inp.entry is not None else parse_receipt(inp.receipt).extra
    except (InvalidNote, ValueError) as exc:
        run.fail("log", "malformed", f"the receipt is not a C2SP tlog-proof: {exc}")
        return
    if entry is None:
        run.skip("log", "skipped: the receipt came without its log entry")
        return
    try:
        checkpoint = verify_receipt(inp.receipt, entry, vkey)
    except (InvalidNote, InvalidProof, CertpassError, ValueError) as exc:
        run.fail("log", "tampered", f"the log receipt does not verify: {exc}")
        return
    problem = _entry_mismatch(entry, inp.credential)
    if problem:
        run.fail("log", "tampered", problem)
        return
    index = parse_receipt(inp.receipt).index
    run.ok("log", f"recorded as entry {index} of the transparency log (checkpoint of "
                  f"{checkpoint.size} entries, signed by the log)")


def _entry_mismatch(entry: bytes, credential: Mapping[str, Any]) -> str | None:
    try:
        event = json.loads(entry)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "the log entry is not JSON"
    documents = event.get("documents") if isinstance(event, dict) else None
    digest = documents.get("credential") if isinstance(documents, dict) else None
    if isinstance(digest, str):
        # The issuer logs sha256 of the RFC 8785 form of the signed credential.
        if digest.removeprefix("sha256:") != hashlib.sha256(canonicalize(credential)).hexdigest():
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
           "expired": "expired", "not-yet-valid": "not-yet-valid"}


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


def _summary(credential: Mapping[str, Any] | None, verdict: str) -> dict[str, Any] | None:
    if not isinstance(credential, Mapping):
        return None
    subject = credential.get("credentialSubject")
    subject = subject if isinstance(subject, Mapping) else {}
    issuer = credential.get("issuer")
    products: list[dict[str, Any]] = []
    seen: set[str] = set()
    for a in subject.get("assessment") or []:
        for pv in (a.get("assessedProduct") or []) if isinstance(a, Mapping) else []:
            p = pv.get("product") if isinstance(pv, Mapping) else None
            if isinstance(p, Mapping) and str(p.get("id")) not in seen:
                seen.add(str(p.get("id")))
                products.append({"name": p.get("name"), "model": p.get("registeredId")})
    holder = subject.get("issuedToParty")
    return {
        "number": _number(credential),
        "issuer": {"id": issuer.get("id"), "name": issuer.get("name")}
        if isinstance(issuer, Mapping) else {"id": issuer, "name": None},
        "holder": {"id": holder.get("id"), "name": holder.get("name")}
        if isinstance(holder, Mapping) else None,
        "products": products,
        "status": _STATUS.get(verdict),
    }
