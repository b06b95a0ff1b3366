"""The identity resolver's answers: the links about a certificate (`/id/certificates/{n}`)
or about every certificate of a product (`/01/{gtin}`), from the register and the stored
credentials; and the resolver's description (`/.well-known/resolver`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from sqlalchemy.orm import Session

from certpass.certificates import gtin as gtins
from certpass.certificates import service as certificates
from certpass.certificates.models import Certificate
from certpass.config import Settings
from certpass.credentials import service as credentials
from certpass.errors import CertpassError, NotFound
from certpass.resolver import linkset as ls
from certpass.resolver.linkset import Link

GS1_DIGITAL_LINK = "/01/"


@dataclass(frozen=True)
class Resolution:
    """What an identifier resolves to: its anchor, its default links and its linkset."""

    anchor: str
    links: tuple[Link, ...]
    linkset: dict[str, Any]


def _base(settings: Settings) -> str:
    return settings.base_url.rstrip("/")


def gtin_url(settings: Settings, code: str) -> str:
    return f"{_base(settings)}{GS1_DIGITAL_LINK}{gtins.normalise(code)}"


def certificate_links(session: Session, settings: Settings, certificate: Certificate,
                      sha256: str | None = None) -> list[Link]:
    """Every link about one certificate: its credential (JSON-LD and VC-JOSE; UNTP 0.6.1,
    the registered form, and 0.7.0), printed
    passport, verification and certificate pages (en, zh), recognition decisions and
    status lists. `sha256` (from a QR code) goes to the verification page as given."""
    base, n = _base(settings), certificate.number
    q = quote(n, safe="")
    # Numbers are unique per issuer: every link names this certificate's.
    who = f"issuer={quote(certificate.issuer_id, safe='')}"
    api = f"{base}/api/certificates/{q}"
    links: list[Link] = []
    try:
        row = credentials.stored(session, certificate)
    except CertpassError:
        row = None
    if row is not None:
        digest = sha256 or row.sha256
        served, stored = credentials.UNTP_SERVED, credentials.UNTP_STORED
        for rel in (ls.DCC, ls.CERTIFICATION_INFO):  # UNTP 0.7.0, the default
            links += [
                Link(rel, f"{api}/credential?{who}",
                     f"Digital Conformity Credential {n} (UNTP {served}, JSON-LD)",
                     credentials.MEDIA_TYPE, ("en",)),
                Link(rel, f"{api}/credential.jwt?{who}",
                     f"Digital Conformity Credential {n} (UNTP {served}, VC-JOSE, enveloped)",
                     credentials.JWT_MEDIA_TYPE, ("en",)),
            ]
        links += [  # for partners still on 0.6.1: the registered form
            Link(ls.DCC, f"{api}/credential?untp={stored}&{who}",
                 f"Digital Conformity Credential {n} (UNTP {stored}, JSON-LD)",
                 credentials.MEDIA_TYPE, ("en",)),
            Link(ls.DCC, f"{api}/credential.jwt?untp={stored}&{who}",
                 f"Digital Conformity Credential {n} (UNTP {stored}, VC-JOSE, enveloped)",
                 credentials.JWT_MEDIA_TYPE, ("en",)),
        ]
        verify = credentials.verify_url(settings, n, digest)
        for rel in (ls.DEFAULT_LINK, ls.VERIFICATION_SERVICE):
            links += [Link(rel, verify, f"Verify certificate {n}", "text/html", ("en",)),
                      Link(rel, f"{verify}&lang=zh", f"核验证书 {n}", "text/html", ("zh",))]
        links.append(Link(ls.CERTIFICATION_INFO, f"{api}/passport.pdf?{who}",
                          f"Certificate passport {n} (PDF) / 证书护照", "application/pdf",
                          ("en", "zh")))
        for entry in row.signed_document().get("credentialStatus") or ():
            links.append(Link(ls.STATUS, str(entry["statusListCredential"]),
                              f"{entry['statusPurpose'].capitalize()} status list of {n}",
                              credentials.MEDIA_TYPE))
    page = f"{base}/certificates/{q}?{who}"
    links += [Link(ls.CERTIFICATION_INFO, page, f"Certificate {n}", "text/html", ("en",)),
              Link(ls.CERTIFICATION_INFO, f"{page}&lang=zh", f"证书 {n}", "text/html", ("zh",))]
    if row is None:  # no credential to verify: the certificate page is the default
        links += [Link(ls.DEFAULT_LINK, x.href, x.title, x.type, x.hreflang)
                  for x in links[-2:]]
    links.append(Link(ls.RECOGNITION, f"{api}/recognition?{who}",
                      f"Recognition decisions for certificate {n}, by market",
                      "application/json", ("en",)))
    return links


def _description(c: Certificate) -> str:
    return f"{c.scheme.name_en} certificate {c.number} ({c.scheme_code}), {c.holder_name}"


def for_certificate(session: Session, settings: Settings, number: str,
                    sha256: str | None = None, issuer: str | None = None) -> Resolution:
    """A certificate's links; where several issuers hold the number, the issuer or the
    QR code's hash says which."""
    if issuer is None and sha256 is not None:
        issuer = credentials.issuer_by_hash(session, number, sha256)
    certificate = certificates.get(session, number, issuer=issuer)
    anchor = credentials.resolver_url(settings, certificate.number)
    links = certificate_links(session, settings, certificate, sha256)
    return Resolution(anchor, tuple(links), ls.linkset(
        ls.context_object(anchor, _description(certificate), links)))


