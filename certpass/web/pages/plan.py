"""The route planner: product (HS code), standards, origin and markets in a plain GET form;
the plan's steps in order with the why, cost, lead time, conditions left, and the markets
it cannot open with their reasons. The recognition service does the planning."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from certpass.errors import CertpassError, InvalidInput
from certpass.recognition import codes
from certpass.recognition import service as recognition
from certpass.recognition.plan_pdf import plan_pdf
from certpass.recognition.planner import plan_rows
from certpass.recognition.snapshot import load_snapshot
from certpass.registry import reads
from certpass.web.deps import ReadSession
from certpass.web.downloads import csv_file, excel_csv, pdf_file, safe_name
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)


def _split(text: str) -> list[str]:
    return [s.strip() for s in text.replace(",", ";").split(";") if s.strip()]


PlanQuery = dict[str, Any]


def _query(hs: Annotated[str, Query(max_length=16)] = "",
           standards: Annotated[str, Query(max_length=500)] = "",
           origin: Annotated[str, Query(max_length=8)] = "",
           markets: Annotated[list[str] | None, Query(max_length=40)] = None,
           category: Annotated[str, Query(max_length=40)] = "") -> PlanQuery:
    """The plan form's fields, the same for the page and its CSV download."""
    return {"hs": hs, "standards": standards, "origin": origin,
            "asked": [m for m in (markets or []) if m], "category": category}


def _asked(q: PlanQuery) -> bool:
    return bool(q["hs"] or q["standards"] or q["origin"] or q["asked"])


def _plan_route(session: Session, q: PlanQuery) -> dict[str, Any]:
    return recognition.plan_route(session, hs=q["hs"], standards=_split(q["standards"]),
                                  origin=q["origin"].strip().upper(), markets=q["asked"],
                                  on=dt.date.today(), category=q["category"].strip())


def _plan(session: Session, q: PlanQuery) -> tuple[dict[str, Any] | None, str, int]:
    """(plan, error, status): the recognition service plans; its input errors become words."""
    if not _asked(q):
        return None, "", 200
    try:
        return _plan_route(session, q), "", 200
    except CertpassError as exc:
        # The same checks and words as the API and the CLI (recognition.inputs).
        return None, (f"{exc.message} ({exc.hint})" if exc.hint else exc.message), exc.http_status


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, session: ReadSession,
              q: Annotated[PlanQuery, Depends(_query)]) -> HTMLResponse:
    snap = load_snapshot(session)
    choices = list(reads.economies_named(session, [*snap.markets, *snap.blocs]).values())
    origins = reads.rows(session, reads.economies_query(blocs=False))
    result, error, status = _plan(session, q)
    names = {e.code: e for e in origins + choices}
    csv_link = "/plan.csv?" + str(request.query_params) if result else ""
    pdf_link = "/plan.pdf?" + str(request.query_params) if result else ""
    return render(request, "plan.html", status_code=status, hs=q["hs"],
                  standards=q["standards"], origin=q["origin"], asked=q["asked"],
                  category=q["category"], choices=choices, origins=origins, result=result,
                  error=error, names=names, csv_link=csv_link, pdf_link=pdf_link,
                  condition_text=_texts(codes.CONDITIONS), reason_text=_texts(codes.REASONS))


def _download(session: Session, q: PlanQuery) -> dict[str, Any]:
    if not _asked(q):
        raise InvalidInput("fill in the plan form first",
                           hint="the same fields as /plan: hs, standards, origin, markets")
    return _plan_route(session, q)  # bad input: the service's own 4xx error


@router.get("/plan.csv")
def plan_csv(session: ReadSession, q: Annotated[PlanQuery, Depends(_query)]) -> Response:
    """The plan, its comparison with testing separately and the markets not opened, as CSV."""
    return csv_file(excel_csv(plan_rows(_download(session, q))), f"plan-{safe_name(q['hs'])}.csv")


@router.get("/plan.pdf")
def plan_pdf_download(session: ReadSession,
                      q: Annotated[PlanQuery, Depends(_query)]) -> Response:
    """The same plan and comparison as a bilingual PDF to print or attach."""
    return pdf_file(plan_pdf(_download(session, q)), f"plan-{safe_name(q['hs'])}.pdf")


def _texts(table: dict[str, codes.Code]) -> dict[str, dict[str, str]]:
    return {k: {"en": c.en, "zh": c.zh} for k, c in table.items()}
