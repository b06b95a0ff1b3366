"""The home page: search box, headline figures, cooperation projects."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import func, select

from certpass.certificates import service as certificates
from certpass.projects import service as project_figures
from certpass.projects.models import CooperationProject
from certpass.recognition.models import ArrangementRecord
from certpass.registry.models import Body, Economy
from certpass.search import service as search
from certpass.web.deps import ReadSession
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: ReadSession) -> HTMLResponse:
    recent, total = search.listing(session, search.CertificateQuery(), limit=10, offset=0)
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
