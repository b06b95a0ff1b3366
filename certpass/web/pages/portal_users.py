"""The administrator's user list: add a user, disable or enable one, set a new password.
Each form calls the accounts service, which checks the actor, ends the sessions of a user
who is disabled or given a new password, and refuses weak passwords."""

from __future__ import annotations

from typing import Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from certpass.accounts import service as accounts
from certpass.calendar import parse_day
from certpass.errors import CertpassError
from certpass.web.deps import DB
from certpass.web.pages.portal import Form, SignedIn, form_text
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)
ROLES = ("admin", "accreditation-body", "certification-body", "relying-party")


def _page(request: Request, db: Any, *, done: str = "", errors: dict[str, str] | None = None,
          values: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    with db.read() as session:
        users = accounts.list_users(session)
    return render(request, "portal_users.html", status_code=status_code, users=users,
                  roles=ROLES, done=done, errors=errors or {}, values=values or {})


@router.get("/portal/users", response_class=HTMLResponse)
def users(request: Request, db: DB, actor: SignedIn, done: str = "") -> HTMLResponse:
    actor.require_admin("manage users")
    return _page(request, db, done=done)


@router.post("/portal/users", response_class=HTMLResponse)
def add(request: Request, db: DB, actor: SignedIn, form: Form) -> Response:
    actor.require_admin("add users")
    values = {k: form_text(form, k) for k in ("username", "role", "body_id")}
    try:
        with db.write() as session:
            accounts.add_user(session, values["username"], values["role"],
                              values["body_id"] or None, str(form.get("password", "")), actor)
    except CertpassError as exc:
        field = "password" if "password" in exc.message.lower() else "username"
        return _page(request, db, errors={field: exc.message}, values=values,
                     status_code=exc.http_status)
    return RedirectResponse("/portal/users?done=added", status_code=303)


@router.post("/portal/users/{username}/{action}", response_class=HTMLResponse)
def change(request: Request, username: str,
           action: Literal["disable", "enable", "password", "backdating"],
           db: DB, actor: SignedIn, form: Form) -> Response:
    actor.require_admin("manage users")
    try:
        with db.write() as session:
            if action == "password":
                accounts.set_password(session, username, str(form.get("password", "")), actor)
            elif action == "backdating":  # an empty date ends the grant
                until = form_text(form, "until")
                accounts.grant_backdating(session, username,
                                          parse_day(until) if until else None, actor)
            else:
                accounts.set_disabled(session, username, action == "disable", actor)
    except CertpassError as exc:
        return _page(request, db, errors={f"{username}": exc.message},
                     status_code=exc.http_status)
    return RedirectResponse(f"/portal/users?done={quote(action)}", status_code=303)
