"""A registry scheme as a UNTP 0.7.0 conformity-scheme document (the cvc schema's
ConformityScheme): what the ids in certpass's credentials resolve to.

`build` is pure (the registry's rows and the credential references made from them in, a dict
out); `for_scheme` is its one read. The ids are the credentials' own, taken from the code that
writes them: the document's `id` and `owner` are `referenceScheme`'s (0.6.1: `scope`), from
`service.scheme_reference`; its one profile is `referenceProfile` (`<scheme id>#profile-<version>`,
version "current": certpass keeps no scheme versions); each criterion is an assessment's
`assessmentCriteria` entry, `<standard id>#requirements` with the standard id of
`service.standard_reference` (dcc070 writes both formulas; tests hold the two together on the demo).

Which standard editions the profile holds (one criterion each, each edition named in
`standardAlignment`): every edition that any issue, current or superseded, of a certificate
under the scheme cites, so every credential certpass has issued resolves; and every
recorded edition of the designations the scheme's listings name, so the document also says
what the scheme covers before a certificate cites it (a listing without standards covers
"the whole scope", which names no edition). An edition with a recorded replacement is
`deprecated`, else `active`.

Filled from the registry, nothing else: `endorsementLevel` is `endorsed_mandate` exactly when
certpass's credentials cite a regulation for the scheme (a `regulation` and a home market to
be its jurisdiction: CCC, CCC-Ex, ATEX, GBA, EAC, GCC, NZ-EEE), and it is then named in the
profile's `regulatoryAlignment`; otherwise `endorsed_self`: IECEE CB's and IECEx's
`regulation` is the owner's own scheme rules and no jurisdiction, and the registry records no
accreditation or benchmarking of any scheme. `documentation` is the scheme's website, else
certpass's scheme page; `geographicScope` is the home markets (a bloc as its members, ISO
3166-1 codes), left out for a scheme with none (international schemes accept nothing by
right). The profile's `validFrom` is the one the credentials give (`service.scheme_reference`'s
placeholder; the schema requires a date). Left out, having no source in the registry:
`industryScope`, `licenseType`, `establishedDate`, `trustmark`, `endorsement` (no endorsing
authority or evidence is recorded), scoring frameworks and performance metrics
(`requiredPerformance` is empty, as credentials' `assessedPerformance`: a certificate attests
conformance to a standard, it measures nothing).

JSON-LD (jsonld_safe, bundled 0.7.0 context): the link terms used (`conformsTo`) are in the
context; every nested node is typed (Party, Standard...), since the context's type-scoped
terms do not reach untyped nodes. The published sample fails the check on its
`industryScope` entries (pyld drops their code, name, schemeId and schemeName, which
`geographicScope`'s identical definitions keep); `industryScope` has no source here anyway.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from certpass.certificates import service as certificates
from certpass.config import Settings
from certpass.credentials import dcc, dcc070, service
from certpass.credentials.documents import UNTP_070
from certpass.credentials.schemas import UNTP_CVC_070
from certpass.registry import reads
from certpass.registry.models import Economy, Scheme, Standard

MEDIA_TYPE = "application/ld+json"
# Every certpass assessment's topic (dcc.AttestationInput's default; credentials.service
# sets no other).
TOPIC = "governance.compliance"
ISO_3166 = ("https://www.iso.org/iso-3166-country-codes.html", "ISO 3166-1 alpha-2")


def profile_id(scheme: dcc.Scheme) -> str:
    """The credentials' `referenceProfile.id` (dcc070.from_061)."""
    return f"{scheme.id}#profile-{scheme.version}"


def _geographic_scope(home_markets: Iterable[str], economies: Mapping[str, Economy]
                      ) -> list[dict[str, Any]]:
    codes: dict[str, None] = {}
    for code in home_markets:
        found = economies.get(code)
        if found is not None:
            codes.update(dict.fromkeys(found.members if found.is_bloc else [code]))
    return [{"code": c, "name": economies[c].name_en, "schemeId": ISO_3166[0],
             "schemeName": ISO_3166[1]} for c in codes if c in economies]


