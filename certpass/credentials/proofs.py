"""W3C Data Integrity proofs with EdDSA: `eddsa-jcs-2022` and `eddsa-rdfc-2022`.

https://www.w3.org/TR/vc-di-eddsa/ — the signature covers
SHA-256(canonical proof config) ‖ SHA-256(canonical document), where "canonical" is RFC 8785
JCS (jcs suite) or RDF Dataset Canonicalization (rdfc suite, via pyld's URDNA2015, which
is RDFC-1.0 for these inputs). The jcs proof config carries the document's `@context`
(kept in the output proof); the rdfc one borrows it only while hashing.

Prefer jcs: it signs the JSON as written, whereas rdfc signs the RDF graph and cannot see
changes the context maps to the same graph (see domain.md, "Interoperable formats").

Verification raises a `ProofFailure` subclass naming the step that failed; success returns
one `VerifiedProof` per proof. Proof sets and chains (`previousProof`) are supported.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from nacl.exceptions import BadSignatureError
from pyld import jsonld

from certpass.credentials.documents import DocumentLoader, missing_document, offline_loader
from certpass.credentials.multikey import (
    Ed25519KeyPair,
    b58decode,
    b58encode,
    public_key_bytes,
    verify_key,
)
from certpass.errors import IntegrityFailure
from certpass.jcs import canonicalize, canonicalize_unchecked

JCS = "eddsa-jcs-2022"
RDFC = "eddsa-rdfc-2022"
SUITES = (JCS, RDFC)

# resolve_key(verification_method_id) -> raw public key or Multikey string; raise KeyError
# (or return None) when the method is unknown or not authorised for the proof's purpose.
KeyResolver = Callable[[str], bytes | str | None]


class ProofFailure(IntegrityFailure):
    """A Data Integrity proof did not verify. `step` says where."""

    code = "proof-failed"
    step = "proof"


class MalformedProof(ProofFailure):
    code = "proof-malformed"
    step = "malformed-proof"


class UnsupportedSuite(ProofFailure):
    code = "proof-unsupported-suite"
    step = "unsupported-suite"


class WrongPurpose(ProofFailure):
    code = "proof-wrong-purpose"
    step = "wrong-purpose"


class UnknownKey(ProofFailure):
    code = "proof-unknown-key"
    step = "unknown-key"


class CanonicalizationFailed(ProofFailure):
    code = "proof-canonicalization-failed"
    step = "canonicalization"


class BadSignature(ProofFailure):
    code = "proof-bad-signature"
    step = "bad-signature"


@dataclass(frozen=True)
class VerifiedProof:
    cryptosuite: str
    verification_method: str
    proof_purpose: str
    created: str | None
    proof_id: str | None = None
    # eddsa-jcs-2022 without previousProof: hex SHA-256 of the RFC 8785 document without its
    # proof, as hashed for the signature (a verifier reuses it instead of hashing again).
    document_sha256: str | None = None


def format_created(created: str | datetime) -> str:
    """XMLSchema dateTime in UTC, seconds precision (what the test vectors use)."""
    if isinstance(created, str):
        return created
    if created.tzinfo is None:
        raise ValueError("created must be timezone-aware")
    return created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- canonical forms and hashes (public so tests can compare each step to the vectors) --


def canonical_document(document: Mapping[str, Any], suite: str, loader: DocumentLoader) -> bytes:
    if suite == JCS:
        return canonicalize(document)
    return _rdfc(document, loader)


def canonical_proof_config(
    proof_config: Mapping[str, Any], suite: str, loader: DocumentLoader
) -> bytes:
    if suite == JCS:
        return canonicalize(proof_config)
    return _rdfc(proof_config, loader)


def hash_data(canonical_proof: bytes, canonical_doc: bytes) -> bytes:
    """The 64 bytes that are signed: proof-config hash first, then document hash."""
    return hashlib.sha256(canonical_proof).digest() + hashlib.sha256(canonical_doc).digest()


def _rdfc(document: Mapping[str, Any], loader: DocumentLoader) -> bytes:
    try:
        nquads = jsonld.normalize(
            dict(document),
            {
                "algorithm": "URDNA2015",
                "format": "application/n-quads",
                "documentLoader": loader,
                # @direction becomes an i18n datatype instead of being dropped (what the
                # Digital Bazaar suites do): flipping a text's direction breaks the proof.
                "rdfDirection": "i18n-datatype",
            },
        )
    except jsonld.JsonLdError as exc:
        missing = missing_document(exc)
        if missing is not None:
            raise missing from None
        code = exc.code if isinstance(exc.code, str) and len(exc.code) < 60 else None
        raise CanonicalizationFailed(
            "RDF canonicalization failed" + (f" ({code})" if code else "")) from None
    except Exception:
        raise CanonicalizationFailed("RDF canonicalization failed (the @context cannot be "
                                     "processed)") from None
    return nquads.encode("utf-8")




# --- signing ------------------------------------------------------------------------------


def sign(
    document: Mapping[str, Any],
    key: Ed25519KeyPair,
    verification_method: str,
    suite: str,
    created: str | datetime,
    proof_purpose: str = "assertionMethod",
    *,
    proof_id: str | None = None,
    previous_proof: str | list[str] | None = None,
    document_loader: DocumentLoader | None = None,
    challenge: str | None = None,
    domain: str | None = None,
) -> dict[str, Any]:
    """Return a copy of `document` with a DataIntegrityProof added (`challenge` and
    `domain`: for a presentation's authentication proof).

    If the document already has proofs, the new one joins the set; `previous_proof` names the
    proofs it chains to (they are then covered by the new signature).
    """
    if suite not in SUITES:
        raise UnsupportedSuite(f"unsupported cryptosuite {suite!r}; use one of {SUITES}")
    loader = document_loader or offline_loader()
    existing = _proof_list(document.get("proof"))
    unsecured = _unsecured(document, existing, previous_proof)

    proof: dict[str, Any] = {"type": "DataIntegrityProof"}
    if proof_id:
        proof["id"] = proof_id
    proof["cryptosuite"] = suite
    proof["created"] = format_created(created)
    proof["verificationMethod"] = verification_method
    proof["proofPurpose"] = proof_purpose
    if previous_proof is not None:
        proof["previousProof"] = previous_proof
    if challenge is not None:
        proof["challenge"] = challenge
    if domain is not None:
        proof["domain"] = domain
    config = dict(proof)
    if "@context" in document:
        config["@context"] = document["@context"]
        if suite == JCS:
            proof["@context"] = document["@context"]  # jcs keeps it in the proof

    signature = key.sign(
        hash_data(
            canonical_proof_config(config, suite, loader),
            canonical_document(unsecured, suite, loader),
        )
    )
    proof["proofValue"] = "z" + b58encode(signature)

    signed = {k: v for k, v in document.items() if k != "proof"}
    signed["proof"] = [*existing, proof] if existing else proof
    return signed


def _proof_list(value: Any) -> list[dict[str, Any]]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _unsecured(
    document: Mapping[str, Any],
    proofs: list[dict[str, Any]],
    previous_proof: str | list[str] | None,
) -> dict[str, Any]:
    """The document without its proofs, plus the proofs `previous_proof` chains to."""
    unsecured = {k: v for k, v in document.items() if k != "proof"}
    if previous_proof is not None:
        wanted = [previous_proof] if isinstance(previous_proof, str) else list(previous_proof)
        matching = [p for p in proofs if isinstance(p, dict) and p.get("id") in wanted]
        if len(matching) != len(wanted):
            raise MalformedProof(f"previousProof {wanted} does not match proofs in the document")
        unsecured["proof"] = matching
    return unsecured


# --- verification -------------------------------------------------------------------------


def verify(
    signed_document: Mapping[str, Any],
    resolve_key: KeyResolver,
    *,
    expected_purpose: str = "assertionMethod",
    document_loader: DocumentLoader | None = None,
    unsecured_sha256: bytes | None = None,
) -> list[VerifiedProof]:
    """Verify every proof on `signed_document`; raise a ProofFailure at the first failure.
    `unsecured_sha256`: SHA-256 of `canonicalize_unchecked` of the document without its
    proofs, when the caller has it already (the verifier does): a jcs proof that chains to
    no other then needs no second serialisation of the document."""
    if not isinstance(signed_document, Mapping):
        raise MalformedProof("a secured document must be a JSON object")
    proofs = _proof_list(signed_document.get("proof"))
    if not proofs:
        raise MalformedProof("the document has no proof")
    loader = document_loader  # built lazily: the jcs path never needs it
    results = []
    for proof in proofs:
        if not isinstance(proof, dict):
            raise MalformedProof("each proof must be a JSON object")
        if proof.get("cryptosuite") == RDFC and loader is None:
            loader = offline_loader()
        results.append(
            _verify_one(signed_document, proofs, proof, resolve_key, expected_purpose, loader,
                        unsecured_sha256)
        )
    return results


def _verify_one(
    document: Mapping[str, Any],
    proofs: list[dict[str, Any]],
    proof: dict[str, Any],
    resolve_key: KeyResolver,
    expected_purpose: str,
    loader: DocumentLoader | None,
    unsecured_sha256: bytes | None = None,
) -> VerifiedProof:
    if proof.get("type") != "DataIntegrityProof":
        raise MalformedProof(f"proof type must be DataIntegrityProof, not {proof.get('type')!r}")
    suite = proof.get("cryptosuite")
    if suite not in SUITES:
        raise UnsupportedSuite(f"unsupported cryptosuite {suite!r}")
    vm = proof.get("verificationMethod")
    purpose = proof.get("proofPurpose")
    value = proof.get("proofValue")
    if not isinstance(vm, str) or not vm:
        raise MalformedProof("proof.verificationMethod must be a non-empty string")
    if not isinstance(value, str) or not value.startswith("z"):
        raise MalformedProof("proof.proofValue must be a base58btc multibase string ('z...')")
    created = proof.get("created")
    if created is not None and not isinstance(created, str):
        raise MalformedProof("proof.created must be a dateTime string")
    if purpose != expected_purpose:
        raise WrongPurpose(f"proofPurpose is {purpose!r}, expected {expected_purpose!r}")
    try:
        signature = b58decode(value[1:])
    except ValueError:
        raise MalformedProof("proof.proofValue is not valid base58btc") from None
    if len(signature) != 64:
        raise MalformedProof(f"an Ed25519 signature is 64 bytes, proofValue has {len(signature)}")

    try:
        raw_key = resolve_key(vm)
    except KeyError:
        raw_key = None
    if raw_key is None:
        raise UnknownKey(f"verification method {vm!r} is unknown or not authorised")
    try:
        verifier = verify_key(public_key_bytes(raw_key))
    except Exception as exc:
        raise UnknownKey(f"verification method {vm!r} has an unusable key: {exc}") from None

    config = {k: v for k, v in proof.items() if k != "proofValue"}
    if suite == JCS:
        if "@context" in config:
            _check_context_prefix(document.get("@context"), config["@context"])
    else:
        config.pop("@context", None)
        if "@context" in document:
            config["@context"] = document["@context"]
    unsecured = _unsecured(document, proofs, proof.get("previousProof"))

    digest: bytes | None = None
    if suite == JCS:
        # Fast bytes first; on a mismatch retry with exact RFC 8785 (jcs.py explains why the
        # shortcut can wrongly reject, then retried, but never wrongly accept).
        doc_hash = unsecured_sha256 if unsecured_sha256 is not None and \
            proof.get("previousProof") is None else \
            hashlib.sha256(canonicalize_unchecked(unsecured)).digest()
        data = hashlib.sha256(canonicalize_unchecked(config)).digest() + doc_hash
        ok = _signature_ok(verifier, data, signature)
        if not ok:
            exact = hash_data(canonicalize(config), canonicalize(unsecured))
            ok = exact != data and _signature_ok(verifier, exact, signature)
            data = exact
        digest = data[32:]
    else:
        data = hash_data(_rdfc(config, loader), _rdfc(unsecured, loader))  # type: ignore[arg-type]
        ok = _signature_ok(verifier, data, signature)
    if not ok:
        raise BadSignature(
            f"the {suite} signature by {vm!r} does not match the document",
            hint="the credential was altered after signing, or signed with another key",
        )
    return VerifiedProof(suite, vm, purpose, created, proof.get("id"),
                         digest.hex() if digest is not None and not proof.get("previousProof")
                         else None)


def _signature_ok(verifier: Any, data: bytes, signature: bytes) -> bool:
    try:
        verifier.verify(data, signature)
    except BadSignatureError:
        return False
    return True


def _check_context_prefix(doc_context: Any, proof_context: Any) -> None:
    """The jcs proof's @context must be a prefix of the document's (spec step)."""
    d = doc_context if isinstance(doc_context, list) else [doc_context]
    p = proof_context if isinstance(proof_context, list) else [proof_context]
    if d[: len(p)] != p:
        raise MalformedProof("proof @context does not match the start of the document @context")
