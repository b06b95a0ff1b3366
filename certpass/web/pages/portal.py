"""The certification-body portal: sign in, then issue, amend, suspend, restore and withdraw
certificates, and bulk-upload CSV/XLSX files. Every write goes through the certificate
service (or its importer) with the signed-in user as the actor; every POST carries the
session's CSRF token, checked before anything else happens."""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from certpass.accounts.actor import Actor
from certpass.certificates import import_jobs, importer, lifecycle
from certpass.certificates import service as certificates
from certpass.certificates.schemas import AmendRequest, TransitionRequest
from certpass.credentials import service as credentials
from certpass.errors import CertpassError, NotFound, TooLarge, Unauthenticated
from certpass.registry import reads
from certpass.registry.models import Scheme
from certpass.registry.schemas import LANGUAGE_TAG
from certpass.search import service as search
from certpass.store.database import Database
from certpass.web import i18n
from certpass.web import session as web_session
from certpass.web.deps import DB, CertificateNumber, ReadSession, SettingsDep
from certpass.web.downloads import csv_file, excel_csv, xlsx, xlsx_file
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)
log = logging.getLogger("certpass.portal")
ACTIONS = ("suspend", "restore", "withdraw", "cancel")
FINAL = ("withdraw", "cancel")  # irreversible: the form asks for an explicit confirmation
PAGE_SIZE = 50
ISSUE_FIELDS = ("number", "scheme", "kind", "holder_name", "holder_name_zh", "holder_names",
                "holder_economy", "product_name", "product_name_zh", "product_names", "models",
                "trademark", "ratings", "hs_code", "standards", "category", "testing_route",
                "test_report_number", "test_lab", "conditions", "issued_on", "valid_until")
# A form's "other names" box (`ru: Акме; ar: أكمي`) → the importer's `holder_name_ru`...
OTHER_NAMES_FIELDS = {"holder_names": "holder", "product_names": "product"}
_TAG = re.compile(rf"^{LANGUAGE_TAG}$")


