"""JSON Schema validation of credentials against the bundled W3C VC 2.0 and UNTP schemas
(0.6.1 and 0.7.0), and of conformity-scheme documents against UNTP 0.7.0's cvc schema.

(Validation only: the pydantic I/O shapes of this package would live elsewhere.) Schemas are
resolved from a `referencing.Registry` of the bundled files, so a `$ref` can never trigger a
network fetch. Errors come back as readable strings: "<path>: <what is wrong>".
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from certpass.credentials.documents import bundled_file

# Schemas without an $id of their own get a stable URN so they can sit in the registry.
VC2 = "https://www.w3.org/2022/credentials/v2/verifiable-credential-schema.json"
UNTP_DCC = "urn:certpass:schema:untp-dcc-0.6.1"
UNTP_DIA = "urn:certpass:schema:untp-dia-0.6.1"
UNTP_DCC_070 = "https://untp.unece.org/artefacts/schema/v0.7.0/dcc/ConformityCredential.json"
UNTP_DIA_070 = "https://untp.unece.org/artefacts/schema/v0.7.0/dia/DigitalIdentityAnchor.json"
UNTP_CVC_070 = "https://untp.unece.org/artefacts/schema/v0.7.0/cvc/ConformityScheme.json"
_FILES = {
    VC2: "vc2-verifiable-credential.schema.json",
    UNTP_DCC: "untp-dcc-0.6.1.schema.json",
    UNTP_DIA: "untp-dia-0.6.1.schema.json",
    UNTP_DCC_070: "untp-dcc-0.7.0.schema.json",
    UNTP_DIA_070: "untp-dia-0.7.0.schema.json",
    UNTP_CVC_070: "untp-cvc-0.7.0.schema.json",
}


def _refuse_retrieval(uri: str) -> Resource:
    raise LookupError(f"schema {uri!r} is not bundled; certpass never fetches schemas")


@cache
def _registry() -> Registry:
    resources = []
    for uri, name in _FILES.items():
        schema = bundled_file(name)
        schema.setdefault("$id", uri)
        resources.append((uri, Resource.from_contents(schema, default_specification=DRAFT202012)))
    return Registry(retrieve=_refuse_retrieval).with_resources(resources)  # type: ignore[call-arg]


@cache
def _validator(uri: str) -> Draft202012Validator:
    schema = _registry().contents(uri)
    return Draft202012Validator(schema, registry=_registry(), format_checker=FormatChecker())


def _path(error: ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(credential)"


def _message(error: ValidationError) -> str:
    # Raw jsonschema messages for these keywords quote regexes or say nothing useful.
    if error.validator == "pattern":
        return f"{_path(error)}: {error.instance!r} is not in the required format"
    if error.validator == "contains" and isinstance(error.validator_value, dict):
        wanted = error.validator_value.get("const")
        if wanted is not None:
            return f"{_path(error)}: must include {wanted!r}"
    # oneOf/anyOf failures say little; the most relevant sub-error says what to fix.
    if error.context:
        best = min(error.context, key=lambda e: (len(e.absolute_path), e.message))
        return f"{_path(error)}: {error.message[:120]} ({best.message})"
    return f"{_path(error)}: {error.message}"


def validate(credential: Mapping[str, Any], schema: str) -> list[str]:
    """Readable errors of `credential` against the bundled schema `schema` (VC2, UNTP_DCC,
    UNTP_DIA, the 0.7.0 ones); an empty list means valid."""
    if schema not in _FILES:
        raise KeyError(f"unknown schema {schema!r}; bundled: {sorted(_FILES)}")
    errors = sorted(
        _validator(schema).iter_errors(credential),
        key=lambda e: (list(map(str, e.absolute_path)), e.message),
    )
    return [_message(e) for e in errors]


def validate_vc2(credential: Mapping[str, Any]) -> list[str]:
    return validate(credential, VC2)


def validate_dcc(credential: Mapping[str, Any]) -> list[str]:
    """Errors against both the W3C VC 2.0 and the UNTP 0.6.1 DCC schemas."""
    return [f"VC 2.0: {e}" for e in validate_vc2(credential)] + [
        f"UNTP DCC 0.6.1: {e}" for e in validate(credential, UNTP_DCC)
    ]


def validate_dcc_070(credential: Mapping[str, Any]) -> list[str]:
    """Errors against both the W3C VC 2.0 and the UNTP 0.7.0 DCC schemas."""
    return [f"VC 2.0: {e}" for e in validate_vc2(credential)] + [
        f"UNTP DCC 0.7.0: {e}" for e in validate(credential, UNTP_DCC_070)
    ]


def validate_dia_070(credential: Mapping[str, Any]) -> list[str]:
    """Errors against both the W3C VC 2.0 and the UNTP 0.7.0 DIA schemas."""
    return [f"VC 2.0: {e}" for e in validate_vc2(credential)] + [
        f"UNTP DIA 0.7.0: {e}" for e in validate(credential, UNTP_DIA_070)
    ]


def validate_scheme_document(document: Mapping[str, Any]) -> list[str]:
    """Errors of a conformity-scheme document against UNTP 0.7.0's cvc schema (it is no
    credential, so not against VC 2.0)."""
    return [f"UNTP CVC 0.7.0: {e}" for e in validate(document, UNTP_CVC_070)]


def validate_dia(credential: Mapping[str, Any]) -> list[str]:
    """Errors against both the W3C VC 2.0 and the UNTP 0.6.1 DIA schemas."""
    return [f"VC 2.0: {e}" for e in validate_vc2(credential)] + [
        f"UNTP DIA 0.6.1: {e}" for e in validate(credential, UNTP_DIA)
    ]


@cache
def _compiled(untp: str | None) -> Any:
    """A compiled (Rust) validator of the VC 2.0 schema and, all at once, a UNTP one: it
    answers "valid?" about a hundred times faster than jsonschema, which then only runs to
    explain a failure. It checks formats too, so it is never more lenient than the reference;
    where it is stricter (a format the reference does not check) the reference has the last
    word."""
    contents = _registry().contents
    schema = contents(VC2) if untp is None else {
        "allOf": [contents(VC2), contents(untp)]}
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True, offline=True)


def errors_against(document: Mapping[str, Any], untp: str | None) -> list[str]:
    """Errors against the VC 2.0 schema and, if given, the UNTP schema `untp` (empty: none);
    the compiled validator answers, the reference explains."""
    if _compiled(untp).is_valid(document):
        return []
    errors = [f"VC 2.0: {e}" for e in validate_vc2(document)]
    if untp is not None:
        errors += [f"UNTP: {e}" for e in validate(document, untp)]
    return errors
