"""The registry: economies, bodies, schemes, standards, categories, listings, accreditations."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, Field
from sqlalchemy import Select, String, cast, func, or_, select

from certpass.credentials import bundle
from certpass.errors import NotFound
from certpass.registry import service
from certpass.registry.models import (
    Accreditation,
    Body,
    Economy,
    ProductCategory,
    Scheme,
    SchemeListing,
    Standard,
)
from certpass.registry.schemas import AccreditationIn, BodyIn
from certpass.search import service as search
from certpass.store.base import as_dict
from certpass.web.deps import DB, PageDep, ReadSession, SettingsDep, Writer

router = APIRouter(prefix="/api", tags=["registry"])
Key = Annotated[str, Path(min_length=1, max_length=80)]
Text = Annotated[str | None, Query(max_length=200)]


class ItemPage(BaseModel):
    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


def _page_of(rows: list[Any], page: PageDep) -> dict[str, Any]:
    """A page of rows already matched in memory (registry tables are small)."""
    return {"items": [as_dict(r) for r in rows[page.offset:page.offset + page.limit]],
            "total": len(rows), "limit": page.limit, "offset": page.offset}


def _page(session: ReadSession, query: Select, page: PageDep) -> dict[str, Any]:
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.limit(page.limit).offset(page.offset)).unique()
    return {"items": [as_dict(r) for r in rows], "total": total,
            "limit": page.limit, "offset": page.offset}


@router.get("/economies", response_model=ItemPage)
def economies(session: ReadSession, page: PageDep, q: Text = None,
              blocs: bool | None = None) -> dict:
    query = select(Economy).order_by(Economy.code)
    if blocs is not None:
        query = query.where(Economy.is_bloc.is_(blocs))
    if q:
        return _page_of(search.match_economies(q, session.scalars(query).all()), page)
    return _page(session, query, page)


@router.get("/economies/{code}")
def economy(code: Key, session: ReadSession) -> dict[str, Any]:
    return as_dict(service.get(session, Economy, code.upper()))


@router.get("/bodies", response_model=ItemPage)
def bodies(session: ReadSession, page: PageDep, q: Text = None, role: Text = None,
           economy: Text = None) -> dict:
    query = select(Body).order_by(Body.id)
    if role:
        # JSON list membership, portable across SQLite and PostgreSQL.
        query = query.where(cast(Body.roles, String).contains(f'"{role}"', autoescape=True))
    if economy:
        query = query.where(Body.economy_code == economy.upper())
    if q:
        return _page_of(search.match_bodies(q, session.scalars(query).all()), page)
    return _page(session, query, page)


@router.get("/bodies/{body_id}")
def body(body_id: Key, session: ReadSession) -> dict[str, Any]:
    found = service.get(session, Body, body_id)
    accreditations = session.scalars(select(Accreditation).where(
        or_(Accreditation.body_id == body_id, Accreditation.accreditor_id == body_id)))
    listings = session.scalars(select(SchemeListing).where(SchemeListing.body_id == body_id))
    return {**as_dict(found), "accreditations": [as_dict(a) for a in accreditations],
            "listings": [as_dict(x) for x in listings]}


@router.post("/bodies", status_code=201)
def add_body(data: BodyIn, db: DB, actor: Writer) -> dict[str, Any]:
    with db.write() as session:
        return as_dict(service.add_body(session, data, actor))


@router.get("/schemes", response_model=ItemPage)
def schemes(session: ReadSession, page: PageDep) -> dict:
    return _page(session, select(Scheme).order_by(Scheme.code), page)


@router.get("/schemes/{code}")
def scheme(code: Key, session: ReadSession) -> dict[str, Any]:
    found = service.get(session, Scheme, code)
    listings = session.scalars(select(SchemeListing).where(SchemeListing.scheme_code == code))
    return {**as_dict(found), "listings": [as_dict(x) for x in listings]}


@router.get("/standards", response_model=ItemPage)
def standards(session: ReadSession, page: PageDep, q: Text = None) -> dict:
    query = select(Standard).order_by(Standard.ref)
    if q:
        return _page_of(search.match_standards(q, session.scalars(query).all()), page)
    return _page(session, query, page)


@router.get("/standards/{ref:path}")
def standard(ref: Key, session: ReadSession) -> dict[str, Any]:
    found = service.get(session, Standard, ref)
    adopted_by = session.scalars(select(Standard.ref).where(Standard.adopts_ref == ref)).all()
    return {**as_dict(found), "adopted_by": list(adopted_by)}


@router.get("/categories", response_model=ItemPage)
def categories(session: ReadSession, page: PageDep, system: Text = None) -> dict:
    query = select(ProductCategory).order_by(ProductCategory.code)
    if system:
        query = query.where(ProductCategory.system == system)
    return _page(session, query, page)


@router.get("/accreditations", response_model=ItemPage)
def accreditations(session: ReadSession, page: PageDep, body: Text = None,
                   accreditor: Text = None, status: Text = None) -> dict:
    query = select(Accreditation).order_by(Accreditation.number)
    if body:
        query = query.where(Accreditation.body_id == body)
    if accreditor:
        query = query.where(Accreditation.accreditor_id == accreditor)
    if status:
        query = query.where(Accreditation.status == status)
    return _page(session, query, page)


@router.get("/accreditations/{number}")
def accreditation(number: Key, session: ReadSession) -> dict[str, Any]:
    found = session.scalar(select(Accreditation).where(Accreditation.number == number))
    if found is None:
        raise NotFound(f"unknown accreditation {number!r}")
    return as_dict(found)


@router.post("/accreditations", status_code=201)
def grant_accreditation(data: AccreditationIn, db: DB, settings: SettingsDep,
                        actor: Writer) -> dict[str, Any]:
    with db.write() as session:
        granted = as_dict(service.accredit(session, data, actor,
                                           settings.accreditation_backdate_days))
        bundle.ensure_accreditor_key(session, settings, data.accreditor_id)
        return granted


class AccreditationChange(BaseModel):
    status: str | None = Field(default=None, pattern="^(active|suspended|withdrawn)$")
    scope: dict[str, list[str]] | None = None
    reason: str = Field(min_length=1, max_length=2000)


@router.post("/accreditations/{number}/change")
def change_accreditation(number: Key, change: AccreditationChange, db: DB,
                         actor: Writer) -> dict[str, Any]:
    with db.write() as session:
        acc = service.change_accreditation(session, number, actor, status=change.status,
                                           scope=change.scope, reason=change.reason)
        return as_dict(acc)


@router.get("/listings", response_model=ItemPage)
def listings(session: ReadSession, page: PageDep, scheme: Text = None, body: Text = None) -> dict:
    query = select(SchemeListing).order_by(SchemeListing.id)
    if scheme:
        query = query.where(SchemeListing.scheme_code == scheme)
    if body:
        query = query.where(SchemeListing.body_id == body)
    return _page(session, query, page)
