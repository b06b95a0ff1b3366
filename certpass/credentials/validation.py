"""One validation path for a W3C VC 2.0 credential, whatever signs or verifies it: the VC 2.0
JSON Schema, the data-model rules of vc_model, then JSON-LD expansion in safe mode
(jsonld_safe). The VC-API issuer calls `ensure_valid` before signing; the verifier runs the
same three steps (with its compiled schema) and calls a failure `malformed`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from certpass.credentials import jsonld_safe, schemas, vc_model
from certpass.errors import InvalidInput


class InvalidCredential(InvalidInput):
    """The credential breaks the VC 2.0 data model."""

    code = "invalid-credential"


def problems(credential: Mapping[str, Any]) -> list[str]:
    """Schema errors, then data-model problems (empty: none)."""
    return [f"VC 2.0 schema: {e}" for e in schemas.validate_vc2(credential)] + \
        vc_model.problems(credential)


def ensure_valid(credential: Mapping[str, Any], what: str = "the credential") -> None:
    """Raise InvalidCredential (or jsonld_safe.InvalidJsonLd) unless `credential` meets
    the VC 2.0 data model and expands as JSON-LD without losing anything."""
    _refuse(problems(credential), what)
    jsonld_safe.check(credential, what)


def ensure_registrable(credential: Mapping[str, Any], untp: str,
                       what: str = "the credential") -> None:
    """`ensure_valid` with the compiled schema check (VC 2.0 and the UNTP schema `untp`),
    for a credential the register issues: what the verifier then need not check again for
    content byte-identical to a registered issue."""
    _refuse([f"schema: {e}" for e in schemas.errors_against(credential, untp)]
            + vc_model.problems(credential), what)
    jsonld_safe.check(credential, what)


def _refuse(found: list[str], what: str) -> None:
    if found:
        more = f" (and {len(found) - 3} more)" if len(found) > 3 else ""
        raise InvalidCredential(
            f"{what} does not meet the W3C VC 2.0 data model: " + "; ".join(found[:3]) + more,
            hint="see details.problems for every one", details={"problems": found})
