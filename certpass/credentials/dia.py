"""An accreditation as an unsigned UNTP 0.6.1 Digital Identity Anchor (VC 2.0).

Issued by the accreditation body about the accredited body: credentialSubject is a
RegisteredIdentity with registerType `Accreditation`, registeredId the accreditation number
and registrationScopeList the accredited scope as URIs (schemes, standards with edition,
product categories). Validates against the bundled VC 2.0 and UNTP DIA 0.6.1 schemas.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import quote

from certpass.credentials.dcc import Party, StatusRef, envelope
from certpass.credentials.documents import UNTP_DIA_061, VC_V2
from certpass.errors import InvalidInput

DIA_CONTEXT = [VC_V2, UNTP_DIA_061]
DIA_TYPE = ["VerifiableCredential", "DigitalIdentityAnchor"]


def scope_uri(kind: str, value: str) -> str:
    """A URI for one accredited-scope item, e.g. scope_uri("standard", "IEC 60335-1:2020")."""
    return f"urn:certpass:{quote(kind, safe='')}:{quote(value, safe='')}"


@dataclass(frozen=True)
class AccreditationInput:
    credential_id: str  # URI of this credential
    accreditation_body: Party  # issuer; id = its DID
    accredited_body: Party  # subject; id = its DID
    number: str  # accreditation number, e.g. "CNAS C001"
    register_url: str  # URI of the AB's register (the identifier scheme)
    register_name: str
    scope: tuple[str, ...]  # URIs (scheme pages, scope_uri(...) for standards/categories)
    valid_from: datetime
    valid_until: datetime | None = None
    accreditation_standard: str = "ISO/IEC 17065"  # 17025 for laboratories
    status: tuple[StatusRef, ...] = ()
    issuer_also_known_as: tuple[Party, ...] = ()


def build_dia(inp: AccreditationInput) -> dict[str, Any]:
    """The unsigned DigitalIdentityAnchor for one accreditation."""
    if not inp.scope:
        raise InvalidInput(f"accreditation {inp.number} has no accredited scope")
    if inp.valid_from.tzinfo is None or (inp.valid_until and inp.valid_until.tzinfo is None):
        raise InvalidInput(f"accreditation {inp.number}: validity dates must be timezone-aware")
    if inp.valid_until is not None and inp.valid_until <= inp.valid_from:
        raise InvalidInput(f"accreditation {inp.number}: valid_until must follow valid_from")
    subject: dict[str, Any] = {
        "type": ["RegisteredIdentity"],
        "id": inp.accredited_body.id,
        "name": inp.accredited_body.name,
        "registeredId": inp.number,
        "idScheme": {
            "type": ["IdentifierScheme"],
            "id": inp.register_url,
            "name": inp.register_name,
        },
        "registerType": "Accreditation",
        # The accreditation standard first: it says what kind of body this is (CB or lab).
        "registrationScopeList": [
            scope_uri("accreditation-standard", inp.accreditation_standard),
            *inp.scope,
        ],
    }
    return envelope(DIA_CONTEXT, DIA_TYPE, inp.credential_id, inp.accreditation_body,
                    inp.issuer_also_known_as, inp.valid_from, inp.valid_until, subject, inp.status)
