"""A certificate issue as an unsigned UNTP 0.6.1 Digital Conformity Credential (VC 2.0).

Pure mapping: the caller (certificates service) turns database rows into the frozen
dataclasses below; `build_dcc` returns the JSON to sign. Every output validates against the
bundled W3C VC 2.0 and UNTP DCC 0.6.1 JSON Schemas (tests/credentials/test_dcc.py).

Field choices, where UNTP leaves room:
- one ConformityAssessment per standard applied, each naming every product and factory;
- assessmentLevel is `GlobalMRA` when the accreditation body signs the IAF MLA or ILAC MRA,
  `Accredited` for other accreditation, `GovtApproval` for a government designation alone;
- only properties the UNTP 0.6.1 context defines are used: the bundled VC v2 context has no
  @vocab, so an undefined property would be silently left out of the RDF graph and hence
  out of an eddsa-rdfc-2022 signature. So: one ProductVerification per model (registeredId =
  model, typed `Product` to reach description/productCategory/producedByParty), trademark
  and ratings in the product description, HS code as a productCategory Classification,
  factory economy as countryOfOperation and its address as an Address; the certificate and
  issue numbers sit in the attestation's name, description and id;
- no `type` on assessedProduct / assessedFacility items or on links (conformityCertificate,
  endorsementEvidence). The 0.6.1 schema requires none, but any `type` it accepts must
  contain a bare name (ProductVerification, FacilityVerification, Link, SecureLink) that the
  0.6.1 context does not define: it would expand to a relative @type IRI, which jsonld.js
  safe mode (the JS eddsa-rdfc-2022 suite) refuses and pyld silently drops. The vocabulary
  implies these classes (the ranges of their properties) and UNTP's own sample instance
  leaves them untyped too (tests/credentials/test_jsonld_iris.py);
- names in other languages (a holder's, manufacturer's or product's `names` beside English
  and Chinese): every UNTP `name` stays the single English string both UNTP schemas type it
  as; the credential gets a top-level `description` (VC 2.0 §4.6, which neither UNTP schema
  defines and both allow) that is an array of language value objects, one per language,
  saying who holds the certificate for what (`language_descriptions`). Without other names
  there is no such description: the credential is what it was before.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import lru_cache
from typing import Any
from urllib.parse import quote, unquote

from certpass.credentials.documents import UNTP_DCC_061, VC_V2
from certpass.credentials.status_list import status_entry
from certpass.errors import InvalidInput

DCC_CONTEXT = [VC_V2, UNTP_DCC_061]
DCC_TYPE = ["VerifiableCredential", "DigitalConformityCredential"]
ASSESSOR_LEVELS = ("Self", "Commercial", "Buyer", "Membership", "Unspecified", "3rdParty")
ATTESTATION_TYPES = (
    "certification", "declaration", "inspection", "testing", "verification", "validation",
    "calibration",
)  # fmt: skip
CONFORMITY_TOPICS = (
    "environment.energy", "environment.emissions", "environment.water", "environment.waste",
    "environment.deforestation", "environment.biodiversity", "circularity.content",
    "circularity.design", "social.labour", "social.rights", "social.community",
    "social.safety", "governance.ethics", "governance.compliance", "governance.transparency",
)  # fmt: skip


@dataclass(frozen=True)
class Party:
    """An organisation: `id` is a URI (a DID, or the URL of its entry in a register)."""

    id: str
    name: str
    registered_id: str | None = None
    description: str | None = None


@dataclass(frozen=True)
class StandardRef:
    """A standard with its edition, e.g. "IEC 60335-1:2020", and who publishes it."""

    designation: str
    publisher: Party
    id: str | None = None  # URI; default urn:certpass:standard:<designation>
    issue_date: date | None = None


# Publishers recognised from a designation's prefix, so callers may pass plain strings.
KNOWN_PUBLISHERS: dict[str, Party] = {
    "IEC": Party("https://www.iec.ch", "International Electrotechnical Commission"),
    "ISO": Party("https://www.iso.org", "International Organization for Standardization"),
    "GB": Party("https://www.sac.gov.cn", "Standardization Administration of China"),
    "EN": Party("https://www.cencenelec.eu", "CEN-CENELEC"),
    "AS/NZS": Party("https://www.standards.org.au", "Standards Australia / Standards NZ"),
    "UL": Party("https://www.ul.com", "UL Standards & Engagement"),
    "GSO": Party("https://www.gso.org.sa", "GCC Standardization Organization"),
}


def standard_ref(designation: str) -> StandardRef:
    """A StandardRef from a designation; the publisher comes from its prefix (IEC, GB...)."""
    head = designation.split(" ", 1)[0].upper()
    for prefix in (head, head.split("/", 1)[0], head.split("-", 1)[0]):
        publisher = KNOWN_PUBLISHERS.get(prefix)
        if publisher:
            return StandardRef(designation, publisher)
    raise InvalidInput(
        f"unknown publisher for standard {designation!r}",
        hint=f"pass a StandardRef; known prefixes: {', '.join(KNOWN_PUBLISHERS)}",
    )


@dataclass(frozen=True)
class Product:
    name: str
    models: tuple[str, ...] = ()
    trademark: str | None = None
    hs_code: str | None = None
    ratings: str | None = None
    id: str | None = None  # URI (e.g. a GS1 Digital Link); default derived from the credential
    verified_by_cab: bool = True


@dataclass(frozen=True)
class Factory:
    name: str
    economy: str  # ISO 3166-1 alpha-2
    address: str | None = None
    id: str | None = None  # URI; default derived from the credential
    registered_id: str | None = None
    verified_by_cab: bool = True  # a factory inspection confirmed it


@dataclass(frozen=True)
class Regulation:
    id: str  # URI of the regulation
    name: str
    jurisdiction: str  # ISO 3166-1 alpha-2 (or bloc code)
    administered_by: Party
    effective_date: date | None = None


@dataclass(frozen=True)
class Scheme:
    id: str  # URI
    code: str  # e.g. "IECEE-CB", "CCC"
    name: str
    owner: Party
    valid_from: date  # of the scheme version the certificate was issued under
    description: str = ""
    version: str = "current"


@dataclass(frozen=True)
class AccreditationRef:
    """The accreditation under which the issuer certifies (→ authorisation[])."""

    id: str  # URI: the accreditation's DIA credential id or register URL
    number: str
    scope: str  # human-readable accredited scope
    body: Party  # the accreditation body (id = its DID)
    iaf_mla_signatory: bool = False
    ilac_mra_signatory: bool = False
    evidence_url: str | None = None  # where the accreditation credential / certificate is

    @property
    def global_mra(self) -> bool:
        return self.iaf_mla_signatory or self.ilac_mra_signatory


@dataclass(frozen=True)
class StatusRef:
    list_credential: str  # URL of the BitstringStatusListCredential
    index: int
    purpose: str = "revocation"  # or "suspension"


@dataclass(frozen=True)
class DocumentLink:
    """The printable certificate (PDF), pinned by its SHA-256."""

    url: str
    name: str
    sha256_hex: str | None = None
    link_type: str = "https://test.uncefact.org/vocabulary/linkTypes/dcc"


@dataclass(frozen=True)
class LanguageValue:
    """A VC 2.0 language value object (§4.6 Names and Descriptions, and §11.1 Language and
    Base Direction): a text, its BCP 47 language tag and, for a right-to-left script, its
    base direction ("rtl"; None: none stated)."""

    value: str
    language: str
    direction: str | None = None

    def to_json(self) -> dict[str, str]:
        out = {"@value": self.value, "@language": self.language}
        if self.direction is not None:
            out["@direction"] = self.direction
        return out


@dataclass(frozen=True)
class Names:
    """What a party or product is called: `name` in English, `name_zh` in (Simplified)
    Chinese ("" if none) and `others` in other languages and scripts, as (BCP 47 tag, name)
    pairs (a certificate issue's `names`)."""

    name: str
    name_zh: str = ""
    others: tuple[tuple[str, str], ...] = ()

    def in_language(self, tag: str) -> str:
        """The name in the language `tag`; where there is none, the English name stands in
        (the Chinese one first, if any, for a Chinese tag such as zh-Hant)."""
        for other, name in self.others:
            if other == tag:
                return name
        if _primary(tag) == "zh" and self.name_zh:
            return self.name_zh
        return self.name


# Languages (primary subtags) and scripts (ISO 15924) written right to left: their
# descriptions say "@direction": "rtl". A script subtag decides where there is one (az-Arab
# is right to left, ks-Deva is not).
RTL_LANGUAGES = frozenset({
    "ar", "arc", "ckb", "dv", "fa", "he", "iw", "ks", "lrc", "mzn", "nqo", "pnb", "ps", "sd",
    "syr", "ug", "ur", "yi",
})  # fmt: skip
RTL_SCRIPTS = frozenset({"Adlm", "Arab", "Hebr", "Mand", "Mend", "Nkoo", "Rohg", "Samr",
                         "Syrc", "Thaa", "Yezi"})
# How a language lists several products ("Kettle, Toaster"): the comma of its script.
_LIST_SEPARATORS = {"zh": "、", "ja": "、", "ar": "، ", "fa": "، ", "ur": "، ", "ps": "، ",
                    "sd": "، ", "ug": "، ", "ckb": "، "}
_DASH = " — "


def _primary(tag: str) -> str:
    return tag.split("-", 1)[0].lower()


def is_rtl(tag: str) -> bool:
    """Whether the language `tag` (BCP 47) is written right to left."""
    subtags = tag.split("-")
    for sub in subtags[1:]:
        if len(sub) == 4 and sub.isalpha():  # the script subtag
            return sub.title() in RTL_SCRIPTS
    return subtags[0].lower() in RTL_LANGUAGES


def language_descriptions(holder: Names, products: Sequence[Names],
                          manufacturer: Names | None = None) -> tuple[LanguageValue, ...]:
    """The credential's description in each language someone in it has a name in: who holds
    the certificate for what, "<holder> — <product>, <product>" (then " — <manufacturer>"
    when the manufacturer is another party than the holder), one language value object per
    language. English ("en") first, Chinese ("zh") when the holder, the manufacturer or a
    product has a Chinese name, then every other tag of their `others` in sorted order; a
    right-to-left language (`is_rtl`: Arabic, Hebrew, Persian...) with "@direction": "rtl".

    Where a party or product has no name in a language, its English name stands in (for a
    Chinese tag such as zh-Hant, its Chinese name if it has one, then its English one); a
    manufacturer with the holder's English name is the holder, and its names stand in for
    the holder's. Empty when none of them has a name in another language beside English and
    Chinese: such a credential has no top-level description (it stays as it was)."""
    same = manufacturer is not None and manufacturer.name == holder.name
    everyone = [holder, *products, *([manufacturer] if manufacturer else [])]
    others = sorted({tag for n in everyone for tag, _ in n.others})
    if not others:
        return ()
    tags = ["en", *(["zh"] if any(n.name_zh for n in everyone) else []), *others]

    def holder_in(tag: str) -> str:
        if same and manufacturer is not None and holder.in_language(tag) == holder.name:
            return manufacturer.in_language(tag)
        return holder.in_language(tag)

    out = []
    for tag in tags:
        names = list(dict.fromkeys(p.in_language(tag) for p in products))
        text = holder_in(tag) + _DASH + _LIST_SEPARATORS.get(_primary(tag), ", ").join(names)
        if manufacturer is not None and not same:
            text += _DASH + manufacturer.in_language(tag)
        out.append(LanguageValue(text, tag, "rtl" if is_rtl(tag) else None))
    return tuple(out)


def read_language_values(value: Any) -> tuple[LanguageValue, ...]:
    """The language value objects of a top-level description as build_dcc writes it (a
    non-empty list of them); () for none. ValueError for anything else."""
    if value is None:
        return ()
    if not isinstance(value, list) or not value:
        raise ValueError("description must be a list of language value objects")
    out = []
    for v in value:
        if not (isinstance(v, Mapping) and set(v) <= {"@value", "@language", "@direction"}
                and isinstance(v.get("@value"), str) and isinstance(v.get("@language"), str)
                and v.get("@direction", "rtl") in ("ltr", "rtl")):
            raise ValueError(f"description item {v!r} is not a language value object")
        out.append(LanguageValue(v["@value"], v["@language"], v.get("@direction")))
    return tuple(out)


@dataclass(frozen=True)
class AttestationInput:
    credential_id: str  # URI of this credential (one per certificate issue)
    certificate_url: str  # URI of the certificate issue (the attestation's id)
    certificate_number: str
    issue_number: int
    scheme: Scheme
    issuer: Party  # the certification body; id = its DID
    holder: Party
    products: tuple[Product, ...]
    factories: tuple[Factory, ...]
    standards: tuple[StandardRef | str, ...]
    valid_from: datetime
    valid_until: datetime | None = None
    manufacturer: Party | None = None
    regulation: Regulation | None = None
    accreditation: AccreditationRef | None = None
    government_designated: bool = False
    assessment_date: date | None = None
    attestation_type: str = "certification"
    assessor_level: str = "3rdParty"
    conformity_topic: str = "governance.compliance"
    issuer_also_known_as: tuple[Party, ...] = ()
    certificate_document: DocumentLink | None = None
    status: tuple[StatusRef, ...] = field(default=())
    description: str | None = None
    # The credential's top-level description in several languages (language_descriptions);
    # empty: the credential has none.
    credential_description: tuple[LanguageValue, ...] = ()


def xsd_datetime(value: datetime) -> str:
    if value.tzinfo is None:
        raise InvalidInput("credential dates must be timezone-aware")
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def party(p: Party, *, with_description: bool = False) -> dict[str, Any]:
    out: dict[str, Any] = {"id": p.id, "name": p.name}
    if p.registered_id:
        out["registeredId"] = p.registered_id
    if with_description and p.description:
        out["description"] = p.description
    return out


def credential_issuer(issuer: Party, also_known_as: tuple[Party, ...] = ()) -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["CredentialIssuer"], "id": issuer.id, "name": issuer.name}
    if also_known_as:
        out["issuerAlsoKnownAs"] = [party(p) for p in also_known_as]
    return out


