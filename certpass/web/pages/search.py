"""The search page and the browsable list of certificates: one form, one service
(certpass.search), filters and pages."""

from __future__ import annotations

import math
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from certpass.certificates import service as certificates
from certpass.registry import reads
from certpass.search import service as search
from certpass.web.deps import ReadSession
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)
PAGE_SIZE = 20
MAX_PAGE = 500_000  # 10,000,000 certificates at PAGE_SIZE
Text = Annotated[str, Query(max_length=200)]
Code = Annotated[str, Query(max_length=64)]
Status = Annotated[str, Query(pattern="^(|valid|suspended|withdrawn|cancelled|expired)$")]
PageNo = Annotated[int, Query(ge=1, le=MAX_PAGE)]


def _results(request: Request, session: ReadSession, template_title: str, q: str,
             status: str, scheme: str, issuer: str, economy: str, page: int) -> HTMLResponse:
    flt = search.CertificateQuery(q=q.strip() or None, status=status or None,
                                  scheme=scheme or None, issuer=issuer or None,
                                  economy=economy or None)
    found = search.search(session, flt, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    pages = max(1, math.ceil(found.total / PAGE_SIZE))
    bodies = search.find_bodies(session, flt.q, limit=10) if flt.q and page == 1 else []
    filters: dict[str, Any] = {"status": status, "scheme": scheme, "issuer": issuer,
                               "economy": economy}
    return render(
        request, "search.html", title_key=template_title, q=q.strip(), filters=filters,
        found=[certificates.to_summary(c) for c in found.items], total=found.total,
        exact=found.exact,
        page=page, pages=pages, bodies=bodies, facets=search.facets(session, flt),
        schemes=[s.code for s in reads.rows(session, reads.schemes_query())],
        issuer_body=reads.bodies_named(session, [issuer]).get(issuer) if issuer else None,
        first=found.offset + 1, last=found.offset + len(found.items))


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, session: ReadSession, q: Text = "", status: Status = "",
                scheme: Code = "", issuer: Code = "", economy: Code = "",
                page: PageNo = 1) -> HTMLResponse:
    return _results(request, session, "search.title", q, status, scheme, issuer, economy, page)


@router.get("/certificates", response_class=HTMLResponse)
def certificate_list(request: Request, session: ReadSession, q: Text = "", status: Status = "",
                     scheme: Code = "", issuer: Code = "", economy: Code = "",
                     page: PageNo = 1) -> HTMLResponse:
    return _results(request, session, "search.all_title", q, status, scheme, issuer, economy,
                    page)
