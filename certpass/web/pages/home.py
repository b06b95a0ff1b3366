"""The home page: search box, headline figures, cooperation projects."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from certpass.certificates import service as certificates
from certpass.projects import service as project_figures
from certpass.recognition import service as recognition
from certpass.registry import reads
from certpass.search import service as search
from certpass.web.deps import ReadSession
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, session: ReadSession) -> HTMLResponse:
    recent, total = search.listing(session, search.CertificateQuery(), limit=10, offset=0)
    projects = project_figures.list_projects(session, limit=None)[0]
    # The projects pages' and the API's figure, by the same definition (projects.service).
    recognised = project_figures.all_outcomes(session)["totals"]["recognitions"]
    figures = {
        "certificates": total,
        "bodies": reads.count(session, reads.bodies_query()),
        "economies": reads.count(session, reads.economies_query(blocs=False)),
        "arrangements": recognition.list_arrangements(session, limit=0)[1],
        "recognitions": recognised,
    }
    return render(request, "home.html", projects=projects, figures=figures,
                  recent=[certificates.to_summary(c) for c in recent])
