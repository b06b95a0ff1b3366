"""Verify a passport: paste or upload a credential, type a number, or upload a photo of its
QR code (decoded here, so it works without JavaScript); then "accepted in my market?"."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any
from urllib.parse import parse_qs, unquote, urlsplit

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from certpass.config import Settings
from certpass.credentials import verifier
from certpass.credentials.service import RESOLVER_PATH
from certpass.credentials.trust import LiveTrust
from certpass.errors import Busy, CertpassError
from certpass.recognition import service as recognition
from certpass.recognition.snapshot import load_snapshot
from certpass.registry import reads
from certpass.registry.models import Economy
from certpass.web import photo
from certpass.web import session as web_session
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)
MAX_CREDENTIAL_BYTES = 512 * 1024
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp")


def markets(session: Session) -> list[Economy]:
    """Markets some arrangement names, for the "accepted in my market?" select."""
    codes = load_snapshot(session).markets
    return list(reads.economies_named(session, codes).values())


def number_from_qr(text: str) -> tuple[str, str]:
    """(number, sha256) from a passport QR code: its resolver URL
    (`.../id/certificates/{number}?sha256=...`), or the verify URL earlier passports carry
    (`.../verify?number=...&sha256=...`)."""
    from certpass.errors import InvalidInput

    url = urlsplit(text.strip())
    query = parse_qs(url.query)
    number = (query.get("number") or [""])[0]
    head, sep, tail = url.path.partition(RESOLVER_PATH)
    if sep and not head.strip("/") and tail:
        number = unquote(tail)
    if not number:
        raise InvalidInput("this QR code is not a certpass passport code",
                           hint=f"it should link to {RESOLVER_PATH}... or /verify?number=...",
                           details={"text": text})
    return number, (query.get("sha256") or [""])[0]


def _decision(session: Session, market: str, result: verifier.VerificationResult | None,
              number: str) -> Any:
    if not market:
        return None
    on = dt.date.today()
    if result is not None and result.readable is not None:
        return recognition.decide_for_verified(result.readable, market, on,
                                               load_snapshot(session))
    return recognition.recognise(session, number, market, on)


def _page(request: Request, session: Session, settings: Settings, *,
          result: verifier.VerificationResult | None = None, number: str = "",
          sha256: str = "", market: str = "", credential_text: str = "", issuer: str = "",
          errors: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    decision, decision_error = None, ""
    if result is not None and result.verdict not in (verifier.NOT_FOUND, verifier.NO_MATCH,
                                                     verifier.AMBIGUOUS):
        try:
            decision = _decision(session, market, result, number)
        except CertpassError as exc:
            decision_error = exc.message
    # A number several bodies hold: each choice names its body.
    issuers = (result.certificate or {}).get("issuers", []) if result is not None else []
    return render(request, "verify.html", status_code=status_code, result=result,
                  issuer_names=reads.bodies_named(session, issuers) if issuers else {},
                  number=number, sha256=sha256, issuer=issuer, market=market,
                  markets=markets(session),
                  decision=decision, decision_error=decision_error,
                  credential_text=credential_text, errors=errors or {})


@router.get("/verify", response_class=HTMLResponse)
def verify_page(request: Request,
                number: Annotated[str, Query(max_length=80)] = "",
                sha256: Annotated[str, Query(max_length=64)] = "",
                market: Annotated[str, Query(max_length=8)] = "",
                issuer: Annotated[str, Query(max_length=64)] = "") -> HTMLResponse:
    db = request.app.state.db
    settings = request.app.state.settings
    number = number.strip()
    with db.read() as session:
        result = None
        if number:
            result = verifier.verify_number(number, LiveTrust(session, settings),
                                            sha256=sha256.strip() or None,
                                            issuer=issuer.strip() or None)
        return _page(request, session, settings, result=result, number=number,
                     sha256=sha256, market=market.strip().upper(), issuer=issuer.strip())


async def _form(request: Request) -> FormData:
    form = await request.form(max_part_size=max(MAX_CREDENTIAL_BYTES,
                                                request.app.state.settings.photo_max_bytes) + 1)
    web_session.check_csrf(request, form)
    return form


@router.post("/verify", response_class=HTMLResponse)
async def verify_upload(request: Request,
                        form: Annotated[FormData, Depends(_form)]) -> HTMLResponse:
    pasted = form.get("credential")
    upload = form.get("file")
    market = str(form.get("market", "")).strip().upper()
    data: bytes | None = None
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(max(MAX_CREDENTIAL_BYTES,
                                     request.app.state.settings.photo_max_bytes) + 1)
        kind = upload.content_type or ""
        is_image = kind in IMAGE_TYPES or upload.filename.lower().endswith(
            (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp"))
    else:
        is_image = False
        if isinstance(pasted, str) and pasted.strip():
            data = pasted.strip().encode()
    qr: str | CertpassError | None = None
    if is_image and data:
        try:
            qr = await photo.read_qr(request, data)
        except CertpassError as exc:
            qr = exc
    return await run_in_threadpool(_verify_data, request, data, is_image, market, qr)


def _verify_data(request: Request, data: bytes | None, is_image: bool,
                 market: str, qr: str | CertpassError | None = None) -> HTMLResponse:
    db = request.app.state.db
    settings = request.app.state.settings
    with db.read() as session:
        if not data:
            return _page(request, session, settings, status_code=422,
                         errors={"credential": "verify.need_input"})
        if is_image:
            try:
                if isinstance(qr, CertpassError):
                    raise qr
                number, sha256 = number_from_qr(qr or "")
            except CertpassError as exc:
                page = _page(request, session, settings, status_code=exc.http_status,
                             errors={"file": exc.message})
                if isinstance(exc, Busy):
                    page.headers["Retry-After"] = str(exc.retry_after)
                return page
            result = verifier.verify_number(number, LiveTrust(session, settings),
                                            sha256=sha256 or None)
            return _page(request, session, settings, result=result, number=number,
                         sha256=sha256, market=market)
        if len(data) > MAX_CREDENTIAL_BYTES:
            return _page(request, session, settings, status_code=413,
                         errors={"credential": "verify.too_large"})
        text = data.decode("utf-8", errors="replace")
        payload: Any = text
        try:
            payload = json.loads(text)
        except ValueError:
            payload = text  # a compact JWT, or garbage the verifier calls malformed
        result = verifier.verify(payload, LiveTrust(session, settings))
        number = (result.certificate or {}).get("number") or ""
        return _page(request, session, settings, result=result, number=number, market=market,
                     credential_text=text)