def _criterion(row: Standard, ref: dcc.StandardRef) -> dict[str, Any]:
    standard = dcc.standard_node(ref)  # the credentials' referenceStandard
    out: dict[str, Any] = {"type": ["Criterion"], "id": f"{standard['id']}#requirements",
                           "name": f"Requirements of {standard['name']}"}
    if row.title_en:
        out["description"] = row.title_en
    out |= {"version": row.edition, "status": "deprecated" if row.replaced_by_ref else "active",
            "conformityTopic": [{"type": ["ConformityTopic"], "id": dcc070.TOPICS + TOPIC,
                                 "name": dcc070.topic_name(TOPIC)}],
            "requiredPerformance": []}
    return out


def _alignment(ref: dcc.StandardRef) -> dict[str, Any]:
    standard = dcc.standard_node(ref)
    # A criterion is the whole of an edition's requirements, so passing it meets the edition.
    party = dcc070.typed(standard["issuingParty"], "Party")
    return {"standard": {**standard, "issuingParty": party}, "alignmentLevel": "meets"}


def build(scheme: dcc.Scheme, regulation: dcc.Regulation | None, row: Scheme,
          editions: Sequence[tuple[Standard, dcc.StandardRef]],
          economies: Mapping[str, Economy], page_url: str) -> dict[str, Any]:
    """The conformity-scheme document of `row`: `scheme` and `regulation` as the credentials
    cite them, `editions` (rows and references) its criteria, `economies` the home markets
    and their members, `page_url` certpass's page of the scheme."""
    profile: dict[str, Any] = {
        "type": ["ConformityProfile"], "id": profile_id(scheme),
        "name": f"{scheme.name}, version {scheme.version}",
        "description": "The scheme as in force: certpass keeps no scheme versions, so every "
                       "certificate under the scheme is issued under this profile.",
        "version": scheme.version, "validFrom": scheme.valid_from.isoformat(),
        "status": "active", "subjectType": "product",  # every credential assesses products
        "standardAlignment": [_alignment(ref) for _, ref in editions],
    }
    if regulation is not None:
        profile["regulatoryAlignment"] = [{"regulation": {
            "type": ["Regulation"], "id": regulation.id, "name": regulation.name}}]
    profile["scheme"] = {"type": ["ConformityScheme"], "id": scheme.id, "name": scheme.name}
    profile["criterion"] = [_criterion(r, ref) for r, ref in editions]
    out: dict[str, Any] = {
        "@context": [UNTP_070], "type": ["ConformityScheme"], "id": scheme.id,
        "name": scheme.name, "description": scheme.description or f"{scheme.name} ({scheme.code})",
        "owner": dcc070.typed(dcc.party(scheme.owner), "Party"),
        "endorsementLevel": "endorsed_mandate" if regulation is not None else "endorsed_self",
        "documentation": row.website or page_url,
    }
    scope = _geographic_scope(row.home_markets, economies)
    if scope:
        out["geographicScope"] = scope
    out["conformsTo"] = {"linkName": "UNTP 0.7.0 conformity scheme (cvc JSON Schema)",
                         "linkURL": UNTP_CVC_070}
    out["includedProfile"] = [profile]
    return out


# --- the read --------------------------------------------------------------------------------


def for_scheme(session: Session, settings: Settings, code: str) -> dict[str, Any]:
    """The conformity-scheme document of the scheme `code` (NotFound for an unknown one)."""
    ctx = service.issuing(session, settings)  # its look-ups only: this writes nothing
    # The very functions that make the credentials' references, so the ids cannot drift.
    scheme, regulation = service.scheme_reference(ctx, code)
    row = ctx.get(Scheme, code)
    refs = certificates.standards_cited(session, code)
    listed = {d for li in reads.listings_of_scheme(session, code) for d in li.standards}
    for designation in sorted(listed):
        refs.update(s.ref for s in reads.editions(session, designation))
    editions = [(ctx.get(Standard, ref), service.standard_reference(ctx, ref))
                for ref in sorted(refs)]
    economies = reads.economies_named(session, row.home_markets)
    economies |= reads.economies_named(
        session, [m for e in economies.values() if e.is_bloc for m in e.members])
    page = f"{settings.base_url.rstrip('/')}/schemes/{quote(code, safe='')}"
    return build(scheme, regulation, row, editions, economies, page)