def assessment_level(inp: AttestationInput) -> str:
    if inp.accreditation is not None:
        return "GlobalMRA" if inp.accreditation.global_mra else "Accredited"
    return "GovtApproval" if inp.government_designated else "Unspecified"


def standard_node(ref: StandardRef) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": ["Standard"],
        "id": ref.id or "urn:certpass:standard:" + quote(ref.designation, safe=""),
        "name": ref.designation,
        "issuingParty": party(ref.publisher),
    }
    if ref.issue_date:
        out["issueDate"] = ref.issue_date.isoformat()
    return out


def _regulation(reg: Regulation) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": ["Regulation"],
        "id": reg.id,
        "name": reg.name,
        "jurisdictionCountry": reg.jurisdiction,
        "administeredBy": party(reg.administered_by),
    }
    if reg.effective_date:
        out["effectiveDate"] = reg.effective_date.isoformat()
    return out


HS_SCHEME = "https://www.wcoomd.org/en/topics/nomenclature.aspx"


def _products(p: Product, default_id: str, maker: Party | None) -> list[dict[str, Any]]:
    """One ProductVerification per certified model (or one for the product if no models):
    each model is a product type the certificate covers."""
    details = []
    if p.trademark:
        details.append(f"trademark {p.trademark}")
    if p.ratings:
        details.append(f"rated {p.ratings}")
    out = []
    for j, model in enumerate(p.models or (None,)):
        product: dict[str, Any] = {
            "type": ["Product"],
            "id": p.id or default_id,
            "name": f"{p.name} {model}" if model else p.name,
        }
        if model:
            product["id"] = f"{p.id or default_id}-model-{j + 1}"
            product["registeredId"] = model
        if details:
            product["description"] = "; ".join(details)
        if p.hs_code:
            product["productCategory"] = [
                {
                    "type": ["Classification"],
                    "id": "urn:certpass:hs:" + quote(p.hs_code, safe=""),
                    "code": p.hs_code,
                    "name": f"HS {p.hs_code}",
                    "schemeID": HS_SCHEME,
                    "schemeName": "Harmonized System (WCO)",
                }
            ]
        if maker:
            product["producedByParty"] = party(maker)
        # no `type` (see the module doc)
        out.append({"product": product, "IDverifiedByCAB": p.verified_by_cab})
    return out


