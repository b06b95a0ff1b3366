"""The home page (search box, headline figures, cooperation projects) and search results."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, or_, select

from certpass.certificates import service as certificates
from certpass.projects import service as project_figures
from certpass.projects.models import CooperationProject
from certpass.recognition.models import ArrangementRecord
from certpass.registry.models import Body, Economy
from certpass.web.deps import ReadSession
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)
SEARCH_LIMIT = 50


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: ReadSession) -> HTMLResponse:
    recent, total = certificates.list_certificates(
        session, certificates.CertificateFilter(), limit=10, offset=0)
    projects = session.scalars(
        select(CooperationProject).order_by(CooperationProject.started_on)).all()
    # The projects pages' and the API's figure, by the same definition (projects.service).
    recognised = project_figures.all_outcomes(session)["totals"]["recognitions"]
    figures = {
        "certificates": total,
        "bodies": session.scalar(select(func.count(Body.id))),
        "economies": session.scalar(select(func.count(Economy.code))
                                    .where(Economy.is_bloc.is_(False))),
        "arrangements": session.scalar(select(func.count(ArrangementRecord.id))),
        "recognitions": recognised,
    }
    return render(request, "home.html", projects=projects, figures=figures,
                  recent=[certificates.to_summary(c) for c in recent])


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, session: ReadSession,
           q: Annotated[str, Query(max_length=200)] = "") -> HTMLResponse:
    q = q.strip()
    found, total, bodies = [], 0, []
    if q:
        by_text, total = certificates.list_certificates(
            session, certificates.CertificateFilter(q=q), limit=SEARCH_LIMIT, offset=0)
        found = [certificates.to_summary(c) for c in by_text]
        like = f"%{q}%"
        bodies = session.scalars(select(Body).where(or_(
            Body.name_en.ilike(like), Body.name_zh.ilike(like), Body.short_name.ilike(like),
            Body.id.ilike(like))).order_by(Body.id).limit(SEARCH_LIMIT)).all()
        if bodies and len(found) < SEARCH_LIMIT:
            # Certificates issued by a matching body: "search by body".
            ids = [b.id for b in bodies]
            seen = {c["number"] for c in found}
            for body_id in ids[:5]:
                rows, n = certificates.list_certificates(
                    session, certificates.CertificateFilter(issuer=body_id),
                    limit=SEARCH_LIMIT - len(found), offset=0)
                total += n
                found += [certificates.to_summary(c) for c in rows if c.number not in seen]
    return render(request, "search.html", q=q, found=found, total=total, bodies=bodies,
                  limit=SEARCH_LIMIT)
