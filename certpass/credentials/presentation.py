"""Verifiable presentations (W3C VC 2.0 §4.13) with embedded credentials, for the VC-API
`POST /presentations/verify`. Offline like the verifier: no database, no network.

Always checked (the VC-API's `options.checks` can require a check, never skip one):
  format       a JSON object; @context starting with the VC 2.0 context; type including
               VerifiablePresentation; `id` and `holder` (or its `id`) URLs; every
               `verifiableCredential` a JSON object; JSON-LD expansion in safe mode
  proof        if the presentation carries a proof (required when `options.challenge` is
               given): a Data Integrity proof for `authentication`, by a key of the holder,
               with the `challenge` and `domain` asked for
  credentials  each embedded credential (or EnvelopedVerifiableCredential) through the
               credential verifier, with its own verdict; one whose verdict does not fail
               but which has something to say (e.g. a status mechanism certpass does not
               read, so its status is unknown) is a warning, as on /credentials/verify

An EnvelopedVerifiablePresentation (VC-JOSE-COSE: `{"@context": ..., "type":
"EnvelopedVerifiablePresentation", "id": "data:application/vp+jwt,<JWS>"}`) is the same
presentation secured by its holder as a compact JWS (EdDSA, typ `vp+jwt`): format is the
envelope and its payload (a VerifiablePresentation without a `proof`), proof is the JWS
signature by the holder's key (`kid`), `options.challenge` is matched against the payload's
`nonce` claim and `options.domain` against its `aud` claim (a string or a list), and an
`exp` or `nbf` claim must hold now (these JWT claims are the JWS's: the payload's JSON-LD
is checked without them). Only the `vp+jwt` media type is read: an SD-JWT or COSE
envelope is refused as a format certpass does not verify.

Whose key authenticates the holder (both securing mechanisms, see `_HolderKeys`): only a
key of the holder itself (a verification method `<holder>#...`; without a holder, any key
that can be resolved). certpass never goes to the network, so
  did:key      is resolved locally, from the key the DID itself encodes;
  did:web and every other DID method are resolved only from the trust source (the keys of
               the bodies certpass knows); a holder it does not know is answered "the
               holder's signature cannot be checked: holder unknown", never fetched; a key
               retired or compromised by now authenticates nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from certpass.credentials import jose, jsonld_safe, proofs, vc_model, verifier
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
            "warnings": [f"verifiableCredential[{i}]: {w}"
                         for i, r in enumerate(self.credentials)
                         if r.verdict not in FAILING for w in r.warnings()],
            "errors": self.errors,
        }


def verify_presentation(presentation: Any, trust: TrustSource, *,
                        challenge: str | None = None,
                        domain: str | None = None) -> PresentationResult:
    if _is_enveloped(presentation):
        return _verify_enveloped(presentation, trust, challenge, domain)
    checks: list[verifier.Check] = []
    problems = _format_problems(presentation)
    if problems:
        checks.append(verifier.Check("format", False, "; ".join(problems[:3])))
        return PresentationResult(False, checks)
    checks.append(verifier.Check("format", True, "a VC 2.0 VerifiablePresentation"))
    checks.append(_proof_check(presentation, trust, challenge, domain))
    return _with_credentials(presentation, trust, checks)


def _with_credentials(presentation: Mapping[str, Any], trust: TrustSource,
                      checks: list[verifier.Check]) -> PresentationResult:
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


class _HolderKeys:
    """The key resolver for the holder's signature (a Data Integrity proof or the JWS of an
    enveloped presentation), noting why a key was not found so the answer can say so."""

    def __init__(self, holder: str | None, trust: TrustSource) -> None:
        self.holder, self.trust = holder, trust
        self.why: str | None = None

    def __call__(self, vm: str) -> bytes | None:
        controller = vm.split("#", 1)[0]
        if self.holder is not None and controller != self.holder:
            # only the holder's own keys authenticate the holder
            self.why = (f"signed with a key of {controller[:120]}, not of the holder "
                        f"{self.holder[:120]}: only the holder's own key authenticates it")
            return None
        if controller.startswith("did:key:"):
            try:
                return decode_public_key(controller.removeprefix("did:key:"))
            except Exception:
                self.why = f"{controller[:120]} is not a did:key of an Ed25519 key"
                return None
        key = self.trust.key(vm)
        if key is not None:
            # A presentation authenticates its holder now (its proof's `created` is the
            # signer's own word): a key compromised or retired by now does not.
            now = dt.datetime.now(dt.UTC)
            if key.revoked is not None and key.revoked <= now:
                self.why = (f"key {vm[:160]} was compromised (revoked) at "
                            f"{key.revoked:%Y-%m-%dT%H:%M:%SZ}: it no longer authenticates "
                            "its holder (the signature may be the thief's)")
                return None
            if key.retired is not None and key.retired <= now:
                self.why = (f"key {vm[:160]} was retired at {key.retired:%Y-%m-%dT%H:%M:%SZ}: "
                            "it no longer authenticates its holder (sign with its current key)")
                return None
            return key.public_key
        who = self.holder or controller
        fetched = (f"{':'.join(who.split(':', 2)[:2])} DID documents"
                   if who.startswith("did:") else "a holder's documents")
        self.why = (f"the holder's signature cannot be checked: holder {who[:120]} is "
                    f"unknown (certpass never fetches {fetched} from the network, "
                    f"and its trust source holds no key {vm[:160]}; a did:key holder is "
                    "resolved from the key itself)")
        return None


def _proof_check(p: Mapping[str, Any], trust: TrustSource, challenge: str | None,
                 domain: str | None) -> verifier.Check:
    if "proof" not in p:
        if challenge is not None:
            return verifier.Check("proof", False, "a challenge was given but the "
                                  "presentation carries no proof")
        return verifier.Check("proof", None, "the presentation carries no proof (the "
                              "holder is not authenticated)")
    resolve = _HolderKeys(_holder(p), trust)
    try:
        verified = proofs.verify(p, resolve, expected_purpose="authentication")
    except proofs.UnknownKey as exc:
        return verifier.Check("proof", False, resolve.why or exc.message)
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


# --- enveloped presentations (VC-JOSE) ----------------------------------------------------

# RFC 7519 registered claims and the nonce: what a vp+jwt payload may carry for the JWS.
_JWT_CLAIMS = frozenset({"iss", "sub", "aud", "exp", "nbf", "iat", "jti", "nonce", "cnf"})


def _is_enveloped(p: Any) -> bool:
    if not isinstance(p, Mapping):
        return False
    types = p.get("type")
    return "EnvelopedVerifiablePresentation" in (types if isinstance(types, list) else [types])


def _envelope_problems(p: Mapping[str, Any]) -> list[str]:
    out: list[str] = []
    context = p.get("@context")
    first = context[0] if isinstance(context, list) and context else context
    if first != VC_V2:
        out.append(f"an EnvelopedVerifiablePresentation's @context must be (or start with) "
                   f"{VC_V2}")
    ident = p.get("id")
    if not isinstance(ident, str) or not ident.startswith("data:"):
        out.append("an EnvelopedVerifiablePresentation's id must be a data: URL "
                   f"({jose.VP_ENVELOPE_PREFIX}<JWS>)")
    elif not ident.startswith(jose.VP_ENVELOPE_PREFIX):
        media = ident.removeprefix("data:").split(",", 1)[0][:60]
        out.append(f"an enveloped presentation of type {media!r} is not one certpass "
                   f"verifies: it reads {jose.VP_ENVELOPE_PREFIX}<JWS> (VC-JOSE) only")
    extra = sorted(set(p) - {"@context", "id", "type"})
    if extra:
        out.append("an EnvelopedVerifiablePresentation carries only @context, id and type, "
                   f"not {', '.join(repr(k[:40]) for k in extra[:3])}")
    if not out:
        try:
            jsonld_safe.check(p, "the EnvelopedVerifiablePresentation")
        except jsonld_safe.InvalidJsonLd as exc:
            out.append(exc.message)
    return out


def _verify_enveloped(p: Mapping[str, Any], trust: TrustSource, challenge: str | None,
                      domain: str | None) -> PresentationResult:
    problems = _envelope_problems(p)
    payload: Any = None
    token = ""
    if not problems:
        token = str(p["id"]).removeprefix(jose.VP_ENVELOPE_PREFIX)
        try:
            payload = jose.unverified_payload(token)
        except jose.JoseFailure as exc:
            problems.append(f"the envelope's JWS: {exc.message}")
    if not problems:
        # The JWT claims beside the presentation (nonce, aud, exp, ...) are the JWS's, not
        # terms of the presentation's @context: its JSON-LD is read without them.
        document = {k: v for k, v in payload.items() if k not in _JWT_CLAIMS} \
            if isinstance(payload, Mapping) else payload
        problems = [f"its payload: {x}" for x in _format_problems(document)]
        if not problems and "proof" in payload:
            problems.append("its payload must not carry a proof (the JWS secures it)")
    if problems:
        return PresentationResult(False, [verifier.Check("format", False,
                                                         "; ".join(problems[:3]))])
    checks = [verifier.Check("format", True, "an EnvelopedVerifiablePresentation (VC-JOSE "
                             "vp+jwt) of a VC 2.0 VerifiablePresentation")]
    checks.append(_jws_check(token, payload, trust, challenge, domain))
    return _with_credentials(payload, trust, checks)


def _jws_check(token: str, payload: Mapping[str, Any], trust: TrustSource,
               challenge: str | None, domain: str | None) -> verifier.Check:
    resolve = _HolderKeys(_holder(payload), trust)
    try:
        verified = jose.verify(token, resolve, typ=jose.VP_TYP, cty=jose.VP_CTY)
    except jose.UnknownJoseKey as exc:
        return verifier.Check("proof", False, resolve.why or exc.message)
    except jose.BadJoseSignature:
        return verifier.Check("proof", False, "the holder's JWS signature does not match: "
                              "the presentation was altered after it was signed")
    except jose.JoseFailure as exc:
        return verifier.Check("proof", False, f"the holder's JWS cannot be checked: "
                              f"{exc.message}")
    if challenge is not None and payload.get("nonce") != challenge:
        return verifier.Check("proof", False, "the presentation's nonce is not the challenge "
                              "asked for (a replayed presentation?)")
    aud = payload.get("aud")
    if domain is not None and domain not in (aud if isinstance(aud, list) else [aud]):
        return verifier.Check("proof", False, "the presentation's aud is not the domain asked "
                              "for")
    now = dt.datetime.now(dt.UTC).timestamp()
    exp, nbf = payload.get("exp"), payload.get("nbf")
    for name, value in (("exp", exp), ("nbf", nbf)):
        if name in payload and (isinstance(value, bool) or not isinstance(value, int | float)):
            return verifier.Check("proof", False, f"the presentation's {name} claim must be "
                                  "a NumericDate (seconds since 1970)")
    if isinstance(exp, int | float) and exp <= now:
        return verifier.Check("proof", False, "the presentation has expired (its exp claim "
                              "is past)")
    if isinstance(nbf, int | float) and nbf > now:
        return verifier.Check("proof", False, "the presentation is not valid yet (its nbf "
                              "claim is in the future)")
    return verifier.Check("proof", True, f"the holder's VC-JOSE EdDSA signature by "
                          f"{verified.header['kid']} verifies")