def _facility(f: Factory, default_id: str) -> dict[str, Any]:
    facility: dict[str, Any] = {"type": ["Facility"], "id": f.id or default_id, "name": f.name}
    if f.registered_id:
        facility["registeredId"] = f.registered_id
    facility["countryOfOperation"] = f.economy
    if f.address:
        facility["address"] = {"streetAddress": f.address, "addressCountry": f.economy}
    # no `type` (see the module doc)
    return {"facility": facility, "IDverifiedByCAB": f.verified_by_cab}


def _endorsement(acc: AccreditationRef) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": ["Endorsement"],
        "id": acc.id,
        "name": f"Accreditation {acc.number} by {acc.body.name}: {acc.scope}",
        "issuingAuthority": party(acc.body),
    }
    if acc.evidence_url:
        out["endorsementEvidence"] = {  # no `type` (see the module doc)
            "linkURL": acc.evidence_url,
            "linkName": f"Accreditation {acc.number}",
            "linkType": "https://test.uncefact.org/vocabulary/linkTypes/dia",
        }
    return out


def _scheme(s: Scheme) -> dict[str, Any]:
    return {
        "type": ["ConformityScheme"],
        "id": s.id,
        "name": s.name,
        "description": s.description or f"{s.name} ({s.code})",
        "version": s.version,
        "validFrom": s.valid_from.isoformat(),
        "owner": party(s.owner),
    }


