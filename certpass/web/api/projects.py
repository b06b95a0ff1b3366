"""Cooperation projects and their outcome figures (plain JSON, ready to chart)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from certpass.calendar import parse_day
from certpass.projects import service
from certpass.projects.schemas import ProjectIn
from certpass.web.deps import DB, PageDep, ReadSession, Writer

router = APIRouter(prefix="/api/projects", tags=["projects"])
ProjectId = Annotated[str, Path(min_length=1, max_length=64)]
DateQ = Annotated[str | None, Query(max_length=10, description="YYYY-MM-DD")]


@router.get("")
def list_projects(
    session: ReadSession,
    page: PageDep,
    field: Annotated[str | None, Query(max_length=40)] = None,
    status: Annotated[str | None, Query(max_length=16)] = None,
    economy: Annotated[str | None, Query(max_length=8)] = None,
) -> dict[str, Any]:
    rows, total = service.list_projects(session, field=field, status=status, economy=economy,
                                        limit=page.limit, offset=page.offset)
    return {"items": [service.to_json(p) for p in rows], "total": total,
            "limit": page.limit, "offset": page.offset}


@router.get("/outcomes")
def all_outcomes(session: ReadSession, date: DateQ = None) -> dict[str, Any]:
    """The figures for today, or for one of the dates `dates` lists (400 for another)."""
    return service.all_outcomes(session, service.check_offered_date(session, parse_day(date)))


@router.get("/outcomes/dates")
def outcome_dates(session: ReadSession) -> dict[str, Any]:
    """The dates the outcome figures are given for."""
    return {"dates": [d.isoformat() for d in service.offered_dates(session)]}


@router.get("/{id}")
def get_project(id: ProjectId, session: ReadSession) -> dict[str, Any]:
    return service.project_detail(session, service.get_project(session, id))


@router.get("/{id}/outcomes")
def project_outcomes(id: ProjectId, session: ReadSession, date: DateQ = None) -> dict[str, Any]:
    return service.outcomes(session, id, service.check_offered_date(session, parse_day(date)))


@router.post("", status_code=201)
def record_project(data: ProjectIn, db: DB, actor: Writer) -> dict[str, Any]:
    with db.write() as session:
        return service.project_detail(session, service.record_project(session, data, actor))


class ProjectChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    project: ProjectIn
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/{id}")
def amend_project(id: ProjectId, change: ProjectChange, db: DB, actor: Writer) -> dict[str, Any]:
    with db.write() as session:
        project = service.amend_project(session, id, change.project, actor, change.reason)
        return service.project_detail(session, project)
