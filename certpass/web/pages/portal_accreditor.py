"""The accreditation body's workplace: the accreditations it granted, a form to grant one,
and a page per accreditation to suspend, restore, withdraw, extend or rescope it. Every
form calls the registry service, which checks the actor and writes the log entry."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from certpass.certificates import scope_preview
from certpass.certificates.lifecycle import AccreditedScope
from certpass.credentials import bundle
from certpass.errors import CertpassError, InvalidInput
from certpass.registry import reads
from certpass.registry import service as registry
from certpass.registry.models import Body
from certpass.registry.schemas import AccreditationIn
from certpass.web.deps import DB, SettingsDep
from certpass.web.pages.portal import Form, SignedIn, field_errors, form_text, service_message
from certpass.web.pages.registry import PathKey
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)
STANDARDS = ("ISO/IEC 17065", "ISO/IEC 17025", "ISO/IEC 17020", "ISO/IEC 17021-1")
SCOPE = ("schemes", "categories", "standards")
GRANT_FIELDS = ("number", "body_id", "standard", "valid_from", "valid_until", "backdate_reason",
                *SCOPE)


def _list(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


def _scope(values: dict[str, str]) -> dict[str, list[str]]:
    return {key: _list(values[key]) for key in SCOPE if _list(values.get(key, ""))}


def _home(request: Request, db: Any, actor: Any, *, values: dict[str, str] | None = None,
          errors: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    with db.read() as session:
        granted = reads.accreditations_granted(session, actor.body_id or "-")
        bodies = [b for b in reads.rows(session, reads.bodies_query())
                  if "accreditation-body" not in b.roles]
        return render(request, "portal_accreditations.html", status_code=status_code,
                      actor=actor, granted=granted, bodies=bodies, standards=STANDARDS,
                      me=session.get(Body, actor.body_id or "-"),
                      values=values or {"valid_from": dt.date.today().isoformat()},
                      errors=errors or {}, today_date=dt.date.today())


@router.get("/portal/accreditations", response_class=HTMLResponse)
def accreditations(request: Request, db: DB, actor: SignedIn) -> HTMLResponse:
    actor.require_accreditor(actor.body_id or "-", "use the accreditation workplace")
    return _home(request, db, actor)


@router.post("/portal/accreditations", response_class=HTMLResponse)
def grant(request: Request, db: DB, settings: SettingsDep, actor: SignedIn,
          form: Form) -> Response:
    values = {name: form_text(form, name) for name in GRANT_FIELDS}
    try:
        data = AccreditationIn.model_validate({
            "number": values["number"], "accreditor_id": actor.body_id or "",
            "body_id": values["body_id"], "standard": values["standard"],
            "valid_from": values["valid_from"], "valid_until": values["valid_until"],
            "backdate_reason": values["backdate_reason"], "scope": _scope(values)})
    except ValidationError as exc:
        errors = {("schemes" if k in ("scope", "valid_until") and "scope" in v else k): v
                  for k, v in field_errors(exc).items()}
        return _home(request, db, actor, values=values, errors=errors, status_code=422)
    try:
        with db.write() as session:
            registry.accredit(session, data, actor, settings.accreditation_backdate_days)
            bundle.ensure_accreditor_key(session, settings, data.accreditor_id)
    except CertpassError as exc:
        field = ("valid_from" if exc.code == "backdate-reason-needed"
                 else "schemes" if "scheme" in exc.message else "number")
        return _home(request, db, actor, values=values, errors={field: service_message(exc)},
                     status_code=422)
    return _manage_redirect(data.number, "grant")


def _manage_redirect(number: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"/portal/accreditations/{quote(number, safe='')}?done={done}",
                            status_code=303)


def _form_values(acc: Any) -> dict[str, str]:
    """An accreditation's scope and validity as the change form shows them."""
    return {**{key: "; ".join(acc.scope.get(key, [])) for key in SCOPE},
            "valid_until": acc.valid_until.isoformat()}


def _preview(request: Request, db: Any, actor: Any, number: str,
             values: dict[str, str]) -> HTMLResponse:
    """The certificates the change would put outside the accreditation, saving nothing."""
    with db.read() as session:
        acc = reads.accreditation(session, number)
        actor.require_accreditor(acc.accreditor_id, "manage this accreditation")
        try:
            until = (dt.date.fromisoformat(values["valid_until"]) if values["valid_until"]
                     else acc.valid_until)
        except ValueError:
            return _manage(request, db, actor, number, values=values, status_code=422,
                           errors={"valid_until": "verr.date_from_datetime_parsing"})
        proposed = AccreditedScope.from_scope(
            acc.number, values["status"] or acc.status, acc.valid_from, until,
            _scope(values) or acc.scope, acc.accreditor_id)
        affected, examined = scope_preview.affected_by(session, proposed, acc.body_id)
    return _manage(request, db, actor, number, values=values,
                   preview={"affected": affected[:200], "count": len(affected),
                            "examined": examined})


def _manage(request: Request, db: Any, actor: Any, number: str, *, done: str = "",
            values: dict[str, str] | None = None, errors: dict[str, str] | None = None,
            status_code: int = 200, preview: dict[str, Any] | None = None) -> HTMLResponse:
    with db.read() as session:
        acc = reads.accreditation(session, number)
        actor.require_accreditor(acc.accreditor_id, "manage this accreditation")
        return render(request, "portal_accreditation.html", status_code=status_code, a=acc,
                      done=done, values=values or _form_values(acc), errors=errors or {},
                      preview=preview)


@router.get("/portal/accreditations/{number:path}", response_class=HTMLResponse)
def manage(request: Request, db: DB, actor: SignedIn, number: PathKey,
           done: str = "") -> HTMLResponse:
    return _manage(request, db, actor, number, done=done)


@router.post("/portal/accreditations/{number:path}/change", response_class=HTMLResponse)
def change(request: Request, db: DB, actor: SignedIn, form: Form,
           number: PathKey) -> Response:
    values = {name: form_text(form, name) for name in ("status", "reason", "valid_until", *SCOPE)}
    errors: dict[str, str] = {}
    if form_text(form, "preview"):
        return _preview(request, db, actor, number, values)
    if not values["reason"]:
        errors["reason"] = "acc.need_reason"
    if values["status"] == "withdrawn" and form_text(form, "confirm") != "yes":
        errors["confirm"] = "portal.confirm_needed"
    if not errors:
        try:
            until = dt.date.fromisoformat(values["valid_until"]) if values["valid_until"] \
                else None
            with db.write() as session:
                acc = reads.accreditation(session, number)
                scope = _scope(values)
                registry.change_accreditation(
                    session, number, actor, status=values["status"] or None,
                    scope=scope if scope and scope != _scope(_form_values(acc)) else None,
                    valid_until=until if until != acc.valid_until else None,
                    reason=values["reason"])
            return _manage_redirect(number, "change")
        except ValueError:
            errors["valid_until"] = "verr.date_from_datetime_parsing"
        except ValidationError as exc:
            errors = {"schemes": str(exc.errors()[0]["msg"]).removeprefix("Value error, ")}
        except InvalidInput as exc:
            errors = {"status" if "status" in exc.message else "valid_until": exc.message}
        except CertpassError as exc:
            errors = {"status": exc.message}
    return _manage(request, db, actor, number, values=values, errors=errors, status_code=422)
