"""The passport over HTTP: DID documents, status lists, credential downloads (JSON-LD, JWT,
QR, PDF) and a W3C VC-API issuer. Public reads; issuing needs a write token (it signs)."""

from __future__ import annotations

import datetime as dt
from dataclasses import fields
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from certpass.config import Settings
from certpass.credentials import downloads, keyring, passport, proofs, status, vc_api
from certpass.credentials import service as credentials
from certpass.errors import InvalidInput
from certpass.web import i18n
from certpass.web.deps import (
    DB,
    CertificateIssuer,
    CertificateNumber,
    ReadSession,
    SettingsDep,
    Writer,
    documented_body,
    error_responses,
)
from certpass.web.downloads import certificate_file

router = APIRouter(tags=["credentials"])
IssueNo = Annotated[int | None, Query(ge=0, le=100_000, description="an earlier issue")]
LD = "application/vc+ld+json"
DID_JSON = "application/did+json"


def _named(number: str, issue: int | None, suffix: str, disposition: str = "attachment"
           ) -> dict[str, str]:
    """`{number}{suffix}` (an earlier issue: `{number}-issue{N}{suffix}`)."""
    return certificate_file(number if issue is None else f"{number}-issue{issue}", suffix,
                            disposition)


def _json(value: Any, media_type: str = "application/json", status_code: int = 200,
          headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(value, status_code=status_code, media_type=media_type,
                        headers=headers)


class DidDocumentResponse(JSONResponse):
    """A DID document, served and documented (OpenAPI) as application/did+json (DID Core
    §6.2.1 / the did:web method)."""

    media_type = DID_JSON


@router.get("/.well-known/did.json", include_in_schema=True,
            response_class=DidDocumentResponse, responses=error_responses(404))
def platform_did(session: ReadSession, settings: SettingsDep) -> Response:
    """The platform's DID document (did:web)."""
    return DidDocumentResponse(keyring.did_document(session, settings, None))


@router.get("/bodies/{body_id}/did.json", response_class=DidDocumentResponse)
def body_did(body_id: Annotated[str, Path(max_length=64)], session: ReadSession,
             settings: SettingsDep) -> Response:
    """A body's DID document (did:web), with every key it has signed with."""
    return DidDocumentResponse(keyring.did_document(session, settings, body_id))


@router.get("/api/bodies/{body_id}/keys")
def body_keys(body_id: Annotated[str, Path(max_length=64)], session: ReadSession,
              settings: SettingsDep) -> list[dict[str, Any]]:
    """Every key of the body, retired and revoked ones included (public information)."""
    return [keyring.public_info(settings, k) for k in keyring.keys(session, body_id)]


@router.get("/api/platform/keys")
def platform_keys(session: ReadSession, settings: SettingsDep) -> list[dict[str, Any]]:
    """Every key of the platform (the VC-API signer), as /api/bodies/{id}/keys."""
    return [keyring.public_info(settings, k) for k in keyring.keys(session, None)]


class KeyRevocation(BaseModel):
    compromised_at: dt.datetime = Field(
        description="From when the key may be in other hands (ISO 8601 with a zone); "
                    "not in the future.")


@router.post("/api/bodies/{body_id}/keys/{key}/revoke",
             responses=error_responses(401, 403, 404, 409, 422))
def revoke_key(body_id: Annotated[str, Path(max_length=64)],
               key: Annotated[str, Path(max_length=64, pattern=r"^[A-Za-z0-9._-]+$")],
               data: KeyRevocation, db: DB, settings: SettingsDep, actor: Writer
               ) -> dict[str, Any]:
    """Revoke a compromised key of the body (its certifiers or accreditors only): from
    `compromised_at` on nothing it signs is trusted; a current key is also replaced."""
    with db.write() as session:
        done = keyring.revoke(session, settings, body_id, key, data.compromised_at, actor)
        return {"revoked": keyring.public_info(settings, done.key),
                "replacement": keyring.public_info(settings, done.replacement)
                if done.replacement else None}


@router.get("/status/{body_id}/{purpose}/{list_id}")
def status_list_credential(
    body_id: Annotated[str, Path(max_length=64)], purpose: str,
    list_id: Annotated[int, Path(ge=1)], session: ReadSession, settings: SettingsDep,
) -> Response:
    return _json(status.list_credential(session, settings, body_id, purpose, list_id), LD)


Untp = Annotated[Literal["0.6.1", "0.7.0"], Query(
    description="UNTP version of the Digital Conformity Credential: 0.7.0 (the default) or "
                "0.6.1 (the registered, logged form, for partners still on 0.6.1). Both are "
                "the same issue signed by the same key with the same proof date, and verify "
                "as that issue")]


@router.get("/api/certificates/{number:path}/credential")
def credential(
    number: CertificateNumber, session: ReadSession, settings: SettingsDep, issue: IssueNo = None,
    suite: Annotated[Literal["eddsa-jcs-2022", "eddsa-rdfc-2022"], Query()] = "eddsa-jcs-2022",
    untp: Untp = credentials.UNTP_SERVED, issuer: CertificateIssuer = None,
) -> Response:
    _, row = downloads.find(session, number, issue, issuer)
    if suite == proofs.JCS and untp == credentials.UNTP_STORED:  # stored bytes, as hashed
        return Response(row.document, media_type=LD)
    return _json(credentials.resigned(session, settings, row, suite, untp), LD)


@router.get("/api/certificates/{number:path}/credential.jwt")
def credential_jwt(number: CertificateNumber, session: ReadSession, settings: SettingsDep,
                   issue: IssueNo = None, untp: Untp = credentials.UNTP_SERVED,
                   issuer: CertificateIssuer = None) -> Response:
    _, row = downloads.find(session, number, issue, issuer)
    suffix = ".jwt" if untp == credentials.UNTP_SERVED else f"-untp{untp}.jwt"
    return Response(credentials.jwt(settings, row, untp),
                    media_type=credentials.JWT_MEDIA_TYPE, headers=_named(number, issue, suffix))


@router.get("/api/certificates/{number:path}/credential.json")
def credential_file(number: CertificateNumber, session: ReadSession,
                    issue: IssueNo = None, issuer: CertificateIssuer = None) -> Response:
    """The passport as a file to keep (`{number}.credential.json`): `{"credential": ...,
    "receipt": ..., "entry": ...}`, the signed credential with its transparency-log receipt
    and entry, so `certpass verify FILE --trust BUNDLE` checks the log offline too.
    Receipt and entry are left out while no checkpoint covers the issue yet."""
    return _json(downloads.passport_file(session, number, issue, issuer),
                 headers=_named(number, issue, ".credential.json"))


def _qr_url(session: Session, settings: Settings, number: str, issue: int | None,
            issuer: str | None) -> str:
    """What the QR code carries: the resolver URL with the issue's credential hash (which
    tells apart the certificates of two issuers holding the number)."""
    certificate, row = downloads.find(session, number, issue, issuer)
    return credentials.resolver_url(settings, certificate.number, row.sha256)


@router.get("/api/certificates/{number:path}/qr.svg")
def qr_svg(number: CertificateNumber, session: ReadSession, settings: SettingsDep,
           issue: IssueNo = None, issuer: CertificateIssuer = None) -> Response:
    url = _qr_url(session, settings, number, issue, issuer)
    return Response(passport.qr_svg(url), media_type="image/svg+xml")


@router.get("/api/certificates/{number:path}/qr.png")
def qr_png(number: CertificateNumber, session: ReadSession, settings: SettingsDep,
           issue: IssueNo = None, issuer: CertificateIssuer = None) -> Response:
    url = _qr_url(session, settings, number, issue, issuer)
    return Response(passport.qr_png(url), media_type="image/png",
                    headers=_named(number, issue, "-qr.png", "inline"))


# What a PDF line needs no help with: fpdf2 orders each line by the bidirectional algorithm,
# so the isolates and the mark the pages put around a right-to-left text are left out.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u2066\u2067\u2068\u2069\u200e\u200f"))
_PDF_FIELDS = [f.name for f in fields(passport.Labels) if f.name not in ("words", "rtl", "lang")]


def _pdf_labels(lang: str) -> passport.Labels:
    """The passport's texts in one language: the catalogue's `pdf.<field>` keys, and the
    status and document-kind words (`status.*`, `kind.*`) the pages use."""
    t = i18n.Translator(lang)

    def text(key: str) -> str:
        return t(key).translate(_BIDI_CONTROLS)

    words = {key: text(key) for key in i18n.catalogue(i18n.DEFAULT)
             if key.startswith(("status.", "kind."))}
    return passport.Labels(**{name: text(f"pdf.{name}") for name in _PDF_FIELDS},
                           words=words, rtl=t.lang in i18n.RTL, lang=t.lang)


def passport_languages(reader: str) -> list[str]:
    """The passport's languages for a reader of `reader`: English and Chinese, then the
    reader's own when it is another one (an unknown code adds none)."""
    return [x for x in dict.fromkeys((i18n.DEFAULT, "zh", reader)) if x in i18n.LANGUAGES]


def passport_labels(reader: str) -> list[passport.Labels]:
    """The texts of `passport_languages(reader)`, for `passport.passport_pdf`."""
    return [_pdf_labels(x) for x in passport_languages(reader)]


@router.get("/api/certificates/{number:path}/passport.pdf")
def passport_pdf(
    number: CertificateNumber, request: Request, session: ReadSession, settings: SettingsDep,
    issue: IssueNo = None, issuer: CertificateIssuer = None,
    lang: Annotated[str | None, Query(
        description="The reader's language (en, zh, ru, ar, fr or es), printed beside English "
                    "and Chinese. Without it (or with an unknown code): the language cookie, "
                    "else Accept-Language, else English and Chinese only.")] = None,
) -> Response:
    """The printable passport (A4 PDF): every label in English, Chinese and the reader's
    language, chosen as the pages choose theirs (`lang` is read by `i18n.language`)."""
    reader = i18n.language(request)
    languages = passport_languages(reader)
    facts = downloads.passport_facts(session, settings, number, issue, issuer)
    headers = _named(facts.number, issue, ".pdf", "inline")
    headers["Content-Language"] = ", ".join(i18n.HTML_LANG[x] for x in languages)
    headers["Vary"] = "Accept-Language, Cookie"  # when ?lang= is not given
    return Response(passport.passport_pdf(facts, passport_labels(reader)),
                    media_type="application/pdf", headers=headers)


async def _json_body(request: Request) -> Any:
    """The request body as JSON (read on the event loop; the handler runs in a thread)."""
    try:
        return await request.json()
    except ValueError:
        raise InvalidInput("the request body is not JSON",
                           hint='send {"credential": {...}, "options": {...}}') from None


@router.post("/credentials/issue", status_code=201, responses=error_responses(401, 403, 422),
             openapi_extra=documented_body(vc_api.IssueRequest))
def vc_api_issue(actor: Writer, body: Annotated[Any, Depends(_json_body)], db: DB,
                 settings: SettingsDep) -> Response:
    """W3C VC-API issue: {"credential": {...}, "options": {...}} → {"verifiableCredential"}.

    Needs a write-scope bearer token, since the signature speaks for the platform or a body:
    a certification body's token signs with that body's key (the issuer must be its DID or
    left out), an administrator's with the platform key; other roles get 403, no token 401.
    The W3C VC test suites authenticate the same way: create a token for a dedicated user
    (`certpass tokens create USER --scope write`) and configure the suite's implementation
    entry to send `Authorization: Bearer <token>` with every issue request."""
    with db.write() as session:
        signed = credentials.issue_unsigned(session, settings, body, actor)
    return _json({"verifiableCredential": signed}, status_code=201)
