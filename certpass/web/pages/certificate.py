"""The certificate passport view: status and history, issues, products, standards, issuer and
accreditation, QR code, downloads, and recognition by market with each decision's trace."""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from markupsafe import Markup
from sqlalchemy.orm import Session

from certpass.certificates import service as certificates
from certpass.certificates.models import Certificate
from certpass.config import Settings
from certpass.credentials import passport as passport_doc
from certpass.credentials import service as credentials
from certpass.errors import AmbiguousNumber, CertpassError, NotFound
from certpass.ledger import service as ledger
from certpass.recognition import engine, snapshot
from certpass.registry import reads
from certpass.web.deps import (
    CertificateIssuer,
    CertificateNumber,
    ReadSession,
    SettingsDep,
    download_name,
)
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)


def recognition_by_market(session: Session, certificate: Certificate,
                          on: dt.date) -> list[engine.Decision]:
    """Every market an arrangement names, decided by the recognition engine on the cached
    registry snapshot (rebuilt only when the log grows)."""
    snap = snapshot.load_snapshot(session)
    facts = snapshot.facts_for(certificate, on)
    return list(engine.decide_markets(facts, on, snap).values())


def qr_svg(session: Session, settings: Settings, certificate: Certificate) -> Markup | None:
    """The passport's QR code (the certificate's resolver URL with its credential's hash,
    drawn by the passport module) inline, or None when it has no signed credential."""
    try:
        row = credentials.stored(session, certificate)
    except CertpassError:
        return None
    return Markup(_inline_qr(credentials.resolver_url(settings, certificate.number,
                                                      row.sha256)))


@lru_cache(maxsize=1024)
def _inline_qr(url: str) -> str:
    """The QR code of `url` as inline SVG. Drawing it is a large share of the page's time;
    the URL carries the credential's hash, so a cached drawing is never stale."""
    svg = passport_doc.qr_svg(url).decode("utf-8")
    return svg[svg.find("<svg"):]  # drop the XML declaration: it is inline HTML


@router.get("/certificates/{number:path}", response_class=HTMLResponse)
def passport(request: Request, number: CertificateNumber, session: ReadSession,
             settings: SettingsDep, issuer: CertificateIssuer = None) -> Response:
    try:
        certificate = certificates.get(session, number, issuer=issuer)
    except AmbiguousNumber:  # several bodies hold the number: the list says whose is whose
        return RedirectResponse(f"/certificates?q={quote(number, safe='')}", status_code=303)
    today = dt.date.today()
    detail = certificates.to_detail(certificate, today).model_dump(by_alias=True)
    accreditations = reads.accreditations_held(session, certificate.issuer_id)
    decisions = recognition_by_market(session, certificate, today)
    decisions.sort(key=lambda d: (engine.DECISION_RANK[d.decision], d.market))
    markets = reads.economies_named(session, [d.market for d in decisions])
    # Recognised and conditional markets first; the rest collapsed behind their count.
    accepted = [d for d in decisions if d.decision != engine.NOT_RECOGNISED]
    refused = [d for d in decisions if d.decision == engine.NOT_RECOGNISED]
    return render(request, "certificate.html", c=detail, cert=certificate,
                  accreditations=accreditations, decisions=decisions, markets=markets,
                  accepted=accepted, refused=refused,
                  qr=qr_svg(session, settings, certificate))


@router.get("/certificates/{number:path}/receipt/{index}.txt", response_class=PlainTextResponse)
def receipt(number: CertificateNumber, index: Annotated[int, Path(ge=0, le=2**62)],
            session: ReadSession, issuer: CertificateIssuer = None) -> PlainTextResponse:
    """The offline log receipt (C2SP tlog-proof) of one of this certificate's log entries."""
    certificate = certificates.get(session, number, issuer=issuer)
    if index not in {e.log_index for e in certificate.events}:
        raise NotFound(f"log entry {index} is not part of certificate {number}'s history")
    return PlainTextResponse(
        ledger.receipt(session, index),
        headers={"Content-Disposition":
                 f'attachment; filename="{download_name(number)}-{index}.tlog-proof"'})
