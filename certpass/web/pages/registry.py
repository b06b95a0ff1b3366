"""Bodies, accreditations, schemes, standards and arrangements: lists and linked detail pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from certpass.certificates import service as certificates
from certpass.errors import NotFound
from certpass.projects.models import CooperationProject
from certpass.recognition import codes
from certpass.recognition import service as recognition
from certpass.recognition.models import ArrangementRecord
from certpass.registry import service as registry
from certpass.registry.models import Accreditation, Body, Scheme, SchemeListing, Standard
from certpass.search import service as search
from certpass.web.deps import ReadSession
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)
Key = Annotated[str, Path(min_length=1, max_length=80)]
PathKey = Annotated[str, Path(min_length=1, max_length=200)]
RECENT = 20


@router.get("/bodies", response_class=HTMLResponse)
def bodies(request: Request, session: ReadSession) -> HTMLResponse:
    rows = session.scalars(select(Body).order_by(Body.economy_code, Body.id)).all()
    return render(request, "bodies.html", bodies=rows)


@router.get("/bodies/{body_id}", response_class=HTMLResponse)
def body(request: Request, body_id: Key, session: ReadSession) -> HTMLResponse:
    row = registry.get(session, Body, body_id)
    held = session.scalars(select(Accreditation).where(Accreditation.body_id == body_id)
                           .order_by(Accreditation.number)).all()
    granted = session.scalars(select(Accreditation).where(Accreditation.accreditor_id == body_id)
                              .order_by(Accreditation.number)).all()
    listings = session.scalars(select(SchemeListing).where(SchemeListing.body_id == body_id)
                               .order_by(SchemeListing.scheme_code)).all()
    recent, total = search.listing(session, search.CertificateQuery(issuer=body_id),
                                   limit=RECENT, offset=0)
    return render(request, "body.html", b=row, held=held, granted=granted, listings=listings,
                  recent=[certificates.to_summary(c) for c in recent], total=total)


# A path parameter: accreditation numbers such as "BY/112 02.1.0.0087" hold slashes.
@router.get("/accreditations/{number:path}", response_class=HTMLResponse)
def accreditation(request: Request, number: PathKey, session: ReadSession) -> HTMLResponse:
    row = session.scalar(select(Accreditation).where(Accreditation.number == number))
    if row is None:
        raise NotFound(f"unknown accreditation {number!r}")
    return render(request, "accreditation.html", a=row)


@router.get("/schemes", response_class=HTMLResponse)
def schemes(request: Request, session: ReadSession) -> HTMLResponse:
    return render(request, "schemes.html",
                  schemes=session.scalars(select(Scheme).order_by(Scheme.code)).all())


@router.get("/schemes/{code}", response_class=HTMLResponse)
def scheme(request: Request, code: Key, session: ReadSession) -> HTMLResponse:
    row = registry.get(session, Scheme, code)
    listings = session.scalars(select(SchemeListing).where(SchemeListing.scheme_code == code)
                               .order_by(SchemeListing.role, SchemeListing.body_id)).all()
    recent, total = search.listing(session, search.CertificateQuery(scheme=code),
                                   limit=RECENT, offset=0)
    owner = session.get(Body, row.owner_id) if row.owner_id else None
    return render(request, "scheme.html", s=row, owner=owner, listings=listings,
                  recent=[certificates.to_summary(c) for c in recent], total=total)


@router.get("/standards", response_class=HTMLResponse)
def standards(request: Request, session: ReadSession) -> HTMLResponse:
    return render(request, "standards.html", standards=session.scalars(
        select(Standard).order_by(Standard.designation, Standard.edition)).all())


@router.get("/standards/{ref:path}", response_class=HTMLResponse)
def standard(request: Request, ref: PathKey, session: ReadSession) -> HTMLResponse:
    row = session.get(Standard, ref)
    if row is None:
        # An edition-less reference (an accreditation scope's "IEC 60598-1") means every
        # edition of that designation: list them.
        editions = session.scalars(select(Standard).where(Standard.designation == ref)
                                   .order_by(Standard.edition)).all()
        if editions:
            return render(request, "standards.html", standards=editions)
        row = registry.get(session, Standard, ref)
    editions = session.scalars(select(Standard).where(Standard.designation == row.designation)
                               .order_by(Standard.edition)).all()
    adopted_by = session.scalars(select(Standard).where(Standard.adopts_ref == ref)).all()
    return render(request, "standard.html", s=row, editions=editions, adopted_by=adopted_by)


@router.get("/arrangements", response_class=HTMLResponse)
def arrangements(request: Request, session: ReadSession) -> HTMLResponse:
    rows = session.scalars(select(ArrangementRecord).order_by(ArrangementRecord.id)).all()
    return render(request, "arrangements.html", arrangements=rows)


@router.get("/arrangements/{arrangement_id}", response_class=HTMLResponse)
def arrangement(request: Request, arrangement_id: Key, session: ReadSession) -> HTMLResponse:
    # Recorded arrangements and the schemes' home-market rules (home:CCC), every rule shown.
    row = recognition.arrangement_view(session, arrangement_id)
    rules: dict[str, Any] = row["rules"]
    names = [*rules.get("parties", []), *rules.get("designated_bodies", []),
             *rules.get("listed_labs", []),
             *(b for v in rules.get("designated_bodies_by_standard", {}).values() for b in v),
             *(b for v in rules.get("listed_labs_by_standard", {}).values() for b in v)]
    bodies_named = {b.id: b for b in session.scalars(select(Body).where(Body.id.in_(names)))}
    project = session.get(CooperationProject, row["project"]) if row["project"] else None
    conditions = [codes.condition(c["code"]) for c in rules.get("conditions", [])]
    suffix_conditions = [(sfx, codes.condition(code))
                         for sfx, code in rules.get("suffix_conditions", {}).items()]
    return render(request, "arrangement.html", a=row, r=rules, bodies=bodies_named,
                  project=project, conditions=conditions, suffix_conditions=suffix_conditions)


