"""Hostile and broken JSON-LD contexts (the table the issuer, the verifier and the HTTP
tests all run): each makes JSON-LD processing fail or drop data."""

from __future__ import annotations

from typing import Any

V2 = "https://www.w3.org/ns/credentials/v2"
EXAMPLES = "https://www.w3.org/ns/credentials/examples/v2"

# name -> (@context, extra properties)
HOSTILE: dict[str, tuple[list[Any], dict[str, Any]]] = {
    "vocab-null": ([V2, {"@vocab": None}], {}),
    "vocab-null-undefined-term": ([V2, {"@vocab": None}], {"undefinedTerm": "x"}),
    "vocab-number": ([V2, {"@vocab": 5}], {}),
    "context-number": ([V2, 5], {}),
    "context-null-resets-protected": ([V2, None], {}),
    "protected-term-redefined": ([V2, {"id": "https://example.org/id"}], {}),
    "protected-type-redefined": ([V2, {"type": "https://example.org/type"}], {}),
    "term-mapped-to-null": ([V2, {"nickname": None}], {"nickname": "x"}),
    "not-a-url": ([V2, "not a url"], {}),
    "unbundled-url": ([V2, "https://attacker.example/context.jsonld"], {}),
    "import": ([V2, {"@import": "https://attacker.example/"}], {}),
    "base-number": ([V2, {"@base": 5}], {}),
    "language-number": ([V2, {"@language": 5}], {}),
    "direction-bad": ([V2, {"@direction": "up"}], {}),
    "version-bad": ([V2, {"@version": 2}], {}),
    "term-list-value": ([V2, {"foo": [1]}], {"foo": "x"}),
    "term-type-number": ([V2, {"foo": {"@id": "https://example.org/foo", "@type": 5}}],
                         {"foo": "x"}),
    "keyword-alias-loop": ([V2, {"a": "b:x", "b": "a:y"}], {"a": "x"}),
    # The VC 2.0 context defines no @vocab: an undefined term is dropped.
    "undefined-term": ([V2], {"undefinedTerm": "x"}),
    "undefined-type": ([V2], {"type": ["VerifiableCredential", "UndefinedType"]}),
    "relative-type": ([V2, {"@vocab": None}], {"type": ["VerifiableCredential", "Foo"]}),
    # A value that expands to nothing (jsonld.js safe mode: "null @value value").
    "null-value": ([V2], {"name": {"@value": None}}),
    "null-value-in-subject": ([V2], {"credentialSubject": {"id": "did:example:subject",
                                                          "name": {"@value": None}}}),
}


def credential(context: list[Any], extra: dict[str, Any] | None = None,
               issuer: str = "did:example:issuer") -> dict[str, Any]:
    return {"@context": context, "type": ["VerifiableCredential"], "issuer": issuer,
            "credentialSubject": {"id": "did:example:subject", "name": "Alice"},
            **(extra or {})}


def hostile(name: str, issuer: str = "did:example:issuer") -> dict[str, Any]:
    context, extra = HOSTILE[name]
    return credential(context, extra, issuer)


# What an error body may never show: the JSON-LD processor's internals.
INTERNALS = ("Traceback", "File \"", "pyld", "jsonld.", "KeyError", "TypeError", "causeTrace",
             "Details:", "Type: jsonld")


def leaks(text: str) -> list[str]:
    return [word for word in INTERNALS if word in text]
