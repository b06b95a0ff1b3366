"""Recognition: decisions per certificate and market, route plans, and arrangements.

``GET /api/certificates/{number}/recognition`` without ``market`` answers for every market
where some arrangement or home rule could apply to the certificate's scheme (cooperation-only
arrangements included, since those are where a naive "recognised" would be wrong), plus any
listed in ``also``; the full economy list would be ~250 "no-arrangement" answers saying nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Body, Path, Query
from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from certpass.calendar import parse_day
from certpass.errors import InvalidInput
from certpass.recognition import service
from certpass.recognition.plan_pdf import plan_pdf
from certpass.recognition.planner import plan_rows
from certpass.recognition.rules import KINDS, STATUSES, Arrangement
from certpass.recognition.schemas import EstimateIn
from certpass.web.deps import (
    DB,
    CertificateIssuer,
    CertificateNumber,
    PageDep,
    ReadSession,
    Writer,
    documented_body,
)
from certpass.web.downloads import csv_file, excel_csv, pdf_file, safe_name

router = APIRouter(tags=["recognition"])
ArrangementId = Annotated[str, Path(min_length=1, max_length=64)]
Market = Annotated[str, Query(min_length=2, max_length=8, description="ISO 3166-1 alpha-2")]


@router.get("/api/certificates/{number:path}/recognition")
def recognition(
    number: CertificateNumber,
    session: ReadSession,
    market: Market | None = None,
    date: Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")] = None,
    also: Annotated[str | None, Query(max_length=200, description="extra markets, CN,NZ")] = None,
    issuer: CertificateIssuer = None,
) -> dict[str, Any]:
    on = parse_day(date)
    if market:
        return service.recognise(session, number, market, on, issuer).to_json()
    extra = [m for m in (also or "").split(",") if m.strip()]
    return service.recognise_everywhere(session, number, on, extra, issuer)


class PlanRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    # Checked by the service (recognition.inputs), as for the page and the CLI.
    hs: str = Field(min_length=1, max_length=16)
    standards: list[Annotated[str, Field(min_length=3, max_length=80)]] = Field(
        min_length=1, max_length=20)
    origin: str = Field(min_length=2, max_length=2)
    markets: list[Annotated[str, Field(min_length=2, max_length=8)]] = Field(
        min_length=1, max_length=service.MAX_PLAN_MARKETS)
    category: str = Field(default="", max_length=40)
    date: dt.date | None = None


@router.post("/api/plan", response_model=None)
def plan(
    request: PlanRequest,
    session: ReadSession,
    format: Annotated[Literal["json", "csv", "pdf"], Query(
        description="csv: the steps, the comparison with testing separately for each "
                    "market, and the markets not opened, as one table; pdf: the same, "
                    "bilingual (English / 简体中文), to print or attach")] = "json",
) -> dict[str, Any] | Response:
    result = service.plan_route(session, hs=request.hs, standards=request.standards,
                                origin=request.origin, markets=request.markets,
                                on=request.date or dt.date.today(), category=request.category)
    if format == "csv":
        return csv_file(excel_csv(plan_rows(result)), f"plan-{safe_name(request.hs)}.csv")
    if format == "pdf":
        return pdf_file(plan_pdf(result), f"plan-{safe_name(request.hs)}.pdf")
    return result


@router.get("/api/estimates")
def list_estimates(session: ReadSession) -> dict[str, Any]:
    """The planner's cost and lead-time estimates, each with its source."""
    rows = service.list_estimates(session)
    return {"items": [service.estimate_json(e) for e in rows], "total": len(rows)}


@router.post("/api/estimates", status_code=201)
def record_estimate(data: EstimateIn, db: DB, actor: Writer) -> dict[str, Any]:
    with db.write() as session:
        return service.estimate_json(service.record_estimate(
            session, data.kind, data.code, data.figures, actor, source=data.source,
            currency=data.currency, illustrative=data.illustrative, reason=data.reason))


@router.get("/api/arrangements")
def list_arrangements(
    session: ReadSession,
    page: PageDep,
    market: Market | None = None,
    status: Annotated[Literal[STATUSES] | None, Query()] = None,  # type: ignore[valid-type]
    kind: Annotated[Literal[KINDS] | None, Query()] = None,  # type: ignore[valid-type]
) -> dict[str, Any]:
    rows, total = service.list_arrangements(session, market=market and market.upper(),
                                            status=status, kind=kind, limit=page.limit,
                                            offset=page.offset)
    return {"items": [service.arrangement_summary(r) for r in rows], "total": total,
            "limit": page.limit, "offset": page.offset}


@router.get("/api/arrangements/{id}")
def get_arrangement(id: ArrangementId, session: ReadSession) -> dict[str, Any]:
    view = service.arrangement_view(session, id)  # home:* rules are not recorded rows
    if not view["recorded"]:
        return view
    return service.arrangement_detail(session, service.get_arrangement(session, id))


class ArrangementChange(BaseModel):
    """An amendment (``arrangement`` + ``reason``) or a status change (``status``, ``on``,
    ``reason``)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)
    arrangement: dict[str, Any] | None = None
    status: Literal[STATUSES] | None = None  # type: ignore[valid-type]
    on: dt.date | None = None


# The body is read by rules.Arrangement.from_dict (its refusals say which field is wrong,
# as invalid-arrangement); the document shows the model's schema.
@router.post("/api/arrangements", status_code=201, openapi_extra=documented_body(Arrangement))
def record_arrangement(db: DB, actor: Writer,
                       arrangement: Annotated[dict[str, Any], Body()]) -> dict[str, Any]:
    with db.write() as session:
        record = service.record_arrangement(session, arrangement, actor)
        return service.arrangement_detail(session, record)


@router.post("/api/arrangements/{id}")
def change_arrangement(id: ArrangementId, change: ArrangementChange, db: DB,
                       actor: Writer) -> dict[str, Any]:
    if (change.arrangement is None) == (change.status is None):
        raise InvalidInput("send either `arrangement` (an amendment) or `status` (a change of "
                           "status), with a `reason`")
    with db.write() as session:
        if change.arrangement is not None:
            record = service.amend_arrangement(session, id, change.arrangement, actor,
                                               change.reason)
        else:  # exactly one of the two was sent (checked above)
            record = service.change_arrangement_status(
                session, id, str(change.status), change.on or dt.date.today(), actor,
                change.reason)
        return service.arrangement_detail(session, record)
