"""Ed25519 keys as W3C Multikey strings, did:key and did:web identifiers and DID documents.

Multikey (https://www.w3.org/TR/controller-document/#multikey): base58btc multibase ('z')
of a multicodec header and the raw key. Ed25519 public key header 0xed01 (so the string
starts "z6Mk"), Ed25519 secret key (the 32-byte seed) header 0x8026 ("z3u2").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import quote, unquote, urlsplit

import based58
from nacl.signing import SigningKey, VerifyKey

from certpass.errors import InvalidInput

ED25519_PUB_HEADER = b"\xed\x01"
ED25519_PRIV_HEADER = b"\x80\x26"
DID_CONTEXTS = ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"]


class InvalidKey(InvalidInput):
    code = "invalid-key"


def b58encode(data: bytes) -> str:
    """base58btc (bitcoin alphabet), as multibase 'z' values and proofValues use it."""
    return based58.b58encode(data).decode("ascii")


def b58decode(text: str) -> bytes:
    """base58btc decode; ValueError on a character outside the alphabet. (`based58` wraps
    the Rust `bs58` crate: every proof verification decodes a proofValue, and the pure
    Python `base58` costs several microseconds per signature.)"""
    try:
        return based58.b58decode(text.encode("ascii"))
    except UnicodeEncodeError:
        raise ValueError("invalid base58btc character") from None


def _decode_multibase(value: str, header: bytes, what: str) -> bytes:
    if not isinstance(value, str) or not value.startswith("z"):
        raise InvalidKey(f"{what} must be a base58btc multibase string starting with 'z'")
    try:
        raw = b58decode(value[1:])
    except ValueError as exc:
        raise InvalidKey(f"{what} is not valid base58btc: {exc}") from None
    if raw[:2] != header or len(raw) != 34:
        raise InvalidKey(
            f"{what} is not an Ed25519 Multikey (expected header 0x{header.hex()} and 32 key bytes)"
        )
    return raw[2:]


def encode_public_key(public_key: bytes) -> str:
    """Raw 32-byte Ed25519 public key -> 'z6Mk...'."""
    if len(public_key) != 32:
        raise InvalidKey("an Ed25519 public key is 32 bytes")
    return "z" + b58encode(ED25519_PUB_HEADER + public_key)


@lru_cache(maxsize=1024)
def decode_public_key(multibase: str) -> bytes:
    """'z6Mk...' -> raw 32-byte Ed25519 public key."""
    return _decode_multibase(multibase, ED25519_PUB_HEADER, "publicKeyMultibase")


def encode_secret_key(seed: bytes) -> str:
    """32-byte Ed25519 seed -> 'z3u2...' (secretKeyMultibase)."""
    if len(seed) != 32:
        raise InvalidKey("an Ed25519 seed is 32 bytes")
    return "z" + b58encode(ED25519_PRIV_HEADER + seed)


def decode_secret_key(multibase: str) -> bytes:
    """'z3u2...' -> the 32-byte Ed25519 seed."""
    return _decode_multibase(multibase, ED25519_PRIV_HEADER, "secretKeyMultibase")


@lru_cache(maxsize=1024)
def verify_key(public_key: bytes) -> VerifyKey:
    """Parsed key object, cached: verifiers see the same few issuer keys again and again."""
    return VerifyKey(public_key)


def public_key_bytes(key: bytes | str) -> bytes:
    """Accept a raw public key or its Multikey string."""
    return decode_public_key(key) if isinstance(key, str) else bytes(key)


@dataclass(frozen=True)
class Ed25519KeyPair:
    """A signing key. `seed` is the secret; keep it out of logs and reprs."""

    seed: bytes

    def __post_init__(self) -> None:
        if len(self.seed) != 32:
            raise InvalidKey("an Ed25519 seed is 32 bytes")

    def __repr__(self) -> str:
        return f"Ed25519KeyPair(public={self.public_multibase})"

    @classmethod
    def generate(cls) -> Ed25519KeyPair:
        return cls(bytes(SigningKey.generate()))

    @classmethod
    def from_secret_multibase(cls, value: str) -> Ed25519KeyPair:
        return cls(decode_secret_key(value))

    @property
    def _signing_key(self) -> SigningKey:
        return _signing_key(self.seed)

    @property
    def public_key(self) -> bytes:
        return bytes(self._signing_key.verify_key)

    @property
    def public_multibase(self) -> str:
        return encode_public_key(self.public_key)

    @property
    def secret_multibase(self) -> str:
        return encode_secret_key(self.seed)

    def sign(self, message: bytes) -> bytes:
        """Detached 64-byte Ed25519 signature."""
        return self._signing_key.sign(message).signature


@lru_cache(maxsize=256)
def _signing_key(seed: bytes) -> SigningKey:
    return SigningKey(seed)


# --- did:key -------------------------------------------------------------------------


def did_key(public_key: bytes | str) -> str:
    return "did:key:" + _multibase(public_key)


def did_key_verification_method(public_key: bytes | str) -> str:
    """did:key:z6Mk...#z6Mk... (the key's only verification method)."""
    mb = _multibase(public_key)
    return f"did:key:{mb}#{mb}"


