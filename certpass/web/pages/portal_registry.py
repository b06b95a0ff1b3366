"""The administrator's workplace: record bodies, schemes, standards, scheme listings,
cooperation projects, planning estimates (the planner's costs and lead times, each with its
source) and arrangements, and amend projects and arrangements, in the browser. Each form is
drawn from the same pydantic model the API validates with, and each POST calls the one
service that writes (and logs) that record."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.orm import Session

from certpass.accounts.actor import Actor
from certpass.errors import CertpassError, NotFound
from certpass.projects import service as projects
from certpass.projects.schemas import ProjectIn
from certpass.recognition import preview as arrangement_preview
from certpass.recognition import service as recognition
from certpass.recognition.schemas import EstimateIn
from certpass.registry import service as registry
from certpass.registry.schemas import BodyIn, CategoryIn, ListingIn, SchemeIn, StandardIn
from certpass.web.deps import DB
from certpass.web.pages import forms
from certpass.web.pages.portal import Form, SignedIn
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)

Kind = Literal["body", "scheme", "standard", "category", "listing", "project", "estimate"]


def _record_estimate(session: Session, e: EstimateIn, actor: Actor) -> Any:
    return recognition.record_estimate(session, e.kind, e.code, e.figures, actor,
                                       source=e.source, currency=e.currency,
                                       illustrative=e.illustrative, reason=e.reason)


MODELS: dict[str, type[BaseModel]] = {"body": BodyIn, "scheme": SchemeIn,
                                       "standard": StandardIn, "category": CategoryIn,
                                       "listing": ListingIn, "project": ProjectIn,
                                       "estimate": EstimateIn}
WRITERS: dict[str, Callable[[Session, Any, Actor], Any]] = {
    "body": registry.add_body, "scheme": registry.add_scheme,
    "standard": registry.add_standard, "category": registry.add_category,
    "listing": registry.add_listing,
    "project": projects.record_project, "estimate": _record_estimate,
}
# Where a new record is seen (categories and estimates have no page of their own: back to
# the workplace).
PUBLIC = {"body": "/bodies/{}", "scheme": "/schemes/{}", "standard": "/standards/{}",
          "project": "/projects/{}", "listing": "/schemes/{}",
          "category": "/portal/registry?done=category",
          "estimate": "/portal/registry?done={}#estimates"}
KEY = {"body": "id", "scheme": "code", "standard": "ref", "project": "id",
       "listing": "scheme_code", "category": "code", "estimate": "code"}


def _admin(actor: Actor) -> Actor:
    actor.require_admin("use the registry workplace")
    return actor


def _see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


@router.get("/portal/registry", response_class=HTMLResponse)
def overview(request: Request, db: DB, actor: SignedIn, done: str = "") -> HTMLResponse:
    _admin(actor)
    with db.read() as session:
        arrangements, _ = recognition.list_arrangements(session, limit=1000)
        project_rows, _ = projects.list_projects(session, limit=1000)
        return render(request, "portal_registry.html", kinds=list(MODELS), done=done,
                      arrangements=[recognition.arrangement_summary(a) for a in arrangements],
                      projects=project_rows, estimates=recognition.list_estimates(session))


def _form(request: Request, kind: str, *, values: dict[str, str], errors: dict[str, str],
          action: str, amend: bool = False, status_code: int = 200) -> HTMLResponse:
    return render(request, "portal_registry_form.html", status_code=status_code, kind=kind,
                  fields=forms.fields_of(MODELS[kind]), values=values, errors=errors,
                  action=action, amend=amend)


@router.get("/portal/registry/new/{kind}", response_class=HTMLResponse)
def new_form(request: Request, kind: Kind, actor: SignedIn) -> HTMLResponse:
    _admin(actor)
    return _form(request, kind, values={}, errors={}, action=f"/portal/registry/new/{kind}")


@router.post("/portal/registry/new/{kind}", response_class=HTMLResponse)
def create(request: Request, kind: Kind, db: DB, actor: SignedIn, form: Form) -> Response:
    _admin(actor)
    values, data = forms.data_from_form(MODELS[kind], form)
    try:
        record = MODELS[kind].model_validate(data)
        with db.write() as session:
            WRITERS[kind](session, record, actor)
    except ValidationError as exc:
        return _form(request, kind, values=values, errors=forms.errors_by_field(exc),
                     action=f"/portal/registry/new/{kind}", status_code=422)
    except CertpassError as exc:
        return _form(request, kind, values=values, errors={KEY[kind]: exc.message},
                     action=f"/portal/registry/new/{kind}", status_code=exc.http_status)
    key = getattr(record, KEY[kind])
    return _see_other(PUBLIC[kind].format(quote(str(key), safe="")))


@router.get("/portal/registry/estimates/{kind}/{code}", response_class=HTMLResponse)
def estimate_form(request: Request, kind: Literal["scheme", "condition"], code: str, db: DB,
                  actor: SignedIn) -> HTMLResponse:
    """A recorded estimate in the form, to record it again with new figures and their source
    (the service replaces it and logs the new figures)."""
    _admin(actor)
    with db.read() as session:
        row = next((e for e in recognition.list_estimates(session)
                    if e.kind == kind and e.code == code), None)
    if row is None:
        raise NotFound(f"no {kind} estimate {code!r}",
                       hint="see the estimates on /portal/registry")
    values = forms.shown_values(EstimateIn, row)
    values["reason"] = ""
    return _form(request, "estimate", values=values, errors={},
                 action="/portal/registry/new/estimate")


@router.get("/portal/registry/projects/{project_id}", response_class=HTMLResponse)
def project_form(request: Request, project_id: str, db: DB, actor: SignedIn) -> HTMLResponse:
    _admin(actor)
    with db.read() as session:
        values = forms.shown_values(ProjectIn, projects.get_project(session, project_id))
    return _form(request, "project", values=values, errors={}, amend=True,
                 action=f"/portal/registry/projects/{quote(project_id, safe='')}")


@router.post("/portal/registry/projects/{project_id}", response_class=HTMLResponse)
def amend_project(request: Request, project_id: str, db: DB, actor: SignedIn,
                  form: Form) -> Response:
    _admin(actor)
    values, data = forms.data_from_form(ProjectIn, form)
    reason = str(form.get("reason", "")).strip()
    values["reason"] = reason
    action = f"/portal/registry/projects/{quote(project_id, safe='')}"
    try:
        record = ProjectIn.model_validate(data)
        with db.write() as session:
            projects.amend_project(session, project_id, record, actor, reason)
    except ValidationError as exc:
        return _form(request, "project", values=values, errors=forms.errors_by_field(exc),
                     action=action, amend=True, status_code=422)
    except CertpassError as exc:
        return _form(request, "project", values=values, errors={"reason": exc.message},
                     action=action, amend=True, status_code=exc.http_status)
    return _see_other(f"/projects/{quote(project_id, safe='')}")


# Arrangements: their rules are a nested document (scope, conditions, origin and trade
# rules...), edited as the JSON the API takes and checked by the same parser.

def _arrangement_page(request: Request, *, text: str, error: str, action: str,
                      amend: bool, reason: str = "", status_code: int = 200,
                      preview: dict[str, Any] | None = None) -> HTMLResponse:
    return render(request, "portal_registry_arrangement.html", status_code=status_code,
                  text=text, error=error, action=action, amend=amend, reason=reason,
                  preview=preview)


@router.get("/portal/registry/arrangements/new", response_class=HTMLResponse)
def new_arrangement(request: Request, actor: SignedIn) -> HTMLResponse:
    _admin(actor)
    return _arrangement_page(request, text="", error="", amend=False,
                             action="/portal/registry/arrangements/new")


@router.get("/portal/registry/arrangements/{arrangement_id}", response_class=HTMLResponse)
def arrangement_form(request: Request, arrangement_id: str, db: DB,
                     actor: SignedIn) -> HTMLResponse:
    _admin(actor)
    with db.read() as session:
        rules = recognition.get_arrangement(session, arrangement_id).rules
    return _arrangement_page(request, text=json.dumps(rules, ensure_ascii=False, indent=2),
                             error="", amend=True,
                             action=f"/portal/registry/arrangements/"
                                    f"{quote(arrangement_id, safe='')}")


@router.post("/portal/registry/arrangements/{arrangement_id}", response_class=HTMLResponse)
def save_arrangement(request: Request, arrangement_id: str, db: DB, actor: SignedIn,
                     form: Form) -> Response:
    _admin(actor)
    text = str(form.get("rules", ""))
    reason = str(form.get("reason", "")).strip()
    new = arrangement_id == "new"
    action = f"/portal/registry/arrangements/{quote(arrangement_id, safe='')}"
    try:
        data = json.loads(text)
        if form.get("preview"):
            proposed = recognition.parse_arrangement(data, None if new else arrangement_id)
            with db.read() as session:
                found = arrangement_preview.preview(session, proposed)
            return _arrangement_page(
                request, text=text, error="", action=action, amend=not new, reason=reason,
                preview={**arrangement_preview.summary(found), "changes": found.changes[:300]})
        with db.write() as session:
            if new:
                record = recognition.record_arrangement(session, data, actor)
            else:
                record = recognition.amend_arrangement(session, arrangement_id, data, actor,
                                                       reason)
            saved = record.id
    except json.JSONDecodeError as exc:
        return _arrangement_page(request, text=text, error=f"JSON: {exc}", action=action,
                                 amend=not new, reason=reason, status_code=422)
    except CertpassError as exc:
        return _arrangement_page(request, text=text, error=exc.message, action=action,
                                 amend=not new, reason=reason, status_code=exc.http_status)
    return _see_other(f"/arrangements/{quote(saved, safe='')}")
