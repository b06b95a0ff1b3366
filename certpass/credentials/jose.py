"""VC-JOSE: a credential secured as a compact JWS (EdDSA / Ed25519), and its envelope.

https://www.w3.org/TR/vc-jose-cose/ — header {"alg":"EdDSA","kid":<verification method>,
"typ":"vc+jwt","cty":"vc"}, payload = the unsigned credential JSON. UNTP 0.6.1 asks for this
enveloped form. A presentation is secured the same way by its holder: {"typ":"vp+jwt",
"cty":"vp"}, payload = the unsigned presentation, enveloped as an
EnvelopedVerifiablePresentation (`data:application/vp+jwt,<JWS>`). The JWS is small enough to
write here (RFC 7515 compact serialisation) and doing so keeps the accepted algorithms to
exactly one: no `alg: none`, no algorithm confusion.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nacl.exceptions import BadSignatureError

from certpass.credentials.documents import VC_V2
from certpass.credentials.multikey import Ed25519KeyPair, public_key_bytes, verify_key
from certpass.credentials.proofs import KeyResolver
from certpass.errors import IntegrityFailure
from certpass.jcs import canonicalize

TYP = "vc+jwt"
CTY = "vc"
ALG = "EdDSA"
ENVELOPE_PREFIX = "data:application/vc+jwt,"
VP_TYP = "vp+jwt"
VP_CTY = "vp"
VP_ENVELOPE_PREFIX = "data:application/vp+jwt,"
_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


class JoseFailure(IntegrityFailure):
    """A VC-JOSE token did not verify. `step` says where."""

    code = "jose-failed"
    step = "jose"


class MalformedToken(JoseFailure):
    code = "jose-malformed"
    step = "malformed-token"


class UnacceptableHeader(JoseFailure):
    code = "jose-bad-header"
    step = "header"


class UnknownJoseKey(JoseFailure):
    code = "jose-unknown-key"
    step = "unknown-key"


class BadJoseSignature(JoseFailure):
    code = "jose-bad-signature"
    step = "bad-signature"


@dataclass(frozen=True)
class VerifiedToken:
    header: dict[str, Any]
    credential: dict[str, Any]


def b64url_encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str, what: str = "segment") -> bytes:
    """Strict base64url without padding (RFC 7515 §2): other alphabets or '=' are errors."""
    if not _B64URL.match(text) or len(text) % 4 == 1:
        raise MalformedToken(f"JWS {what} is not base64url without padding")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise MalformedToken(f"JWS {what} is not valid base64url") from None
    if b64url_encode(data) != text:  # non-canonical trailing bits
        raise MalformedToken(f"JWS {what} is not canonical base64url")
    return data


def _json_segment(obj: Mapping[str, Any]) -> str:
    return b64url_encode(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8"))


def sign(credential: Mapping[str, Any], key: Ed25519KeyPair, verification_method: str, *,
         typ: str = TYP, cty: str = CTY) -> str:
    """Compact JWS `header.payload.signature` securing `credential` (which has no proof);
    a presentation with `typ=VP_TYP, cty=VP_CTY`."""
    if "proof" in credential:
        raise ValueError("VC-JOSE secures an unsigned credential; remove `proof` first")
    header = {"alg": ALG, "kid": verification_method, "typ": typ, "cty": cty}
    # The payload in RFC 8785 form: the same credential always gives the same token.
    signing_input = f"{_json_segment(header)}.{b64url_encode(canonicalize(credential))}"
    signature = key.sign(signing_input.encode("ascii"))
    return f"{signing_input}.{b64url_encode(signature)}"


def verify(token: str, resolve_key: KeyResolver, *, typ: str = TYP,
           cty: str = CTY) -> VerifiedToken:
    """Check a VC-JOSE compact JWS; return its header and credential (or, with `typ=VP_TYP,
    cty=VP_CTY`, presentation) or raise a JoseFailure."""
    parts = _compact_parts(token)
    header = _parse_json(b64url_decode(parts[0], "header"), "header")
    alg = header.get("alg")
    if alg != ALG:
        raise UnacceptableHeader(f"alg must be {ALG!r}, not {alg!r}")
    if header.get("typ") != typ:
        raise UnacceptableHeader(f"typ must be {typ!r}, not {str(header.get('typ'))[:40]!r}")
    if "cty" in header and header["cty"] != cty:
        raise UnacceptableHeader(f"cty must be {cty!r}, not {str(header['cty'])[:40]!r}")
    if "crit" in header:
        raise UnacceptableHeader("critical header parameters are not supported")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise UnacceptableHeader("kid (the verification method) is required")
    payload_bytes = b64url_decode(parts[1], "payload")
    signature = b64url_decode(parts[2], "signature")
    if len(signature) != 64:
        raise MalformedToken(f"an Ed25519 signature is 64 bytes, this one has {len(signature)}")

    try:
        raw_key = resolve_key(kid)
    except KeyError:
        raw_key = None
    if raw_key is None:
        raise UnknownJoseKey(f"key {kid!r} is unknown or not authorised")
    try:
        verifier = verify_key(public_key_bytes(raw_key))
    except Exception as exc:
        raise UnknownJoseKey(f"key {kid!r} is unusable: {exc}") from None
    try:
        verifier.verify(f"{parts[0]}.{parts[1]}".encode("ascii"), signature)
    except BadSignatureError:
        raise BadJoseSignature(f"the JWS signature by {kid!r} does not match") from None
    credential = _parse_json(payload_bytes, "payload")
    return VerifiedToken(header=header, credential=credential)


def unverified_payload(token: str) -> Any:
    """A compact JWS's payload as JSON (any JSON: the caller says what it must be), read
    without checking the signature (what an envelope claims, before `verify` checks it),
    or MalformedToken."""
    return _json(b64url_decode(_compact_parts(token)[1], "payload"), "payload")


def _compact_parts(token: Any) -> list[str]:
    if not isinstance(token, str):
        raise MalformedToken("a VC-JOSE token is a string")
    parts = token.split(".")
    if len(parts) != 3:
        raise MalformedToken(f"a compact JWS has 3 dot-separated parts, this has {len(parts)}")
    return parts


def _json(data: bytes, what: str) -> Any:
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise MalformedToken(f"JWS {what} is not UTF-8 JSON") from None


def _parse_json(data: bytes, what: str) -> dict[str, Any]:
    value = _json(data, what)
    if not isinstance(value, dict):
        raise MalformedToken(f"JWS {what} must be a JSON object")
    return value


def envelope(token: str) -> dict[str, Any]:
    """The EnvelopedVerifiableCredential carrying `token` (e.g. inside a presentation)."""
    return {
        "@context": VC_V2,
        "id": ENVELOPE_PREFIX + token,
        "type": "EnvelopedVerifiableCredential",
    }


def envelope_presentation(token: str) -> dict[str, Any]:
    """The EnvelopedVerifiablePresentation carrying a holder's `vp+jwt` token."""
    return {
        "@context": VC_V2,
        "id": VP_ENVELOPE_PREFIX + token,
        "type": "EnvelopedVerifiablePresentation",
    }


def unwrap(enveloped: Mapping[str, Any]) -> str:
    """The JWT inside an EnvelopedVerifiableCredential."""
    types = enveloped.get("type")
    types = types if isinstance(types, list) else [types]
    if "EnvelopedVerifiableCredential" not in types:
        raise MalformedToken("not an EnvelopedVerifiableCredential")
    ident = enveloped.get("id")
    if not isinstance(ident, str) or not ident.startswith(ENVELOPE_PREFIX):
        raise MalformedToken(f"envelope id must start with {ENVELOPE_PREFIX!r}")
    return ident[len(ENVELOPE_PREFIX) :]