def did_key_document(public_key: bytes | str) -> dict:
    """The DID document a did:key resolver derives from the key itself."""
    mb = _multibase(public_key)
    did = f"did:key:{mb}"
    vm_id = f"{did}#{mb}"
    vm = {"id": vm_id, "type": "Multikey", "controller": did, "publicKeyMultibase": mb}
    return {
        "@context": list(DID_CONTEXTS),
        "id": did,
        "verificationMethod": [vm],
        "authentication": [vm_id],
        "assertionMethod": [vm_id],
        "capabilityDelegation": [vm_id],
        "capabilityInvocation": [vm_id],
    }


def _multibase(public_key: bytes | str) -> str:
    if isinstance(public_key, str):
        decode_public_key(public_key)  # validate
        return public_key
    return encode_public_key(public_key)


# --- did:web ---------------------------------------------------------------------------


def did_web(host: str, *path: str, port: int | None = None) -> str:
    """did:web for https://host[:port]/path.../did.json (the port's ':' is %3A-encoded)."""
    authority = host.lower() + (f"%3A{port}" if port else "")
    segments = [quote(p, safe="") for p in path]
    for p in path:
        if not p or "/" in p:
            raise InvalidInput(f"invalid did:web path segment {p!r}")
    return ":".join(["did:web", authority, *segments])


def did_web_for_body(host: str, body_id: str, port: int | None = None) -> str:
    """certpass layout: did:web:host%3Aport:bodies:<id>."""
    return did_web(host, "bodies", str(body_id), port=port)


def did_web_to_url(did: str) -> str:
    """did:web:host%3A8000:bodies:7 -> https://host:8000/bodies/7/did.json.

    A DID URL's fragment or query is ignored; a bare host maps to /.well-known/did.json.
    """
    if not did.startswith("did:web:"):
        raise InvalidInput(f"not a did:web identifier: {did!r}")
    method_specific = did[len("did:web:") :].split("#", 1)[0].split("?", 1)[0]
    parts = method_specific.split(":")
    if not parts[0]:
        raise InvalidInput(f"did:web without a host: {did!r}")
    authority = unquote(parts[0])
    path = "/".join(unquote(p) for p in parts[1:]) if len(parts) > 1 else ".well-known"
    return f"https://{authority}/{path}/did.json"


def url_to_did_web(url: str) -> str:
    """https://host:port/bodies/7/did.json (or .../bodies/7/) -> did:web:host%3Aport:bodies:7."""
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise InvalidInput(f"did:web needs an https URL with a host: {url!r}")
    path = parts.path
    if path.endswith("/did.json"):
        path = path[: -len("/did.json")]
    segments = [unquote(s) for s in path.strip("/").split("/") if s]
    if segments == [".well-known"]:
        segments = []
    return did_web(parts.hostname, *segments, port=parts.port)


@dataclass(frozen=True)
class DidKeyEntry:
    """One key in a did:web document. Retired (rotated) keys stay listed as they were, so
    what they signed keeps verifying: under W3C Controlled Identifiers `expires` would tell
    verifiers to reject everything the key signed, so a rotation never sets it (when a key
    was retired is published with the key list, /api/bodies/{id}/keys, and in the trust
    bundle). Revoked keys (compromise) carry `revoked` and leave assertionMethod."""

    fragment: str
    public_key: bytes
    revoked: str | None = None  # XMLSchema dateTime: compromised, nothing after is trusted


def did_web_document(
    did: str, keys: list[DidKeyEntry], *, also_known_as: list[str] | None = None
) -> dict:
    """A did:web DID document listing every key as a Multikey verification method."""
    if not keys:
        raise InvalidInput("a DID document needs at least one key")
    methods = []
    for k in keys:
        vm: dict = {
            "id": f"{did}#{k.fragment}",
            "type": "Multikey",
            "controller": did,
            "publicKeyMultibase": encode_public_key(k.public_key),
        }
        if k.revoked:
            vm["revoked"] = k.revoked
        methods.append(vm)
    doc: dict = {"@context": list(DID_CONTEXTS), "id": did}
    if also_known_as:
        doc["alsoKnownAs"] = list(also_known_as)
    doc["verificationMethod"] = methods
    # Revoked keys are still published (so a verifier can say "revoked", not "unknown") but
    # are no longer authorised to assert anything.
    usable = [vm["id"] for k, vm in zip(keys, methods, strict=True) if not k.revoked]
    doc["assertionMethod"] = usable
    doc["authentication"] = usable
    return doc


def find_verification_method(
    did_document: dict, vm_id: str, purpose: str = "assertionMethod"
) -> dict | None:
    """The verification method `vm_id` if the document authorises it for `purpose`."""
    allowed = did_document.get(purpose) or []
    allowed_ids = {a if isinstance(a, str) else a.get("id") for a in allowed}
    if vm_id not in allowed_ids:
        return None
    for vm in did_document.get("verificationMethod") or []:
        if vm.get("id") == vm_id:
            return vm
    for a in allowed:  # embedded verification methods
        if isinstance(a, dict) and a.get("id") == vm_id:
            return a
    return None