def _check(inp: AttestationInput) -> None:
    problems = []
    if not inp.products:
        problems.append("at least one product")
    if not inp.standards:
        problems.append("at least one standard applied")
    if inp.attestation_type not in ATTESTATION_TYPES:
        problems.append(f"attestation_type in {ATTESTATION_TYPES}")
    if inp.assessor_level not in ASSESSOR_LEVELS:
        problems.append(f"assessor_level in {ASSESSOR_LEVELS}")
    if inp.conformity_topic not in CONFORMITY_TOPICS:
        problems.append(f"conformity_topic in {CONFORMITY_TOPICS}")
    if inp.issue_number < 0:
        problems.append("a non-negative issue number")
    if inp.valid_from.tzinfo is None or (inp.valid_until and inp.valid_until.tzinfo is None):
        problems.append("timezone-aware validity dates")
    elif inp.valid_until is not None and inp.valid_until <= inp.valid_from:
        problems.append("valid_until after valid_from")
    if problems:
        raise InvalidInput(
            f"certificate {inp.certificate_number} cannot become a DCC: it needs "
            + "; ".join(problems)
        )


def build_dcc(inp: AttestationInput) -> dict[str, Any]:
    """The unsigned DigitalConformityCredential for one certificate issue."""
    _check(inp)
    base = inp.certificate_url
    products = [
        pv
        for i, p in enumerate(inp.products)
        for pv in _products(p, f"{base}#product-{i + 1}", inp.manufacturer)
    ]
    facilities = [_facility(f, f"{base}#factory-{i + 1}") for i, f in enumerate(inp.factories)]
    standards = [s if isinstance(s, StandardRef) else standard_ref(s) for s in inp.standards]

    assessments = []
    for i, ref in enumerate(standards):
        a: dict[str, Any] = {
            "type": ["ConformityAssessment", "Declaration"],
            "id": f"{base}#assessment-{i + 1}",
            "name": f"{ref.designation} assessment",
        }
        if inp.assessment_date:
            a["assessmentDate"] = inp.assessment_date.isoformat()
        a["referenceStandard"] = standard_node(ref)
        if inp.regulation:
            a["referenceRegulation"] = _regulation(inp.regulation)
        a["assessedProduct"] = products
        if facilities:
            a["assessedFacility"] = facilities
        if inp.manufacturer:
            a["assessedOrganisation"] = party(inp.manufacturer, with_description=True)
        a["conformance"] = True
        a["conformityTopic"] = inp.conformity_topic
        assessments.append(a)

    subject: dict[str, Any] = {
        "type": ["ConformityAttestation", "Attestation"],
        "id": base,
        "name": f"{inp.scheme.name} certificate {inp.certificate_number}, issue {inp.issue_number}",
    }
    subject["description"] = inp.description or (
        f"{inp.scheme.code} certificate {inp.certificate_number} (issue {inp.issue_number}) "
        f"issued by {inp.issuer.name} to {inp.holder.name}"
    )
    subject |= {
        "assessorLevel": inp.assessor_level,
        "assessmentLevel": assessment_level(inp),
        "attestationType": inp.attestation_type,
        "issuedToParty": party(inp.holder, with_description=True),
    }
    if inp.accreditation:
        subject["authorisation"] = [_endorsement(inp.accreditation)]
    if inp.certificate_document:
        doc = inp.certificate_document
        link: dict[str, Any] = {  # no `type` (see the module doc)
            "linkURL": doc.url,
            "linkName": doc.name,
            "linkType": doc.link_type,
        }
        if doc.sha256_hex:
            link |= {"hashDigest": doc.sha256_hex, "hashMethod": "SHA-256"}
        link["encryptionMethod"] = "none"
        subject["conformityCertificate"] = link
    subject["scope"] = _scheme(inp.scheme)
    subject["assessment"] = assessments

    return envelope(DCC_CONTEXT, DCC_TYPE, inp.credential_id, inp.issuer,
                    inp.issuer_also_known_as, inp.valid_from, inp.valid_until, subject, inp.status,
                    description=inp.credential_description)


