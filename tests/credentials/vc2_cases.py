"""Suite-style inputs for the VC-API issuer and the verifier, modelled on the W3C VC Data
Model 2.0 test suite's negative cases (the ones issue 13 lists): each MUST be refused by
the issuer (4xx, nothing signed) with every cryptosuite, and verify `malformed`. `GOOD`
ones must be signed."""

from __future__ import annotations

import copy
from typing import Any

V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"
ISSUER = "did:web:127.0.0.1%3A8000"


def base(issuer: str = ISSUER) -> dict[str, Any]:
    return {"@context": [V2, EXAMPLES], "id": "urn:uuid:58172aac-d8ba-11ed-83dd-0b3aef56cc33",
            "type": ["VerifiableCredential", "ExampleAlumniCredential"], "issuer": issuer,
            "validFrom": "2024-01-01T00:00:00Z",
            "credentialSubject": {"id": "did:example:abc", "alumniOf": "Example University"}}


def _with(**changes: Any) -> Any:
    def make(issuer: str = ISSUER) -> dict[str, Any]:
        c = base(issuer)
        for k, v in changes.items():
            if v is _DROP:
                c.pop(k, None)
            else:
                c[k] = copy.deepcopy(v)
        return c
    return make


_DROP = object()
_TYPED = {"type": ["ExampleType"]}
GOOD = {
    "minimal": _with(),
    "subject-list": _with(credentialSubject=[{"id": "did:example:a"}, {"alumniOf": "X"}]),
    "language-value": _with(name={"@value": "Alumni", "@language": "en"},
                            description={"@value": "شهادة", "@language": "ar",
                                         "@direction": "rtl"}),
    "valid-until": _with(validUntil="2030-01-01T00:00:00+01:00"),
    "evidence-typed": _with(evidence=[{"id": "https://example.org/e/1", **_TYPED}]),
    "related-resource": _with(relatedResource=[
        {"id": "https://example.org/a", "digestSRI":
         "sha384-NSOcNpmdIVUxIJGvGUoe22FjTWrXiaXlsZ8q6912LdnR3KraQO2n75Ica4wK4Qeg"},
        {"id": "https://example.org/b", "digestMultibase": "uEiABC"}]),
}
BAD = {
    "issuer-null": _with(issuer=None),
    "issuer-not-url": _with(issuer="not a url"),
    "issuer-object-without-id": _with(issuer={"name": "X"}),
    "id-with-space": _with(id="https ://example.org/credentials/1"),
    "id-not-url": _with(id="credential-1"),
    "subject-id-not-url": _with(credentialSubject={"id": "abc def"}),
    "subject-empty": _with(credentialSubject={}),
    "subject-empty-list": _with(credentialSubject=[]),
    "subject-missing": _with(credentialSubject=_DROP),
    "type-missing": _with(type=_DROP),
    "type-without-vc": _with(type=["ExampleAlumniCredential"]),
    "context-not-v2-first": _with(**{"@context": [EXAMPLES, V2]}),
    "evidence-untyped": _with(evidence={"id": "https://example.org/e/1"}),
    "terms-of-use-untyped": _with(termsOfUse={"id": "https://example.org/t/1"}),
    "refresh-service-untyped": _with(refreshService={"id": "https://example.org/r"}),
    "credential-status-untyped": _with(credentialStatus={"id": "https://example.org/s#1"}),
    "credential-schema-untyped": _with(credentialSchema={"id": "https://example.org/s.json"}),
    "credential-schema-without-id": _with(credentialSchema={"type": "JsonSchema"}),
    "valid-from-date-only": _with(validFrom="2024-01-01"),
    "valid-from-no-timezone": _with(validFrom="2024-01-01T00:00:00"),
    "valid-from-trailing-junk": _with(validFrom="2024-01-01T00:00:00Zjunk"),
    "valid-until-bad": _with(validUntil="next year"),
    "valid-from-after-until": _with(validFrom="2025-01-01T00:00:00Z",
                                    validUntil="2024-01-01T00:00:00Z"),
    "language-extra-property": _with(name={"@value": "A", "@language": "en", "extra": 1}),
    "language-bad-tag": _with(name={"@value": "A", "@language": "not a tag"}),
    "direction-bad": _with(name={"@value": "A", "@language": "en", "@direction": "up"}),
    "name-number": _with(name=5),
    "related-resource-no-digest": _with(relatedResource=[{"id": "https://example.org/a"}]),
    "related-resource-duplicate-id": _with(relatedResource=[
        {"id": "https://example.org/a", "digestSRI": "sha384-A"},
        {"id": "https://example.org/a", "digestSRI": "sha384-B"}]),
    "related-resource-id-not-url": _with(relatedResource=[{"id": "a b", "digestSRI": "x"}]),
    # SRI digests are base64 of the algorithm's length: not base64url, not truncated.
    "related-resource-sri-short": _with(relatedResource=[
        {"id": "https://example.org/a", "digestSRI": "sha384-ABC"}]),
    "related-resource-sri-base64url": _with(relatedResource=[
        {"id": "https://example.org/a", "digestSRI": "sha256-47DEQpj8HBSa-_TImW-5JCeuQeRkm5N"
                                                     "MpJWZG3hSuFU="}]),
    "related-resource-sri-md5": _with(relatedResource=[
        {"id": "https://example.org/a", "digestSRI": "md5-1B2M2Y8AsgTpgAmY7PhCfg=="}]),
    "protected-term-redefined": _with(**{"@context": [V2, {"type": "https://example.org/t"}]}),
    "undefined-type": _with(type=["VerifiableCredential", "UndefinedType"],
                            **{"@context": [V2]}),
    "undefined-term": _with(undefinedTerm="x", **{"@context": [V2]}),
    "context-not-url": _with(**{"@context": [V2, "example"]}),
    "vocab-null": _with(**{"@context": [V2, EXAMPLES, {"@vocab": None}]}),
}
