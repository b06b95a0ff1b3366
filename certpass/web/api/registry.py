"""The registry: economies, bodies, schemes, standards, categories, listings, accreditations."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Select

from certpass.credentials import bundle, scheme_document
from certpass.registry import reads, service
from certpass.registry.models import Body, Economy, Scheme, Standard
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


def _out(found: reads.Page[Any]) -> dict[str, Any]:
    return {"items": [as_dict(r) for r in found.items], "total": found.total,
            "limit": found.limit, "offset": found.offset}


def _listed(session: ReadSession, query: Select[Any], page: PageDep,
            match: Callable[[str, list[Any]], list[Any]] | None = None,
            q: str | None = None) -> dict[str, Any]:
    """A page of `query`, or of the rows `match` finds for `q` among them."""
    if q and match is not None:
        return _out(reads.page_of(match(q, reads.rows(session, query)), page.limit,
                                  page.offset))
    return _out(reads.page(session, query, page.limit, page.offset))


@router.get("/economies", response_model=ItemPage)
def economies(session: ReadSession, page: PageDep, q: Text = None,
              blocs: bool | None = None) -> dict:
    return _listed(session, reads.economies_query(blocs=blocs), page,
                   search.match_economies, q)


@router.get("/economies/{code}")
def economy(code: Key, session: ReadSession) -> dict[str, Any]:
    return as_dict(service.get(session, Economy, code.upper()))


@router.get("/bodies", response_model=ItemPage)
def bodies(session: ReadSession, page: PageDep, q: Text = None, role: Text = None,
           economy: Text = None) -> dict:
    return _listed(session, reads.bodies_query(role=role, economy=economy), page,
                   search.match_bodies, q)


@router.get("/bodies/{body_id}")
def body(body_id: Key, session: ReadSession) -> dict[str, Any]:
    found = service.get(session, Body, body_id)
    return {**as_dict(found),
            "accreditations": [as_dict(a) for a in reads.accreditations_of(session, body_id)],
            "listings": [as_dict(x) for x in reads.listings_of_body(session, body_id)]}


@router.post("/bodies", status_code=201)
def add_body(data: BodyIn, db: DB, actor: Writer) -> dict[str, Any]:
    with db.write() as session:
        return as_dict(service.add_body(session, data, actor))


@router.get("/schemes", response_model=ItemPage)
def schemes(session: ReadSession, page: PageDep) -> dict:
    return _listed(session, reads.schemes_query(), page)


@router.get("/schemes/{code}")
def scheme(code: Key, session: ReadSession, response: Response) -> dict[str, Any]:
    """The scheme's registry record. Its URL is the id credentials give the scheme
    (`referenceScheme`); the `Link` header names its conformity-scheme document."""
    found = service.get(session, Scheme, code)
    response.headers["Link"] = (f'</api/schemes/{quote(code, safe="")}/conformity-scheme>; '
                                f'rel="alternate"; type="{scheme_document.MEDIA_TYPE}"')
    return {**as_dict(found),
            "listings": [as_dict(x) for x in reads.listings_of_scheme(session, code)]}


class JsonLdResponse(JSONResponse):
    """Served and documented (OpenAPI) as JSON-LD."""

    media_type = scheme_document.MEDIA_TYPE


# Its 404 (certpass's error shape, application/json) is documented by web.app for every
# path with a parameter; `responses=error_responses(404)` would file it under ld+json.
@router.get("/schemes/{code}/conformity-scheme", response_class=JsonLdResponse)
def conformity_scheme(code: Key, session: ReadSession, settings: SettingsDep) -> JsonLdResponse:
    """The scheme as a UNTP 0.7.0 conformity-scheme document: the scheme, profile and
    criteria that its certificates' credentials (0.7.0 form) refer to."""
    return JsonLdResponse(scheme_document.for_scheme(session, settings, code))


@router.get("/standards", response_model=ItemPage)
def standards(session: ReadSession, page: PageDep, q: Text = None) -> dict:
    return _listed(session, reads.standards_query(), page, search.match_standards, q)


@router.get("/standards/{ref:path}")
def standard(ref: Key, session: ReadSession) -> dict[str, Any]:
    found = service.get(session, Standard, ref)
    return {**as_dict(found), "adopted_by": [s.ref for s in reads.adopted_by(session, ref)]}


@router.get("/categories", response_model=ItemPage)
def categories(session: ReadSession, page: PageDep, system: Text = None) -> dict:
    return _listed(session, reads.categories_query(system=system), page)


@router.get("/accreditations", response_model=ItemPage)
def accreditations(session: ReadSession, page: PageDep, body: Text = None,
                   accreditor: Text = None, status: Text = None) -> dict:
    return _listed(session, reads.accreditations_query(body=body, accreditor=accreditor,
                                                       status=status), page)


@router.get("/accreditations/{number:path}")  # numbers may hold "/", as on the page
def accreditation(number: Key, session: ReadSession) -> dict[str, Any]:
    return as_dict(reads.accreditation(session, number))


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


@router.post("/accreditations/{number:path}/change")
def change_accreditation(number: Key, change: AccreditationChange, db: DB,
                         actor: Writer) -> dict[str, Any]:
    with db.write() as session:
        acc = service.change_accreditation(session, number, actor, status=change.status,
                                           scope=change.scope, reason=change.reason)
        return as_dict(acc)


@router.get("/listings", response_model=ItemPage)
def listings(session: ReadSession, page: PageDep, scheme: Text = None, body: Text = None) -> dict:
    return _listed(session, reads.listings_query(scheme=scheme, body=body), page)