def envelope(context: list[str], types: list[str], credential_id: str,
             issuer: Party, also_known_as: tuple[Party, ...], valid_from: datetime,
             valid_until: datetime | None, subject: dict[str, Any],
             status: tuple[StatusRef, ...], *,
             description: tuple[LanguageValue, ...] = ()) -> dict[str, Any]:
    """The VC 2.0 credential around a subject (shared by the DCC and the DIA), with its
    `description` in several languages when there is one."""
    credential: dict[str, Any] = {
        "@context": list(context),
        "type": list(types),
        "id": credential_id,
        "issuer": credential_issuer(issuer, also_known_as),
        "validFrom": xsd_datetime(valid_from),
    }
    if valid_until:
        credential["validUntil"] = xsd_datetime(valid_until)
    if description:
        credential["description"] = [v.to_json() for v in description]
    credential["credentialSubject"] = subject
    if status:
        credential["credentialStatus"] = [
            status_entry(list_credential=s.list_credential, index=s.index, status_purpose=s.purpose)
            for s in status
        ]
    return credential


# --- reading: the inverse of build_dcc -------------------------------------------------------


class NotADcc(InvalidInput):
    code = "not-a-dcc"


def read_dcc(credential: Mapping[str, Any]) -> AttestationInput:
    """The AttestationInput a DCC was built from: `build_dcc(read_dcc(c)) == c` for every
    credential build_dcc writes (proof and other extra members aside), and
    `read_dcc(build_dcc(x)) == x` for inputs in normal form (standards as StandardRefs,
    default ids and descriptions left None). The one reader of the format: the recognition
    engine reads a credential through it, and the verifier its `Claims` (read_claims, the
    same rules for those fields)."""
    try:
        return _read(credential)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise NotADcc(f"not a Digital Conformity Credential as certpass writes one: {exc!r}",
                      hint="pass the credential JSON (credentialSubject, issuer, validFrom)"
                      ) from None


