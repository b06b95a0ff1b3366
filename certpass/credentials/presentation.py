"""Verifiable presentations (W3C VC 2.0 §4.13) with embedded credentials, for the VC-API
`POST /presentations/verify`. Offline like the verifier: no database, no network.

Always checked, whatever `options.checks` asks (the VC-API lets a verifier say what it
checks; certpass checks everything it can):
  format       a JSON object; @context starting with the VC 2.0 context; type including
               VerifiablePresentation; `id` and `holder` (or its `id`) URLs; every
               `verifiableCredential` a JSON object; JSON-LD expansion in safe mode
  proof        if the presentation carries a proof (required when `options.challenge` is
               given): a Data Integrity proof for `authentication`, by a key of the holder
               (did:key is resolved from the key itself; other keys must be known to the
               trust source), with the `challenge` and `domain` asked for
  credentials  each embedded credential (or EnvelopedVerifiableCredential) through the
               credential verifier, with its own verdict
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from certpass.credentials import jsonld_safe, proofs, vc_model, verifier
from certpass.credentials.documents import VC_V2
from certpass.credentials.multikey import decode_public_key
from certpass.credentials.trust_source import TrustSource

# A credential verdict that makes the presentation unverified (as /credentials/verify).
FAILING = frozenset({"malformed", "tampered", "unknown-issuer", "unregistered", "revoked",
                     "suspended", "expired", "not-yet-valid"})
MAX_CREDENTIALS = 50


@dataclass
class PresentationResult:
    verified: bool
    checks: list[verifier.Check]
    credentials: list[verifier.VerificationResult] = field(default_factory=list)

    @property
    def errors(self) -> list[str]:
        out = [f"{c.name}: {c.detail}" for c in self.checks if c.ok is False]
        for i, r in enumerate(self.credentials):
            if r.verdict in FAILING:
                out += [f"verifiableCredential[{i}] {c.name}: {c.detail}"
                        for c in r.checks if c.ok is False]
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "verified": self.verified,
            "presentationResult": {"verified": all(c.ok is not False for c in self.checks),
                                   "results": [c.to_json() for c in self.checks]},
            "credentialResults": [
                {"verified": r.verdict not in FAILING, "verdict": r.verdict,
                 "results": [c.to_json() for c in r.checks]} for r in self.credentials],
            "checks": [c.name for c in self.checks if c.ok]
            + (["credentials"] if self.credentials and all(
                r.verdict not in FAILING for r in self.credentials) else []),
            "warnings": [f"verifiableCredential[{i}]: {r.verdict}"
                         for i, r in enumerate(self.credentials)
                         if r.verdict not in FAILING and r.verdict != "valid"],
            "errors": self.errors,
        }


def verify_presentation(presentation: Any, trust: TrustSource, *,
                        challenge: str | None = None,
                        domain: str | None = None) -> PresentationResult:
    checks: list[verifier.Check] = []
    problems = _format_problems(presentation)
    if problems:
        checks.append(verifier.Check("format", False, "; ".join(problems[:3])))
        return PresentationResult(False, checks)
    checks.append(verifier.Check("format", True, "a VC 2.0 VerifiablePresentation"))
    checks.append(_proof_check(presentation, trust, challenge, domain))
    embedded = presentation.get("verifiableCredential")
    items = [] if embedded is None else embedded if isinstance(embedded, list) else [embedded]
    results = [verifier.verify(c, trust) for c in items]
    ok = all(c.ok is not False for c in checks) and all(
        r.verdict not in FAILING for r in results)
    return PresentationResult(ok, checks, results)


def _format_problems(p: Any) -> list[str]:
    if not isinstance(p, Mapping):
        return ["a presentation is a JSON object"]
    out: list[str] = []
    context = p.get("@context")
    if not isinstance(context, list) or not context or context[0] != VC_V2:
        out.append(f"@context must be a list starting with {VC_V2}")
    types = p.get("type")
    types = types if isinstance(types, list) else [types]
    if "VerifiablePresentation" not in types:
        out.append("type must include VerifiablePresentation")
    if "id" in p and not vc_model.is_url(p["id"]):
        out.append("id must be a URL")
    if "holder" in p:
        holder = p["holder"]
        hid = holder.get("id") if isinstance(holder, Mapping) else holder
        if not vc_model.is_url(hid):
            out.append("holder must be a URL or an object with a URL id")
    embedded = p.get("verifiableCredential")
    items = [] if embedded is None else embedded if isinstance(embedded, list) else [embedded]
    if any(not isinstance(c, Mapping) for c in items):
        out.append("each verifiableCredential must be a JSON object (an embedded "
                   "credential or an EnvelopedVerifiableCredential)")
    if len(items) > MAX_CREDENTIALS:
        out.append(f"at most {MAX_CREDENTIALS} credentials in one presentation")
    if out:
        return out
    try:
        jsonld_safe.check(p, "the presentation")
    except jsonld_safe.InvalidJsonLd as exc:
        out.append(exc.message)
    return out


def _holder(p: Mapping[str, Any]) -> str | None:
    holder = p.get("holder")
    value = holder.get("id") if isinstance(holder, Mapping) else holder
    return value if isinstance(value, str) else None


def _proof_check(p: Mapping[str, Any], trust: TrustSource, challenge: str | None,
                 domain: str | None) -> verifier.Check:
    if "proof" not in p:
        if challenge is not None:
            return verifier.Check("proof", False, "a challenge was given but the "
                                  "presentation carries no proof")
        return verifier.Check("proof", None, "the presentation carries no proof (the "
                              "holder is not authenticated)")
    holder = _holder(p)

    def resolve(vm: str) -> bytes | None:
        controller = vm.split("#", 1)[0]
        if holder is not None and controller != holder:
            return None  # only the holder's own keys authenticate the holder
        if controller.startswith("did:key:"):
            return decode_public_key(controller.removeprefix("did:key:"))
        key = trust.key(vm)
        return key.public_key if key is not None else None

    try:
        verified = proofs.verify(p, resolve, expected_purpose="authentication")
    except proofs.ProofFailure as exc:
        return verifier.Check("proof", False, exc.message)
    except Exception:
        # canonical form: the proof cannot be checked, so it does not count
        return verifier.Check("proof", False, "the presentation's proof cannot be checked")
    raw = p["proof"]
    proof_list = raw if isinstance(raw, list) else [raw]
    if challenge is not None and not any(
            isinstance(x, Mapping) and x.get("challenge") == challenge for x in proof_list):
        return verifier.Check("proof", False, "the proof does not carry the challenge asked "
                              "for (a replayed presentation?)")
    if domain is not None and not any(
            isinstance(x, Mapping) and x.get("domain") == domain for x in proof_list):
        return verifier.Check("proof", False, "the proof is not for the domain asked for")
    return verifier.Check("proof", True, f"authenticated by {verified[0].verification_method}")
