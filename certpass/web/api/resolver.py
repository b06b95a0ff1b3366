"""The identity resolver over HTTP (ISO/IEC 18975; GS1 Digital Link): `/.well-known/resolver`
describes it; `/id/certificates/{number}` and `/01/{gtin}` answer by content negotiation
(certpass.resolver.linkset): a linkset, or a redirect (a browser's: the verification)."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from certpass.errors import InvalidInput, NotFound
from certpass.resolver import linkset as ls
from certpass.resolver import service as resolver
from certpass.web.deps import (
    CertificateIssuer,
    CertificateNumber,
    ReadSession,
    SettingsDep,
    error_responses,
)

router = APIRouter(tags=["resolver"])
_SHA256 = re.compile(r"^(sha256:)?[0-9a-fA-F]{64}$")
LinkType = Annotated[str | None, Query(
    alias="linkType", max_length=200,
    description="`all` for the linkset; a link type (`untp:dcc`, `gs1:certificationInfo`, "
                "or a full URL) for a redirect to that link")]
Sha256 = Annotated[str | None, Query(max_length=71, description="the credential hash a QR "
                                                                 "code carries")]


@router.get("/.well-known/resolver")
def resolver_description(settings: SettingsDep) -> JSONResponse:
    return JSONResponse(resolver.description(settings))


def _answer(request: Request, found: resolver.Resolution, link_type: str | None
            ) -> Response:
    headers = {"Link": ls.http_link_header(found.anchor), "Vary": "Accept, Accept-Language"}
    accept = ls.Accept.parse(request.headers.get("accept", ""))
    if link_type == "all" or (link_type is None and accept.wants_linkset()):
        return JSONResponse(found.linkset, media_type=ls.LINKSET_TYPE, headers=headers)
    languages = ls.languages(request.headers.get("accept-language", ""))
    target = ls.pick(found.links, link_type=link_type, accept=accept, languages=languages)
    if target is None:
        raise NotFound(f"{found.anchor} has no link of type {link_type!r}",
                       hint="ask ?linkType=all for its linkset: the link types it has")
    return RedirectResponse(target.href, status_code=303, headers=headers)


@router.get("/01/{gtin}", responses=error_responses(404, 422))
def gs1_digital_link(request: Request, gtin: Annotated[str, Path(max_length=14)],
                     session: ReadSession, settings: SettingsDep,
                     link_type: LinkType = None) -> Response:
    """Every certificate of the product with this GTIN, across schemes."""
    return _answer(request, resolver.for_gtin(session, settings, gtin), link_type)


@router.get("/id/certificates/{number:path}", responses=error_responses(404, 409, 422))
def certificate_identity(request: Request, number: CertificateNumber, session: ReadSession,
                         settings: SettingsDep, link_type: LinkType = None,
                         sha256: Sha256 = None, issuer: CertificateIssuer = None) -> Response:
    """A certificate: a browser is sent to its verification (with the QR code's hash)."""
    if sha256 is not None and not _SHA256.match(sha256):
        raise InvalidInput("sha256 must be 64 hexadecimal digits (the hash the QR code "
                           "carries)", hint="copy it from the QR code's URL: ...?sha256=")
    digest = sha256.lower().removeprefix("sha256:") if sha256 else None
    return _answer(request, resolver.for_certificate(session, settings, number, digest, issuer),
                   link_type)