def for_gtin(session: Session, settings: Settings, code: str) -> Resolution:
    """One carrier, many certificates: every certificate of the product, across schemes.
    The product's own links name each certificate's; one context per certificate follows
    with all of its links. A browser goes to the only certificate's verification, or to
    the list of the product's certificates."""
    key = gtins.normalise(code)
    found = certificates.by_gtin(session, key)
    if not found:
        raise NotFound(f"no certificate covers a product with GTIN {key}",
                       hint="check the GTIN, or search the certificates by product name",
                       details={"gtin": key})
    anchor = gtin_url(settings, key)
    per: list[tuple[Certificate, str, list[Link]]] = [
        (c, credentials.resolver_url(settings, c.number), certificate_links(session, settings, c))
        for c in found]
    product: list[Link] = []
    for _c, _, links in per:
        product += [x for x in links if x.rel in (ls.DCC, ls.CERTIFICATION_INFO)
                    and x.type != "application/pdf"]
    if len(per) == 1:
        product += [x for x in per[0][2] if x.rel == ls.DEFAULT_LINK]
    else:
        listing = f"{_base(settings)}/certificates?q={key}"
        product += [Link(ls.DEFAULT_LINK, listing, f"Certificates of product {key}",
                         "text/html", ("en",)),
                    Link(ls.DEFAULT_LINK, f"{listing}&lang=zh", f"产品 {key} 的证书",
                         "text/html", ("zh",))]
    contexts = [ls.context_object(anchor, f"Product GTIN {key}: {len(per)} certificate(s) "
                                  f"({', '.join(sorted({c.scheme_code for c in found}))})",
                                  product)]
    contexts += [ls.context_object(a, _description(c), links) for c, a, links in per]
    return Resolution(anchor, tuple(product), ls.linkset(*contexts))


def description(settings: Settings) -> dict[str, Any]:
    """The resolver description file (GS1 Digital Link resolver standard §7.10, as the
    ISO/IEC 18975 resolver's `/.well-known/resolver`)."""
    base = _base(settings)
    return {
        "name": "certpass identity resolver",
        "resolverRoot": base,
        "supportedPrimaryKeys": ["01", "certificates"],
        "structuredPaths": [
            {"key": "certificates", "template": f"{base}{credentials.RESOLVER_PATH}{{number}}",
             "description": "a certificate by its number (percent-encoded); ?sha256= the "
                            "hash of the issue's credential, as the QR code carries it"},
            {"key": "01", "template": f"{base}{GS1_DIGITAL_LINK}{{gtin}}",
             "description": "GS1 Digital Link: every certificate of the product with this "
                            "GTIN (8 to 14 digits), across schemes"},
        ],
        "linkTypeDefaultCanBeLinkset": False,
        "supportedLinkType": [
            {"namespace": ns, "prefix": f"{prefix}:"} for prefix, ns in ls.PREFIXES.items()],
        "linkTypes": {
            ls.compact(t): t for t in (ls.DCC, ls.CERTIFICATION_INFO, ls.VERIFICATION_SERVICE,
                                       ls.DEFAULT_LINK, ls.RECOGNITION, ls.STATUS)},
        "supportedLanguages": list(ls.LANGUAGES),
        "contentNegotiation": {
            "linkset": "?linkType=all, or Accept: application/linkset+json (or "
                       "application/json)",
            "linkType": "?linkType=untp:dcc (a compact or full link type): a redirect to it",
            "default": "a redirect to the link of an accepted media type (a browser: the "
                       "verification page), else to gs1:defaultLink; languages by "
                       "Accept-Language (en, zh)",
        },
        "linksetSchema": "https://untp.unece.org/artefacts/schema/v0.7.0/idr/"
                         "LinksetSchema.json",
    }
