"""A certificate issue as a UNTP 0.7.0 Digital Conformity Credential: the 0.6.1 DCC that
`dcc.build_dcc` writes (and the register and the log record) in the 0.7.0 vocabulary.

Pure. `from_061` maps a 0.6.1 DCC to 0.7.0 and `to_061` maps it back: for every DCC
certpass writes, `to_061(from_061(d)) == d`, so a 0.7.0 form is the registered issue in
another form (as its JWT is), and `dcc.read_dcc` stays the one reader of the format. A 0.7.0
document is certpass's only if `from_061(to_061(c)) == c` (`read_070`): anything added to it
(a claim no registered issue makes) fails that, and the verifier calls it unregistered.

What changed in the mapping (0.6.1 → 0.7.0), where UNTP 0.7.0 leaves room:
- one context (`UNTP_070`) after VC 2.0; type order as 0.7.0's default; a credential `name`
  (required): the attestation's name;
- `scope` → `referenceScheme` (id, name, and the 0.6.1 description, version, validFrom,
  owner, which 0.7.0's ConformityScheme keeps) plus a `referenceProfile`: the scheme version
  the certificate was issued under, `<scheme id>#profile-<version>` (certpass keeps no scheme
  versions yet: "current");
- `assessment` → `conformityAssessment`; each names its standard in `referenceStandard` and
  the scheme's regulation in `referenceRegulation` (arrays now), its criteria (required) as
  one Criterion per standard, `<standard id>#requirements`; `assessedPerformance` (required)
  is empty: a certificate attests conformance to the standard, it measures nothing;
- `conformityTopic` code → a ConformityTopic object, id
  `https://vocabulary.uncefact.org/ConformityTopic#<code>` (0.7.0 publishes no code list
  for the 0.6.1 codes);
- `assessmentLevel`: GlobalMRA → authority-globalmra, Accredited → authority-peer,
  GovtApproval → authority-mandate, Unspecified → no-endorsement; `assessorLevel` lower case;
- products: the model → `modelNumber` (0.6.1: registeredId), `IDverifiedByCAB` →
  `idVerifiedByCAB`; `producedByParty` (not a 0.7.0 term) left out: it is the assessed
  organisation; the HS classification keeps id, code, name, schemeName (`Classification`,
  `schemeID` are not 0.7.0 terms; the reader restores them);
- parties typed `Party`; the endorsement untyped (`Endorsement` is no 0.7.0 term);
- `credentialStatus`: 0.7.0 allows one entry (an object, index an integer): the revocation
  entry. The suspension entry goes in `suspensionStatus` (a certpass term, under VC 2.0's
  @vocab), so the verifier checks both bits on either form;
- a printable-certificate link's SHA-256 (0.6.1 hashDigest/hashMethod) → `digestMultibase`
  (base64url multihash), its mediaType application/pdf;
- the credential's `description` in several languages (VC 2.0 language value objects, see
  `dcc.language_descriptions`), when it has one: the same array after `name` (0.7.0 types
  `name` a string and does not define `description`; VC 2.0 does).
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Mapping
from typing import Any

from certpass.credentials import dcc
from certpass.credentials.documents import UNTP_070, VC_V2
from certpass.errors import InvalidInput

CONTEXT = [VC_V2, UNTP_070]
TYPE = ["DigitalConformityCredential", "VerifiableCredential"]
VERSION = "0.7.0"
TOPICS = "https://vocabulary.uncefact.org/ConformityTopic#"
SUSPENSION = "suspensionStatus"
ASSESSMENT_LEVELS = {"GlobalMRA": "authority-globalmra", "Accredited": "authority-peer",
                     "GovtApproval": "authority-mandate", "Unspecified": "no-endorsement"}
_LEVELS_BACK = {v: k for k, v in ASSESSMENT_LEVELS.items()}
ASSESSOR_LEVELS = {v: v if v == "3rdParty" else v.lower() for v in dcc.ASSESSOR_LEVELS}
_ASSESSORS_BACK = {v: k for k, v in ASSESSOR_LEVELS.items()}
_SHA256_MULTIHASH = b"\x12\x20"


class NotA070Dcc(dcc.NotADcc):
    code = "not-a-dcc"


def is_070(credential: Mapping[str, Any]) -> bool:
    context = credential.get("@context")
    return isinstance(context, list) and UNTP_070 in context


def build_dcc_070(inp: dcc.AttestationInput) -> dict[str, Any]:
    """The unsigned 0.7.0 DigitalConformityCredential for one certificate issue."""
    return from_061(dcc.build_dcc(inp))


def read_dcc_070(credential: Mapping[str, Any]) -> dcc.AttestationInput:
    return dcc.read_dcc(read_070(credential))


def typed(obj: Mapping[str, Any], name: str) -> dict[str, Any]:
    """`obj` as a node of type `name` (0.7.0's type-scoped terms reach only typed nodes)."""
    return {"type": [name], **{k: v for k, v in obj.items() if k != "type"}}


def untyped(obj: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in obj.items() if k != "type"}


def topic_name(code: str) -> str:
    area, _, topic = code.partition(".")
    return f"{area.capitalize()}: {topic}"


def _digest_multibase(sha256_hex: str) -> str:
    raw = _SHA256_MULTIHASH + bytes.fromhex(sha256_hex)
    return "u" + base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _sha256_hex(multibase: str) -> str:
    if not multibase.startswith("u"):
        raise ValueError("digestMultibase must be base64url ('u')")
    text = multibase[1:]
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if not raw.startswith(_SHA256_MULTIHASH) or len(raw) != 34:
        raise ValueError("digestMultibase must be a SHA-256 multihash")
    return raw[2:].hex()


def _status_entry(entry: Mapping[str, Any], index: int | str) -> dict[str, Any]:
    return {**entry, "statusListIndex": index}


# --- 0.6.1 → 0.7.0 -------------------------------------------------------------------------


def _product(pv: Mapping[str, Any]) -> dict[str, Any]:
    p = dict(pv["product"])
    out: dict[str, Any] = {"type": ["Product"], "id": p["id"], "name": p["name"]}
    if "registeredId" in p:
        out["modelNumber"] = p["registeredId"]
    if "description" in p:
        out["description"] = p["description"]
    if "productCategory" in p:
        out["productCategory"] = [
            {k: v for k, v in c.items() if k not in ("type", "schemeID")}
            for c in p["productCategory"]]
    return {"product": out, "idVerifiedByCAB": pv["IDverifiedByCAB"]}


def _facility(fv: Mapping[str, Any]) -> dict[str, Any]:
    return {"facility": dict(fv["facility"]), "idVerifiedByCAB": fv["IDverifiedByCAB"]}


def _assessment(a: Mapping[str, Any]) -> dict[str, Any]:
    std = a["referenceStandard"]
    out: dict[str, Any] = {
        "type": ["ConformityAssessment"], "id": a["id"], "name": a["name"],
        "assessmentCriteria": [{"type": ["Criterion"], "id": f"{std['id']}#requirements",
                                "name": f"Requirements of {std['name']}"}],
    }
    if "assessmentDate" in a:
        out["assessmentDate"] = a["assessmentDate"]
    out["assessedPerformance"] = []
    out["referenceStandard"] = [dict(std)]
    if "referenceRegulation" in a:
        out["referenceRegulation"] = [dict(a["referenceRegulation"])]
    out["assessedProduct"] = [_product(pv) for pv in a["assessedProduct"]]
    if "assessedFacility" in a:
        out["assessedFacility"] = [_facility(fv) for fv in a["assessedFacility"]]
    if "assessedOrganisation" in a:
        out["assessedOrganisation"] = typed(a["assessedOrganisation"], "Party")
    code = a["conformityTopic"]
    out["conformityTopic"] = [{"type": ["ConformityTopic"], "id": TOPICS + code,
                               "name": topic_name(code)}]
    out["conformance"] = a["conformance"]
    return out


def _certificate_link(link: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"linkURL": link["linkURL"], "linkName": link["linkName"]}
    if "hashDigest" in link:
        out["digestMultibase"] = _digest_multibase(link["hashDigest"])
    out["mediaType"] = "application/pdf"
    out["linkType"] = link["linkType"]
    return out


def from_061(document: Mapping[str, Any]) -> dict[str, Any]:
    """The 0.7.0 form of a 0.6.1 DCC that build_dcc wrote (its proof, if any, left out)."""
    d = copy.deepcopy({k: v for k, v in document.items() if k != "proof"})
    s = d["credentialSubject"]
    issuer = dict(d["issuer"])
    if "issuerAlsoKnownAs" in issuer:
        issuer["issuerAlsoKnownAs"] = [typed(p, "Party") for p in issuer["issuerAlsoKnownAs"]]
    scope = s["scope"]
    subject: dict[str, Any] = {
        "type": ["ConformityAttestation"], "id": s["id"], "name": s["name"],
        "description": s["description"],
        "assessorLevel": ASSESSOR_LEVELS[s["assessorLevel"]],
        "assessmentLevel": ASSESSMENT_LEVELS[s["assessmentLevel"]],
        "attestationType": s["attestationType"],
        "issuedToParty": typed(s["issuedToParty"], "Party"),
    }
    if "authorisation" in s:
        subject["authorisation"] = [
            {**untyped(e), "issuingAuthority": typed(e["issuingAuthority"], "Party")}
            for e in s["authorisation"]]
    subject["referenceScheme"] = {**scope, "owner": typed(scope["owner"], "Party")}
    subject["referenceProfile"] = {
        "type": ["ConformityProfile"], "id": f"{scope['id']}#profile-{scope['version']}",
        "name": f"{scope['name']}, version {scope['version']}"}
    if "conformityCertificate" in s:
        subject["conformityCertificate"] = _certificate_link(s["conformityCertificate"])
    subject["conformityAssessment"] = [_assessment(a) for a in s["assessment"]]
    out: dict[str, Any] = {"@context": list(CONTEXT), "type": list(TYPE), "id": d["id"],
                           "issuer": issuer, "validFrom": d["validFrom"]}
    if "validUntil" in d:
        out["validUntil"] = d["validUntil"]
    out["name"] = s["name"]
    if "description" in d:
        out["description"] = d["description"]
    out["credentialSubject"] = subject
    entries = d.get("credentialStatus") or []
    by_purpose = {e["statusPurpose"]: e for e in entries}
    if entries:
        if [e["statusPurpose"] for e in entries] != ["revocation", "suspension"][:len(entries)]:
            raise InvalidInput("a 0.7.0 DCC carries a revocation entry, then a suspension one")
        out["credentialStatus"] = _status_entry(by_purpose["revocation"],
                                                int(by_purpose["revocation"]["statusListIndex"]))
        if "suspension" in by_purpose:
            out[SUSPENSION] = dict(by_purpose["suspension"])
    return out


# --- 0.7.0 → 0.6.1 -------------------------------------------------------------------------


def _product_back(pv: Mapping[str, Any], maker: Mapping[str, Any] | None) -> dict[str, Any]:
    p = pv["product"]
    out: dict[str, Any] = {"type": ["Product"], "id": p["id"], "name": p["name"]}
    if "modelNumber" in p:
        out["registeredId"] = p["modelNumber"]
    if "description" in p:
        out["description"] = p["description"]
    if "productCategory" in p:
        out["productCategory"] = [
            {"type": ["Classification"], "id": c["id"], "code": c["code"], "name": c["name"],
             "schemeID": dcc.HS_SCHEME, "schemeName": c["schemeName"]}
            for c in p["productCategory"]]
    if maker is not None:
        out["producedByParty"] = {k: v for k, v in maker.items()
                                  if k in ("id", "name", "registeredId")}
    return {"product": out, "IDverifiedByCAB": pv["idVerifiedByCAB"]}


def _assessment_back(a: Mapping[str, Any]) -> dict[str, Any]:
    [std] = a["referenceStandard"]
    maker = untyped(a["assessedOrganisation"]) if "assessedOrganisation" in a else None
    out: dict[str, Any] = {"type": ["ConformityAssessment", "Declaration"], "id": a["id"],
                           "name": a["name"]}
    if "assessmentDate" in a:
        out["assessmentDate"] = a["assessmentDate"]
    out["referenceStandard"] = dict(std)
    if "referenceRegulation" in a:
        [regulation] = a["referenceRegulation"]
        out["referenceRegulation"] = dict(regulation)
    out["assessedProduct"] = [_product_back(pv, maker) for pv in a["assessedProduct"]]
    if "assessedFacility" in a:
        out["assessedFacility"] = [{"facility": dict(fv["facility"]),
                                    "IDverifiedByCAB": fv["idVerifiedByCAB"]}
                                   for fv in a["assessedFacility"]]
    if maker is not None:
        out["assessedOrganisation"] = maker
    out["conformance"] = a["conformance"]
    [topic] = a["conformityTopic"]
    if not topic["id"].startswith(TOPICS):
        raise ValueError(f"conformity topic {topic['id']!r} is not one certpass writes")
    out["conformityTopic"] = topic["id"][len(TOPICS):]
    return out


def to_061(document: Mapping[str, Any]) -> dict[str, Any]:
    """The 0.6.1 DCC a 0.7.0 one is the form of (its proof left out); NotA070Dcc when it
    is not shaped as from_061 writes."""
    try:
        return _to_061(document)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise NotA070Dcc(f"not a UNTP 0.7.0 conformity credential as certpass writes one: "
                         f"{exc!r}", hint="pass the credential JSON as downloaded") from None


def _to_061(d: Mapping[str, Any]) -> dict[str, Any]:
    s = d["credentialSubject"]
    issuer = dict(d["issuer"])
    if "issuerAlsoKnownAs" in issuer:
        issuer["issuerAlsoKnownAs"] = [untyped(p) for p in issuer["issuerAlsoKnownAs"]]
    scheme = dict(s["referenceScheme"])
    scheme["owner"] = untyped(scheme["owner"])
    subject: dict[str, Any] = {
        "type": ["ConformityAttestation", "Attestation"], "id": s["id"], "name": s["name"],
        "description": s["description"],
        "assessorLevel": _ASSESSORS_BACK[s["assessorLevel"]],
        "assessmentLevel": _LEVELS_BACK[s["assessmentLevel"]],
        "attestationType": s["attestationType"],
        "issuedToParty": untyped(s["issuedToParty"]),
    }
    if "authorisation" in s:
        subject["authorisation"] = [
            {"type": ["Endorsement"], **e, "issuingAuthority": untyped(e["issuingAuthority"])}
            for e in s["authorisation"]]
    if "conformityCertificate" in s:
        link = s["conformityCertificate"]
        back: dict[str, Any] = {"linkURL": link["linkURL"], "linkName": link["linkName"],
                                "linkType": link["linkType"]}
        if "digestMultibase" in link:
            back |= {"hashDigest": _sha256_hex(link["digestMultibase"]), "hashMethod": "SHA-256"}
        back["encryptionMethod"] = "none"
        subject["conformityCertificate"] = back
    subject["scope"] = scheme
    subject["assessment"] = [_assessment_back(a) for a in s["conformityAssessment"]]
    # As build_dcc writes it (a list of language value objects), or refused.
    description = dcc.read_language_values(d["description"]) if "description" in d else ()
    return envelope_061(d, dcc.DCC_CONTEXT, dcc.DCC_TYPE, issuer, subject,
                        description=description)


def envelope_061(d: Mapping[str, Any], context: list[str], types: list[str],
                 issuer: dict[str, Any], subject: dict[str, Any], *,
                 description: tuple[dcc.LanguageValue, ...] = ()) -> dict[str, Any]:
    """The 0.6.1 credential around `subject` of a 0.7.0 one `d` (a DCC's or a DIA's): its id,
    issuer and validity, its `description` in several languages if given (a DCC's), and its
    status entries as 0.6.1's list (the one entry, with its index a string again, then
    `suspensionStatus`)."""
    out: dict[str, Any] = {"@context": list(context), "type": list(types), "id": d["id"],
                           "issuer": issuer, "validFrom": d["validFrom"]}
    if "validUntil" in d:
        out["validUntil"] = d["validUntil"]
    if description:
        out["description"] = [v.to_json() for v in description]
    out["credentialSubject"] = subject
    entries = []
    if "credentialStatus" in d:
        first = d["credentialStatus"]
        entries.append(_status_entry(first, str(int(first["statusListIndex"]))))
    if SUSPENSION in d:
        entries.append(dict(d[SUSPENSION]))
    if entries:
        out["credentialStatus"] = entries
    return out


def read_070(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The 0.6.1 DCC that a 0.7.0 credential is exactly the form of (proof aside); refused
    (NotA070Dcc) when the credential says anything from_061 would not write."""
    unsigned = {k: v for k, v in credential.items() if k != "proof"}
    back = to_061(unsigned)
    try:
        again = from_061(back)
    except (KeyError, TypeError, ValueError, InvalidInput) as exc:
        raise NotA070Dcc(f"not a UNTP 0.7.0 conformity credential as certpass writes one: "
                         f"{exc!r}") from None
    if again != unsigned:
        extra = sorted(k for k in set(unsigned) | set(again) if unsigned.get(k) != again.get(k))
        raise NotA070Dcc("this UNTP 0.7.0 credential is not exactly the form of a certpass "
                         f"certificate issue (it differs in: {', '.join(extra)})",
                         hint="only the 0.7.0 credential certpass serves for an issue is its "
                              "registered form")
    return back
