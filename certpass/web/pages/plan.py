"""The route planner: product (HS code), standards, origin and markets in a plain GET form;
the plan's steps in order with the why, cost, lead time, conditions left, and the markets
it cannot open with their reasons. The recognition service does the planning."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from certpass.errors import CertpassError
from certpass.recognition import codes
from certpass.recognition import service as recognition
from certpass.recognition.snapshot import load_snapshot
from certpass.registry.models import Economy
from certpass.web.deps import ReadSession
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)


def _split(text: str) -> list[str]:
    return [s.strip() for s in text.replace(",", ";").split(";") if s.strip()]


@router.get("/plan", response_class=HTMLResponse)
def plan_page(request: Request, session: ReadSession,
              hs: Annotated[str, Query(max_length=16)] = "",
              standards: Annotated[str, Query(max_length=500)] = "",
              origin: Annotated[str, Query(max_length=8)] = "",
              markets: Annotated[list[str] | None, Query(max_length=40)] = None,
              category: Annotated[str, Query(max_length=40)] = "") -> HTMLResponse:
    snap = load_snapshot(session)
    choices = list(session.scalars(select(Economy).where(Economy.code.in_(
        [*snap.markets, *snap.blocs])).order_by(Economy.code)))
    origins = list(session.scalars(select(Economy).where(Economy.is_bloc.is_(False))
                                   .order_by(Economy.code)))
    asked = [m for m in (markets or []) if m]
    result, error, status = None, "", 200
    submitted = bool(hs or standards or origin or asked)
    if submitted:
        try:
            result = recognition.plan_route(session, hs=hs, standards=_split(standards),
                                            origin=origin.strip().upper(), markets=asked,
                                            on=dt.date.today(), category=category.strip())
        except CertpassError as exc:
            # The same checks and words as the API and the CLI (recognition.inputs).
            error = f"{exc.message} ({exc.hint})" if exc.hint else exc.message
            status = exc.http_status
    names = {e.code: e for e in origins + choices}
    return render(request, "plan.html", status_code=status, hs=hs, standards=standards,
                  origin=origin, asked=asked, category=category, choices=choices,
                  origins=origins, result=result, error=error, names=names,
                  condition_text=_texts(codes.CONDITIONS), reason_text=_texts(codes.REASONS))


def _texts(table: dict[str, codes.Code]) -> dict[str, dict[str, str]]:
    return {k: {"en": c.en, "zh": c.zh} for k, c in table.items()}