@dataclass(frozen=True)
class Claims:
    """What a DCC claims about its certificate, read by the same rules as `read_dcc` (which
    uses this for these fields): the part a verifier needs on every credential."""

    number: str
    issue: int
    scheme: str  # the scheme code
    standards: tuple[str, ...]  # designations with editions, in order, once each
    valid_from: datetime


def read_claims(credential: Mapping[str, Any]) -> Claims:
    """The certificate number, issue, scheme, standards and issue date of a DCC."""
    try:
        if "DigitalConformityCredential" not in (credential.get("type") or ()):
            raise ValueError("type has no DigitalConformityCredential")
        s = credential["credentialSubject"]
        number, issue = _number_and_issue(s["name"], s["scope"]["name"])
        return Claims(number, int(issue), scheme_code(s["scope"]),
                      tuple(dict.fromkeys(a["referenceStandard"]["name"]
                                          for a in s["assessment"])),
                      _datetime(credential["validFrom"]))  # type: ignore[arg-type]
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
        raise NotADcc(f"not a Digital Conformity Credential as certpass writes one: {exc!r}",
                      hint="pass the credential JSON (credentialSubject, issuer, validFrom)"
                      ) from None


def _number_and_issue(subject_name: str, scheme_name: str) -> tuple[str, str]:
    """build_dcc names the attestation "<scheme> certificate <number>, issue <n>"."""
    number, issue = subject_name.removeprefix(f"{scheme_name} certificate ").rsplit(
        ", issue ", 1)
    return number, issue


