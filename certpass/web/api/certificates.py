"""Certificates: public reads, lifecycle writes (need a certification body's token)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query

from certpass.certificates import service
from certpass.certificates.schemas import (
    AmendRequest,
    CertificateDetail,
    CertificatePage,
    IssueRequest,
    Status,
    TransitionRequest,
)
from certpass.credentials import service as credentials
from certpass.search import service as search
from certpass.web.deps import (
    DB,
    CertificateIssuer,
    CertificateNumber,
    PageDep,
    ReadSession,
    SettingsDep,
    Writer,
)

router = APIRouter(prefix="/api/certificates", tags=["certificates"])


@router.get("", response_model=CertificatePage)
def list_certificates(
    session: ReadSession,
    page: PageDep,
    status: Annotated[Status | None, Query()] = None,
    scheme: Annotated[str | None, Query(max_length=32)] = None,
    issuer: Annotated[str | None, Query(max_length=64)] = None,
    holder: Annotated[str | None, Query(max_length=200)] = None,
    hs_code: Annotated[str | None, Query(max_length=16)] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    economy: Annotated[str | None, Query(max_length=8, description="holder's economy")] = None,
    q: Annotated[str | None, Query(
        max_length=200, description="words of a number, a holder or manufacturer name (Chinese "
        "or English), a product, model, trademark, HS code, standard, body or factory; best "
        "matches first")] = None,
) -> dict:
    flt = search.CertificateQuery(status=status, scheme=scheme, issuer=issuer, holder=holder,
                                  hs_code=hs_code, category=category, economy=economy, q=q)
    found = search.search(session, flt, page.limit, page.offset)
    today = dt.date.today()
    return {"items": [service.to_summary(c, today) for c in found.items],
            "total": found.total, "total_exact": found.exact, "limit": page.limit,
            "offset": page.offset}


@router.get("/{number:path}", response_model=CertificateDetail, response_model_by_alias=True)
def get_certificate(number: CertificateNumber, session: ReadSession,
                    issuer: CertificateIssuer = None) -> CertificateDetail:
    return service.to_detail(service.get(session, number, issuer=issuer))


@router.post("", status_code=201, response_model=CertificateDetail,
             response_model_by_alias=True)
def issue_certificate(request: IssueRequest, db: DB, settings: SettingsDep,
                      actor: Writer) -> CertificateDetail:
    with db.write() as session:
        issued = service.issue(credentials.issuing(session, settings), request, actor)
        return service.to_detail(service.get(session, issued.number, issuer=request.issuer))


@router.post("/{number:path}/amend", response_model=CertificateDetail,
             response_model_by_alias=True)
def amend_certificate(number: CertificateNumber, request: AmendRequest, db: DB,
                      settings: SettingsDep, actor: Writer,
                      issuer: CertificateIssuer = None) -> CertificateDetail:
    with db.write() as session:
        certificate = service.amend(credentials.issuing(session, settings), number, request,
                                    actor, issuer)
        session.flush()
        return service.to_detail(certificate)


@router.post("/{number:path}/{action}", response_model=CertificateDetail,
             response_model_by_alias=True)
def change_status(
    number: CertificateNumber,
    action: Literal["suspend", "restore", "withdraw", "cancel"],
    request: TransitionRequest,
    db: DB,
    settings: SettingsDep,
    actor: Writer,
    issuer: CertificateIssuer = None,
) -> CertificateDetail:
    with db.write() as session:
        certificate = service.transition(credentials.issuing(session, settings), number,
                                         action, request, actor, issuer)
        session.flush()
        return service.to_detail(certificate)
