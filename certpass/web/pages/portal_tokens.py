"""Every signed-in user's API tokens: list them, make one (after giving the password again,
throttled like sign-in; the secret is shown once and never stored), revoke one (and every
token made with it). Administrators see a user's tokens with ?user=NAME."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from certpass.accounts import service as accounts
from certpass.accounts.actor import Actor
from certpass.errors import CertpassError, RateLimited
from certpass.web.deps import DB, SettingsDep
from certpass.web.pages.portal import Form, SignedIn, form_text
from certpass.web.pages.render import render
from certpass.web.session import client_address

router = APIRouter(include_in_schema=False)
SCOPES = ("read", "write")
DAYS = (7, 30, 90, 180, 366)


def _page(request: Request, db: Any, actor: Actor, user: str, *, done: str = "",
          issued: accounts.IssuedToken | None = None, errors: dict[str, str] | None = None,
          values: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    with db.read() as session:
        tokens = accounts.list_tokens(session, user, actor)
    response = render(request, "portal_tokens.html", status_code=status_code, owner=user,
                      tokens=list(reversed(tokens)), scopes=SCOPES, days=DAYS, done=done,
                      issued=issued, errors=errors or {},
                      values=values or {"scope": "read", "days": "90"})
    if issued is not None:
        response.headers["Cache-Control"] = "no-store"  # the secret is on this page only
    return response


@router.get("/portal/tokens", response_class=HTMLResponse)
def tokens(request: Request, db: DB, actor: SignedIn, user: str = "",
           done: str = "") -> HTMLResponse:
    return _page(request, db, actor, user[:64] or actor.name, done=done[:16])


@router.post("/portal/tokens", response_class=HTMLResponse)
def create(request: Request, db: DB, settings: SettingsDep, actor: SignedIn,
           form: Form) -> Response:
    values = {k: form_text(form, k) for k in ("name", "scope", "days")}
    errors: dict[str, str] = {}
    if not 1 <= len(values["name"]) <= 100:
        errors["name"] = "tokens.err.name"
    if values["scope"] not in SCOPES:
        errors["scope"] = "tokens.err.scope"
    if not values["days"].isdigit() or int(values["days"]) not in DAYS:
        errors["days"] = "tokens.err.days"
    if not errors:
        try:  # the password again: a session alone (a borrowed laptop) makes no token
            accounts.login(db, settings, actor.name, str(form.get("password", "")),
                           client_address(request))
        except RateLimited:
            errors["password"] = "tokens.err.throttled"
        except CertpassError:
            errors["password"] = "tokens.err.password"
    if errors:
        return _page(request, db, actor, actor.name, errors=errors, values=values,
                     status_code=422)
    with db.write() as session:
        issued = accounts.create_token(session, actor.name, values["scope"],
                                       int(values["days"]), values["name"], actor,
                                       password_checked=True)
    return _page(request, db, actor, actor.name, issued=issued, status_code=201)


@router.post("/portal/tokens/{key_id}/revoke", response_class=HTMLResponse)
def revoke(request: Request, key_id: str, db: DB, actor: SignedIn, form: Form) -> Response:
    user = form_text(form, "user") or actor.name
    try:
        with db.write() as session:
            accounts.revoke_token(session, key_id[:32], actor)
    except CertpassError as exc:
        return _page(request, db, actor, user, errors={"revoke": exc.message},
                     status_code=exc.http_status)
    return RedirectResponse(f"/portal/tokens?user={quote(user)}&done=revoked",
                            status_code=303)