def scheme_code(scope: Mapping[str, Any]) -> str:
    """The scheme code of a DCC's scope: from its id where certpass writes one
    (``urn:certpass:scheme:<code>``, ``<base>/api/schemes/<code>``), else from the
    ``Name (CODE)`` description."""
    sid = str(scope.get("id", ""))
    if sid.startswith("urn:certpass:scheme:"):
        return unquote(sid[len("urn:certpass:scheme:"):])
    if "/api/schemes/" in sid:
        return unquote(sid.rsplit("/api/schemes/", 1)[1].strip("/"))
    name, description = str(scope.get("name", "")), str(scope.get("description", ""))
    if description.startswith(name + " (") and ")" in description[len(name) + 2:]:
        return description[len(name) + 2:].split(")", 1)[0]
    return name


def _party_of(data: Mapping[str, Any]) -> Party:
    return Party(data["id"], data["name"], data.get("registeredId"), data.get("description"))


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


def _datetime(value: Any) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


@lru_cache(maxsize=4096)
def _default_standard_id(designation: str) -> str:
    return "urn:certpass:standard:" + quote(designation, safe="")


def _read_standard(data: Mapping[str, Any]) -> StandardRef:
    sid = data["id"]
    return StandardRef(data["name"], _party_of(data["issuingParty"]),
                       None if sid == _default_standard_id(data["name"]) else sid,
                       _date(data.get("issueDate")))


def _read_products(items: list[Mapping[str, Any]], base: str) -> tuple[Product, ...]:
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for pv in items:
        product = pv["product"]
        pid = product["id"].rsplit("-model-", 1)[0] if "registeredId" in product \
            else product["id"]
        groups.setdefault(pid, []).append(pv)
    out = []
    for i, (pid, pvs) in enumerate(groups.items()):
        first = pvs[0]["product"]
        models = tuple(pv["product"]["registeredId"] for pv in pvs
                       if "registeredId" in pv["product"])
        name = first["name"]
        if models:
            name = name.removesuffix(" " + models[0])
        trademark = ratings = None
        for part in str(first.get("description", "")).split("; ") if first.get(
                "description") else ():
            if part.startswith("trademark ") and trademark is None and ratings is None:
                trademark = part[len("trademark "):]
            elif part.startswith("rated "):
                ratings = part[len("rated "):]
        categories = first.get("productCategory") or []
        out.append(Product(
            name=name, models=models, trademark=trademark,
            hs_code=categories[0]["code"] if categories else None, ratings=ratings,
            id=None if pid == f"{base}#product-{i + 1}" else pid,
            verified_by_cab=pvs[0]["IDverifiedByCAB"]))
    return tuple(out)


