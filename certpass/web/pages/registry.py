"""Bodies, accreditations, schemes, standards and arrangements: lists and linked detail pages."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse

from certpass.certificates import service as certificates
from certpass.errors import NotFound
from certpass.projects import service as projects
from certpass.recognition import codes
from certpass.recognition import service as recognition
from certpass.registry import reads
from certpass.registry import service as registry
from certpass.registry.models import Body, Scheme, Standard
from certpass.search import service as search
from certpass.web.deps import ReadSession
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)
Key = Annotated[str, Path(min_length=1, max_length=80)]
PathKey = Annotated[str, Path(min_length=1, max_length=200)]
RECENT = 20


@router.get("/bodies", response_class=HTMLResponse)
def bodies(request: Request, session: ReadSession) -> HTMLResponse:
    rows = reads.rows(session, reads.bodies_query(by_economy=True))
    return render(request, "bodies.html", bodies=rows)


@router.get("/bodies/{body_id}", response_class=HTMLResponse)
def body(request: Request, body_id: Key, session: ReadSession) -> HTMLResponse:
    row = registry.get(session, Body, body_id)
    held = reads.accreditations_held(session, body_id)
    granted = reads.rows(session, reads.accreditations_query(accreditor=body_id))
    listings = reads.listings_of_body(session, body_id)
    recent, total = search.listing(session, search.CertificateQuery(issuer=body_id),
                                   limit=RECENT, offset=0)
    return render(request, "body.html", b=row, held=held, granted=granted, listings=listings,
                  recent=[certificates.to_summary(c) for c in recent], total=total)


# A path parameter: accreditation numbers such as "BY/112 02.1.0.0087" hold slashes.
@router.get("/accreditations/{number:path}", response_class=HTMLResponse)
def accreditation(request: Request, number: PathKey, session: ReadSession) -> HTMLResponse:
    return render(request, "accreditation.html", a=reads.accreditation(session, number))


@router.get("/schemes", response_class=HTMLResponse)
def schemes(request: Request, session: ReadSession) -> HTMLResponse:
    return render(request, "schemes.html",
                  schemes=reads.rows(session, reads.schemes_query()))


@router.get("/schemes/{code}", response_class=HTMLResponse)
def scheme(request: Request, code: Key, session: ReadSession) -> HTMLResponse:
    row = registry.get(session, Scheme, code)
    listings = reads.listings_of_scheme(session, code)
    recent, total = search.listing(session, search.CertificateQuery(scheme=code),
                                   limit=RECENT, offset=0)
    owner = registry.get(session, Body, row.owner_id) if row.owner_id else None
    return render(request, "scheme.html", s=row, owner=owner, listings=listings,
                  recent=[certificates.to_summary(c) for c in recent], total=total)


@router.get("/standards", response_class=HTMLResponse)
def standards(request: Request, session: ReadSession) -> HTMLResponse:
    return render(request, "standards.html", standards=reads.rows(
        session, reads.standards_query(by_designation=True)))


@router.get("/standards/{ref:path}", response_class=HTMLResponse)
def standard(request: Request, ref: PathKey, session: ReadSession) -> HTMLResponse:
    try:
        row = registry.get(session, Standard, ref)
    except NotFound:
        # An edition-less reference (an accreditation scope's "IEC 60598-1") means every
        # edition of that designation: list them.
        if editions := reads.editions(session, ref):
            return render(request, "standards.html", standards=editions)
        raise
    return render(request, "standard.html", s=row, editions=reads.editions(
        session, row.designation), adopted_by=reads.adopted_by(session, ref))


@router.get("/arrangements", response_class=HTMLResponse)
def arrangements(request: Request, session: ReadSession) -> HTMLResponse:
    return render(request, "arrangements.html",
                  arrangements=recognition.list_arrangements(session, limit=None)[0])


@router.get("/arrangements/{arrangement_id}", response_class=HTMLResponse)
def arrangement(request: Request, arrangement_id: Key, session: ReadSession) -> HTMLResponse:
    # Recorded arrangements and the schemes' home-market rules (home:CCC), every rule shown.
    row = recognition.arrangement_view(session, arrangement_id)
    rules: dict[str, Any] = row["rules"]
    names = [*rules.get("parties", []), *rules.get("designated_bodies", []),
             *rules.get("listed_labs", []),
             *(b for v in rules.get("designated_bodies_by_standard", {}).values() for b in v),
             *(b for v in rules.get("listed_labs_by_standard", {}).values() for b in v)]
    bodies_named = reads.bodies_named(session, names)
    project = projects.get_project(session, row["project"]) if row["project"] else None
    conditions = [codes.condition(c["code"]) for c in rules.get("conditions", [])]
    suffix_conditions = [(sfx, codes.condition(code))
                         for sfx, code in rules.get("suffix_conditions", {}).items()]
    return render(request, "arrangement.html", a=row, r=rules, bodies=bodies_named,
                  project=project, conditions=conditions, suffix_conditions=suffix_conditions)