def other_name_columns(values: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """The form's other-names boxes as import columns, and an error per box that is not
    `tag: name` items separated by ";" or new lines."""
    columns: dict[str, str] = {}
    errors: dict[str, str] = {}
    for field, party in OTHER_NAMES_FIELDS.items():
        for item in re.split(r"[;\n]", values.get(field, "")):
            if not item.strip():
                continue
            tag, sep, name = item.partition(":")
            if not sep or not _TAG.match(tag.strip()) or not name.strip():
                errors[field] = "issue.names_invalid"
                break
            columns[f"{party}_name_{tag.strip()}"] = name.strip()
    return columns, errors


async def checked_form(request: Request) -> FormData:
    """The POSTed form, after its CSRF token matched the session's (403 otherwise)."""
    form = await request.form()
    web_session.check_csrf(request, form)
    return form


Form = Annotated[FormData, Depends(checked_form)]


def signed_in(request: Request, db: DB) -> Actor:
    return web_session.require_actor(request, db)


SignedIn = Annotated[Actor, Depends(signed_in)]


def _redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _done(number: str, action: str) -> RedirectResponse:
    """Back to the certificate's portal page, saying what was done (the number may hold "/")."""
    return _redirect(f"/portal/certificates/{quote(number, safe='')}?done={action}")


def form_text(form: FormData, name: str) -> str:
    """A form field's text, stripped ("" when absent or a file)."""
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


# --- sign in and out ---------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/portal") -> HTMLResponse:
    return render(request, "login.html", next=_safe_next(next), errors={}, username="")


@router.post("/login", response_class=HTMLResponse)
def login(request: Request, db: DB, form: Form) -> Response:
    username, password = form_text(form, "username"), str(form.get("password", ""))
    target = _safe_next(form_text(form, "next"))
    errors: dict[str, str] = {}
    if not username:
        errors["username"] = "login.need_username"
    if not password:
        errors["password"] = "login.need_password"
    if not errors:
        try:
            web_session.sign_in(request, db, username, password)
            return _redirect(target)
        except Unauthenticated:
            errors["password"] = "login.wrong"
    return render(request, "login.html", status_code=401 if "password" in errors else 422,
                  next=target, errors=errors, username=username)


@router.post("/logout")
def logout(request: Request, form: Form) -> RedirectResponse:
    web_session.sign_out(request)
    return _redirect("/")


def _safe_next(target: str) -> str:
    """Only local paths: never redirect a signed-in user to another site."""
    return target if target.startswith("/") and not target.startswith("//") else "/portal"


# --- the portal ----------------------------------------------------------------------------


PortalStatus = Literal["", "valid", "suspended", "withdrawn", "cancelled", "expired"]
PortalSort = Literal["", "newest", "oldest", "number", "expiry"]


@router.get("/portal", response_class=HTMLResponse)
def portal(request: Request, db: DB, session: ReadSession, q: str = "",
           status: PortalStatus = "", sort: PortalSort = "",
           page: Annotated[int, Query(ge=1, le=100_000)] = 1) -> Response:
    actor = web_session.current_actor(request, db)
    if actor is None:
        return _redirect("/login?next=/portal")
    if actor.role == "accreditation-body":  # each role lands in its own workplace
        return _redirect("/portal/accreditations")
    if actor.role == "admin":
        return _redirect("/portal/registry")
    if actor.role == "relying-party":  # watches what others certify, issues nothing
        return _redirect("/portal/watches")
    return _portal_page(request, session, actor, q=q, status=status, sort=sort, page=page)


EXPORT_LIMIT = 100_000
EXPORT_COLUMNS = ("number", "scheme", "kind", "status", "holder_name", "holder_name_zh",
                  "holder_economy", "product_name", "models", "hs_code", "standards",
                  "issued_on", "first_issued_on", "valid_until", "issue")


def _export_rows(actor: Actor, db: Database, q: str, status: str, sort: str
                 ) -> list[list[Any]]:
    """The body's certificates as filtered on the portal, a header row first; the columns
    read back by the importer keep its names."""
    flt = _own_list(actor, q, status, sort)
    rows: list[list[Any]] = [list(EXPORT_COLUMNS)]
    with db.read() as session:
        for offset in range(0, EXPORT_LIMIT, 1000):
            found, total = search.listing(session, flt, limit=1000, offset=offset)
            for c in (certificates.to_summary(x).model_dump() for x in found):
                first = c["products"][0] if c["products"] else {}
                rows.append([
                    c["number"], c["scheme"], c["kind"], c["status"], c["holder"].get("name"),
                    c["holder"].get("name_zh", ""), c["holder"].get("economy"),
                    first.get("name", ""), ";".join(first.get("models", [])),
                    first.get("hs_code", ""), ";".join(c["standards"]), c["issued_on"],
                    c["first_issued_on"], c["valid_until"] or "", c["issue"]])
            if offset + 1000 >= total:
                break
    return rows


def _export_name(actor: Actor, suffix: str) -> str:
    return f"certificates-{actor.body_id or 'all'}-{dt.date.today().isoformat()}{suffix}"


@router.get("/portal/certificates.csv")
def export(actor: SignedIn, db: DB, q: str = "", status: PortalStatus = "",
           sort: PortalSort = "") -> Response:
    """As CSV, UTF-8 with a BOM so Excel shows the Chinese names."""
    return csv_file(excel_csv(_export_rows(actor, db, q, status, sort)),
                    _export_name(actor, ".csv"))


@router.get("/portal/certificates.xlsx")
def export_xlsx(actor: SignedIn, db: DB, q: str = "", status: PortalStatus = "",
                sort: PortalSort = "") -> Response:
    """As an Excel workbook."""
    return xlsx_file(xlsx(_export_rows(actor, db, q, status, sort), "certificates"),
                     _export_name(actor, ".xlsx"))


def _own_list(actor: Actor, q: str, status: str, sort: str) -> search.CertificateQuery:
    """The signed-in body's own certificates, as the portal's filters ask for them."""
    return search.CertificateQuery(issuer=actor.body_id or "-", q=q.strip()[:100] or None,
                                   status=status or None, sort=sort)


def _portal_page(request: Request, session: Any, actor: Actor, *, q: str = "",
                 status: str = "", sort: str = "", page: int = 1,
                 errors: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    rows, total = search.listing(session, _own_list(actor, q, status, sort), limit=PAGE_SIZE,
                                 offset=(page - 1) * PAGE_SIZE)
    pages = max(1, -(-total // PAGE_SIZE))
    return render(request, "portal.html", status_code=status_code,
                  rows=[certificates.to_summary(c) for c in rows], total=total, actor=actor,
                  q=q.strip()[:100], status=status, sort=sort, sorts=list(search.SORTS),
                  page=min(page, pages), pages=pages, errors=errors)


def _schemes(session: Any) -> list[Scheme]:
    return reads.rows(session, reads.schemes_query())


@router.get("/portal/issue", response_class=HTMLResponse)
def issue_page(request: Request, actor: SignedIn, session: ReadSession) -> HTMLResponse:
    values = {"issued_on": dt.date.today().isoformat(), "testing_route": "third-party",
              "kind": "product-certificate"}
    return render(request, "portal_issue.html", values=values, errors={},
                  schemes=_schemes(session))


@router.post("/portal/issue", response_class=HTMLResponse)
def issue(request: Request, actor: SignedIn, form: Form, db: DB,
          settings: SettingsDep) -> Response:
    values = {name: form_text(form, name) for name in ISSUE_FIELDS}
    names, errors = other_name_columns(values)
    row = {k: v for k, v in values.items() if v and k not in OTHER_NAMES_FIELDS}
    row.update(names, issuer=actor.body_id or "")
    try:
        req = importer.to_request(row)
    except ValidationError as exc:
        errors = {**field_errors(exc), **errors}
    if not errors:
        try:
            with db.write() as session:
                certificates.issue(credentials.issuing(session, settings), req, actor)
            return _done(req.number, "issue")
        except CertpassError as exc:
            errors = {service_field(exc): service_message(exc)}
    with db.read() as session:
        return render(request, "portal_issue.html", status_code=422, values=values,
                      errors=errors, schemes=_schemes(session))


@router.get("/portal/certificates/{number:path}", response_class=HTMLResponse)
def manage_page(request: Request, number: CertificateNumber, actor: SignedIn,
                session: ReadSession, done: str = "") -> HTMLResponse:
    certificate = _own(session, number, actor)
    return _render_manage(request, certificates.to_detail(certificate).model_dump(by_alias=True),
                          done=done)


def _render_manage(request: Request, detail: dict[str, Any], *, status_code: int = 200,
                   done: str = "", failed_form: str = "", values: dict[str, str] | None = None,
                   errors: dict[str, str] | None = None) -> HTMLResponse:
    """The manage page offers only the actions the certificate's status allows, and the
    amend form starts from the current issue's values."""
    actions = lifecycle.available_actions(detail["status"])
    return render(request, "portal_manage.html", status_code=status_code, c=detail,
                  errors=errors or {}, values=values or {}, done=done, failed_form=failed_form,
                  actions=[a for a in actions if a in ACTIONS], can_amend="amend" in actions,
                  final=FINAL, current=_amend_values(detail))


def _amend_values(detail: dict[str, Any]) -> dict[str, str]:
    first = detail["products"][0] if detail["products"] else {}
    until = detail.get("valid_until")
    return {"issued_on": dt.date.today().isoformat(), "reason": "",
            "holder_name": detail["holder"].get("name", ""),
            "product_name": first.get("name", ""),
            "models": "; ".join(first.get("models", [])),
            "standards": "; ".join(detail["standards"]),
            "valid_until": until.isoformat() if until else ""}


def _own(session: Any, number: str, actor: Actor) -> Any:
    certificate = certificates.get(session, number, prefer=actor.body_id)
    actor.require_certifier(certificate.issuer_id, "manage this certificate")
    return certificate


def _manage_again(request: Request, db: Database, number: str, actor: Actor, form_name: str,
                  values: dict[str, str], errors: dict[str, str]) -> HTMLResponse:
    with db.read() as session:
        detail = certificates.to_detail(_own(session, number, actor)).model_dump(by_alias=True)
        return _render_manage(request, detail, status_code=422, failed_form=form_name,
                              values=values, errors=errors)


AMEND_FIELDS = ("issued_on", "reason", "holder_name", "product_name", "models", "standards",
                "valid_until")


@router.post("/portal/certificates/{number:path}/amend", response_class=HTMLResponse)
def amend(request: Request, number: CertificateNumber, actor: SignedIn, form: Form, db: DB,
          settings: SettingsDep) -> Response:
    values = {name: form_text(form, name) for name in AMEND_FIELDS}
    errors: dict[str, str] = {}
    with db.read() as session:
        own = _own(session, number, actor)
        current = own.current
        holder, products = dict(current.holder), [dict(p) for p in current.products]
        current_standards = list(current.standards)
        current_until = own.valid_until.isoformat() if own.valid_until else ""
    data: dict[str, Any] = {"issued_on": values["issued_on"], "reason": values["reason"]}
    if values["holder_name"] and values["holder_name"] != holder.get("name"):
        data["holder"] = {**holder, "name": values["holder_name"]}
    # The form starts from the current values: send on only what the user changed.
    first = dict(products[0])
    if values["product_name"]:
        first["name"] = values["product_name"]
    if values["models"]:
        first["models"] = _split(values["models"])
    if first != products[0]:
        data["products"] = [first, *products[1:]]
    if values["standards"] and _split(values["standards"]) != list(current_standards):
        data["standards"] = _split(values["standards"])
    if values["valid_until"] and values["valid_until"] != current_until:
        data["valid_until"] = values["valid_until"]
    try:
        req = AmendRequest.model_validate(data)
    except ValidationError as exc:
        errors = field_errors(exc)
    else:
        try:
            with db.write() as session:
                certificates.amend(credentials.issuing(session, settings), number, req,
                                   actor)
            return _done(number, "amend")
        except CertpassError as exc:
            errors = {service_field(exc, default="reason"): service_message(exc)}
    return _manage_again(request, db, number, actor, "amend", values, errors)


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(";") if part.strip()]


@router.post("/portal/certificates/{number:path}/{action}", response_class=HTMLResponse)
def change_status(request: Request, number: CertificateNumber,
                  action: Literal["suspend", "restore", "withdraw", "cancel"], actor: SignedIn,
                  form: Form, db: DB, settings: SettingsDep) -> Response:
    values = {"reason": form_text(form, "reason"), "effective_on": form_text(form, "effective_on")}
    data = {k: v for k, v in values.items() if v}
    if action in FINAL and form_text(form, "confirm") != "yes":
        return _manage_again(request, db, number, actor, action, values,
                             {"confirm": "portal.confirm_needed"})
    try:
        req = TransitionRequest.model_validate(data)
    except ValidationError as exc:
        errors = field_errors(exc)
    else:
        try:
            with db.write() as session:
                certificates.transition(credentials.issuing(session, settings), number,
                                        action, req, actor)
            return _done(number, action)
        except CertpassError as exc:
            errors = {service_field(exc, default="reason"): service_message(exc)}
    return _manage_again(request, db, number, actor, action, values, errors)


# --- error messages beside the fields -----------------------------------------------------

_LOC_FIELDS: dict[tuple[str, ...], str] = {
               ("holder", "name"): "holder_name", ("holder", "economy"): "holder_economy",
               ("holder", "name_zh"): "holder_name_zh", ("products", "name"): "product_name",
               ("products", "models"): "models", ("products", "hs_code"): "hs_code",
               ("products", "name_zh"): "product_name_zh",
               ("holder", "names"): "holder_names", ("products", "names"): "product_names",
               ("products", "trademark"): "trademark", ("products", "ratings"): "ratings",
               ("test_reports", "lab_id"): "test_lab",
               ("test_reports", "number"): "test_report_number"}


def field_errors(exc: ValidationError) -> dict[str, str]:
    """Pydantic's errors keyed by the form field they belong to (the first per field)."""
    out: dict[str, str] = {}
    for err in exc.errors():
        loc = tuple(str(p) for p in err["loc"] if not isinstance(p, int))
        name = _LOC_FIELDS.get(loc[:2], loc[0] if loc else "valid_until")
        if name == "holder":
            name = "holder_name"
        if name == "products":
            name = "product_name"
        key = f"verr.{err['type']}"
        # Common validation failures have catalogue text in both languages; the rest keep
        # pydantic's own English message.
        known = key in i18n.catalogue("en") and err["type"] != "value_error"
        out.setdefault(name, key if known else str(err["msg"]).removeprefix("Value error, "))
    return out


def service_message(exc: CertpassError) -> str:
    """A service error for a form: the catalogue's key for its code where the catalogues
    translate it (err.<code>), else the service's own English message."""
    key = f"err.{exc.code}"
    return key if key in i18n.catalogue("en") else exc.message


def service_field(exc: CertpassError, default: str = "number") -> str:
    """The form field a service error is about, from its code and details."""
    details = exc.details if isinstance(exc.details, dict) else {}
    kind = details.get("kind", "")
    if exc.code == "duplicate-certificate":
        return "number"
    if exc.code == "validity-too-long":
        return "valid_until"
    if exc.code in ("out-of-scope", "not-accredited") or "standard" in exc.message:
        return "standards"
    if "unknown" in details:
        return "standards"
    by_kind = {"economy": "holder_economy", "scheme": "scheme", "body": "test_lab",
               "product category": "category"}
    if kind in by_kind:
        return by_kind[kind]
    if "date" in exc.message or "issued_on" in exc.message:
        return "issued_on" if default != "reason" else "effective_on"
    return default


# --- bulk upload ------------------------------------------------------------------------


@router.post("/portal/import")
async def upload(request: Request, form: Form) -> Response:
    from starlette.concurrency import run_in_threadpool

    db: Database = request.app.state.db
    settings = request.app.state.settings
    actor = await run_in_threadpool(web_session.require_actor, request, db)
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return await run_in_threadpool(_portal_error, request, db, actor,
                                       {"file": "portal.import.need_file"})
    data = await upload.read(settings.max_upload_bytes + 1)
    fmt = upload.filename.rsplit(".", 1)[-1].lower() if "." in upload.filename else ""
    try:
        if len(data) > settings.max_upload_bytes:
            raise TooLarge(f"the file is over {settings.max_upload_bytes} bytes")
        rows = await run_in_threadpool(importer.read_rows, data, fmt, settings.max_import_rows)
    except CertpassError as exc:
        return await run_in_threadpool(_portal_error, request, db, actor,
                                       {"file": exc.message})
    def start() -> str:
        with db.write() as session:
            return import_jobs.start(session, actor.name, upload.filename or "", len(rows)).id

    job_id = await run_in_threadpool(start)
    threading.Thread(target=_run_import, args=(job_id, db, settings, rows, actor),
                     daemon=True, name=f"import-{job_id}").start()
    return _redirect(f"/portal/import/{job_id}")


def _portal_error(request: Request, db: Database, actor: Actor,
                  errors: dict[str, str]) -> HTMLResponse:
    with db.read() as session:
        return _portal_page(request, session, actor, errors=errors, status_code=422)


def _run_import(job_id: str, db: Database, settings: Any, rows: list[dict[str, Any]],
                actor: Actor) -> None:
    # Rows naming another issuer are refused by the service (Forbidden), reported per row.
    try:
        report = importer.import_rows(db, settings, rows, actor,
                                       lambda done: import_jobs.progress(db, job_id, done),
                                       passports=credentials)
        import_jobs.finish(db, job_id, report=report.as_dict())
    except CertpassError as exc:
        import_jobs.finish(db, job_id, error=exc.message)
    except Exception:
        log.exception("bulk upload %s stopped", job_id)
        import_jobs.finish(db, job_id, error="the import stopped unexpectedly; rows already "
                                             "committed stay imported")


# Declared before /portal/import/{job_id}, which would otherwise take "template.csv" as an id.
@router.get("/portal/import/template.csv")
def import_template(actor: SignedIn) -> Response:
    return csv_file(excel_csv(importer.template_rows()), "certpass-import-template.csv")


@router.get("/portal/import/{job_id}/errors.csv")
def import_errors(job_id: str, actor: SignedIn, session: ReadSession) -> Response:
    job = import_jobs.get(session, job_id, actor.name)
    if not job.finished or job.report is None:
        raise NotFound("this upload has no finished report yet", hint="wait until it ends")
    return csv_file(excel_csv(importer.error_rows(job.report)),
                    f"import-{job.id}-errors.csv")


@router.get("/portal/import/{job_id}", response_class=HTMLResponse)
def import_page(request: Request, job_id: str, actor: SignedIn,
                session: ReadSession) -> HTMLResponse:
    job = import_jobs.get(session, job_id, actor.name)
    headers = {} if job.finished else {"Refresh": "2"}  # without JS the page reloads itself
    return render(request, "portal_import.html", job=job, headers=headers)


@router.get("/portal/import/{job_id}/status")
def import_status(job_id: str, actor: SignedIn, session: ReadSession) -> JSONResponse:
    job = import_jobs.get(session, job_id, actor.name)
    return JSONResponse({"total": job.total, "done": job.done, "finished": job.finished,
                         "error": job.error})
