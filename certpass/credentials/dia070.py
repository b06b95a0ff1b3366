"""An accreditation as a UNTP 0.7.0 Digital Identity Anchor: the 0.6.1 DIA that
`dia.build_dia` writes (and `accreditation.build_accreditation_credential` signs) in the
0.7.0 vocabulary.

Pure. `from_061` maps a 0.6.1 DIA to 0.7.0 and `to_061` maps it back: for every DIA
certpass writes, `to_061(from_061(d)) == d`, so the 0.7.0 form is the same accreditation in
another form, signed by the same accreditation-body key, and
`accreditation.parse_accreditation_credential` stays the one reader of its facts. A 0.7.0
document is certpass's only if `from_061(to_061(c)) == c` (`read_070`): anything added to,
dropped from or changed in the derived members fails that, and the verifier calls it
malformed.

What changed in the mapping (0.6.1 → 0.7.0), where UNTP 0.7.0 leaves room:
- one context (`UNTP_070`) after VC 2.0; type order as 0.7.0's default
  (DigitalIdentityAnchor, VerifiableCredential);
- a credential `name` (required): "<accredited body>: accreditation <number>";
- the issuer unchanged (CredentialIssuer, id, name); its issuerAlsoKnownAs typed `Party`;
- `credentialSubject.name` → `registeredName` (0.7.0's RegisteredIdentity has no `name`);
- `registeredDate` (required): the accreditation's validFrom date (UTC). certpass keeps no
  separate first-registration date: a renewed accreditation's original grant date cannot
  be represented, and the reader restores nothing from it;
- `registrar` (a `Party`): the issuer's id and name. An accreditation body is the registrar
  of its own register of accreditations; the 0.6.1 form says so only through the issuer;
- `publicInformation`: the credential id, which for certpass's accreditations is the
  public accreditation page (`<base>/accreditations/<number>`);
- `idScheme` unchanged (IdentifierScheme, id, name: the body's register);
- `registerType` `Accreditation` → 0.7.0's `accreditation`. certpass writes no other
  register type, so no other is mapped (from_061 refuses one; read_070 refuses a 0.7.0
  `business`, `product`... anchor: it is no certpass accreditation);
- `registrationScopeList` → `registrationScope`, the same URIs in the same order (the
  accreditation standard first, then schemes, categories, standards, the status and its
  instant; see accreditation.py); 0.7.0 keeps it a list of URIs, so nothing is lost;
- `credentialStatus`: 0.7.0 allows one entry (an object, index an integer). One 0.6.1
  entry (of any purpose) goes there; a revocation entry followed by a suspension entry puts
  the suspension entry in `suspensionStatus` (a certpass term under VC 2.0's @vocab, as
  dcc070 does); any other list cannot be represented and is refused (InvalidInput). certpass
  signs accreditations with no status entry: their status is in the scope list.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from certpass.credentials import dcc070, dia
from certpass.credentials.dcc070 import envelope_061, typed, untyped
from certpass.credentials.documents import UNTP_070, VC_V2
from certpass.errors import InvalidInput

CONTEXT = [VC_V2, UNTP_070]
TYPE = ["DigitalIdentityAnchor", "VerifiableCredential"]
VERSION = "0.7.0"
SUSPENSION = dcc070.SUSPENSION
REGISTER_TYPES = {"Accreditation": "accreditation"}
_REGISTER_TYPES_BACK = {v: k for k, v in REGISTER_TYPES.items()}


class NotA070Dia(InvalidInput):
    code = "not-a-dia"


def is_070(credential: Mapping[str, Any]) -> bool:
    context = credential.get("@context")
    return isinstance(context, list) and UNTP_070 in context


def build_dia_070(inp: dia.AccreditationInput) -> dict[str, Any]:
    """The unsigned 0.7.0 DigitalIdentityAnchor for one accreditation."""
    return from_061(dia.build_dia(inp))


def credential_name(subject: Mapping[str, Any]) -> str:
    return f"{subject['registeredName']}: accreditation {subject['registeredId']}"


# --- 0.6.1 → 0.7.0 -------------------------------------------------------------------------


def from_061(document: Mapping[str, Any]) -> dict[str, Any]:
    """The 0.7.0 form of a 0.6.1 DIA that build_dia wrote (its proof, if any, left out)."""
    d = copy.deepcopy({k: v for k, v in document.items() if k != "proof"})
    s = d["credentialSubject"]
    if s.get("registerType") not in REGISTER_TYPES:
        raise InvalidInput(f"certpass maps accreditation DIAs to 0.7.0, not registerType "
                           f"{s.get('registerType')!r}")
    issuer = dict(d["issuer"])
    if "issuerAlsoKnownAs" in issuer:
        issuer["issuerAlsoKnownAs"] = [typed(p, "Party") for p in issuer["issuerAlsoKnownAs"]]
    subject: dict[str, Any] = {
        "type": ["RegisteredIdentity"], "id": s["id"], "registeredName": s["name"],
        "registeredId": s["registeredId"],
        "registeredDate": d["validFrom"][:10],
        "publicInformation": d["id"],
        "idScheme": dict(s["idScheme"]),
        "registrar": {"type": ["Party"], "id": issuer["id"], "name": issuer["name"]},
        "registerType": REGISTER_TYPES[s["registerType"]],
        "registrationScope": list(s["registrationScopeList"]),
    }
    out: dict[str, Any] = {"@context": list(CONTEXT), "type": list(TYPE), "id": d["id"],
                           "issuer": issuer, "validFrom": d["validFrom"]}
    if "validUntil" in d:
        out["validUntil"] = d["validUntil"]
    out["name"] = credential_name(subject)
    out["credentialSubject"] = subject
    entries = d.get("credentialStatus") or []
    purposes = [e["statusPurpose"] for e in entries]
    if len(entries) > 2 or (len(entries) == 2 and purposes != ["revocation", "suspension"]):
        raise InvalidInput("a 0.7.0 DIA carries one status entry, or a revocation entry then "
                           f"a suspension one (this one has {purposes})")
    if entries:
        first = entries[0]
        out["credentialStatus"] = {**first, "statusListIndex": int(first["statusListIndex"])}
    if len(entries) == 2:
        out[SUSPENSION] = dict(entries[1])
    return out


# --- 0.7.0 → 0.6.1 -------------------------------------------------------------------------


def to_061(document: Mapping[str, Any]) -> dict[str, Any]:
    """The 0.6.1 DIA a 0.7.0 one is the form of (its proof left out); NotA070Dia when it is
    not shaped as from_061 writes."""
    try:
        return _to_061(document)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise NotA070Dia(f"not a UNTP 0.7.0 identity anchor as certpass writes one: {exc!r}",
                         hint="pass the accreditation credential JSON as downloaded") from None


def _to_061(d: Mapping[str, Any]) -> dict[str, Any]:
    s = d["credentialSubject"]
    issuer = dict(d["issuer"])
    if "issuerAlsoKnownAs" in issuer:
        issuer["issuerAlsoKnownAs"] = [untyped(p) for p in issuer["issuerAlsoKnownAs"]]
    subject: dict[str, Any] = {
        "type": ["RegisteredIdentity"], "id": s["id"], "name": s["registeredName"],
        "registeredId": s["registeredId"], "idScheme": dict(s["idScheme"]),
        "registerType": _REGISTER_TYPES_BACK[s["registerType"]],
        "registrationScopeList": list(s["registrationScope"]),
    }
    return envelope_061(d, dia.DIA_CONTEXT, dia.DIA_TYPE, issuer, subject)


def read_070(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The 0.6.1 DIA that a 0.7.0 credential is exactly the form of (proof aside); refused
    (NotA070Dia) when the credential says anything from_061 would not write."""
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    back = to_061(unsigned)
    try:
        again = from_061(back)
    except (KeyError, TypeError, ValueError, InvalidInput) as exc:
        raise NotA070Dia(f"not a UNTP 0.7.0 identity anchor as certpass writes one: "
                         f"{exc!r}") from None
    if again != unsigned:
        differs = sorted(k for k in set(unsigned) | set(again)
                         if unsigned.get(k) != again.get(k))
        raise NotA070Dia("this UNTP 0.7.0 identity anchor is not exactly the form of a "
                         f"certpass accreditation (it differs in: {', '.join(differs)})",
                         hint="only the 0.7.0 credential certpass serves for an accreditation "
                              "is its registered form")
    return back