def _read_factory(fv: Mapping[str, Any], default_id: str) -> Factory:
    f = fv["facility"]
    return Factory(f["name"], f["countryOfOperation"],
                   (f.get("address") or {}).get("streetAddress"),
                   None if f["id"] == default_id else f["id"], f.get("registeredId"),
                   fv["IDverifiedByCAB"])


def _read_accreditation(e: Mapping[str, Any], level: str) -> AccreditationRef:
    body = _party_of(e["issuingAuthority"])
    number, scope = e["name"].removeprefix("Accreditation ").split(f" by {body.name}: ", 1)
    evidence = e.get("endorsementEvidence") or {}
    return AccreditationRef(e["id"], number, scope, body,
                            iaf_mla_signatory=level == "GlobalMRA",
                            evidence_url=evidence.get("linkURL"))


def _read(c: Mapping[str, Any]) -> AttestationInput:
    if "DigitalConformityCredential" not in (c.get("type") or ()):
        raise ValueError("type has no DigitalConformityCredential")
    s = c["credentialSubject"]
    base = s["id"]
    scope = s["scope"]
    code = scheme_code(scope)
    scheme = Scheme(scope["id"], code, scope["name"], _party_of(scope["owner"]),
                    date.fromisoformat(scope["validFrom"]),
                    "" if scope["description"] == f"{scope['name']} ({code})"
                    else scope["description"], scope["version"])
    number, issue = _number_and_issue(s["name"], scheme.name)
    assessments = s["assessment"]
    first = assessments[0]
    issuer = c["issuer"]
    holder = _party_of(s["issuedToParty"])
    maker = first.get("assessedOrganisation")
    manufacturer = _party_of(maker) if maker else None
    level = s["assessmentLevel"]
    authorisation = s.get("authorisation") or []
    accreditation = _read_accreditation(authorisation[0], level) if authorisation else None
    link = s.get("conformityCertificate")
    document = DocumentLink(link["linkURL"], link["linkName"], link.get("hashDigest"),
                            link["linkType"]) if link else None
    regulation = first.get("referenceRegulation")
    issuer_party = Party(issuer["id"], issuer["name"])
    default_description = (f"{scheme.code} certificate {number} (issue {issue}) issued by "
                           f"{issuer_party.name} to {holder.name}")
    return AttestationInput(
        credential_id=c["id"],
        certificate_url=base,
        certificate_number=number,
        issue_number=int(issue),
        scheme=scheme,
        issuer=issuer_party,
        holder=holder,
        products=_read_products(first["assessedProduct"], base),
        factories=tuple(_read_factory(fv, f"{base}#factory-{i + 1}")
                        for i, fv in enumerate(first.get("assessedFacility") or [])),
        standards=tuple(_read_standard(a["referenceStandard"]) for a in assessments),
        valid_from=_datetime(c["validFrom"]),  # type: ignore[arg-type]
        valid_until=_datetime(c.get("validUntil")),
        manufacturer=manufacturer,
        regulation=Regulation(regulation["id"], regulation["name"],
                              regulation["jurisdictionCountry"],
                              _party_of(regulation["administeredBy"]),
                              _date(regulation.get("effectiveDate"))) if regulation else None,
        accreditation=accreditation,
        government_designated=level == "GovtApproval",
        assessment_date=_date(first.get("assessmentDate")),
        attestation_type=s["attestationType"],
        assessor_level=s["assessorLevel"],
        conformity_topic=first["conformityTopic"],
        issuer_also_known_as=tuple(_party_of(p) for p in issuer.get("issuerAlsoKnownAs") or ()),
        certificate_document=document,
        status=tuple(StatusRef(e["statusListCredential"], int(e["statusListIndex"]),
                               e["statusPurpose"]) for e in c.get("credentialStatus") or ()),
        description=None if s["description"] == default_description else s["description"],
        credential_description=read_language_values(c.get("description")),
    )
