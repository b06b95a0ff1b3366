"""Web sign-in: password login, server-side sessions, CSRF tokens for every form POST.

The cookie is signed with ``Settings.secret_key`` (starlette's SessionMiddleware, via
itsdangerous): HttpOnly, SameSite=Lax, Secure when the public URL is https. It carries only a
random session id. A signed-in session is a row of ``web_sessions`` (accounts service),
found by the id's hash and read again on every request: signing out, a new password or
disabling the user deletes it, so a copied cookie stops working at once. A visitor who is
not signed in gets an id that is stored nowhere (a GET writes nothing); it only anchors the
CSRF token, which is an HMAC of the id, so signing in (a new id) also changes the token.
The session never authorises the JSON API (that needs a bearer token), so a forged
cross-site request cannot write through the API either.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from fastapi import FastAPI, Request
from starlette.middleware.sessions import SessionMiddleware

from certpass.accounts import service as accounts
from certpass.accounts.actor import Actor
from certpass.config import Settings
from certpass.errors import CertpassError
from certpass.store.database import Database

COOKIE = "certpass_session"
CSRF_FIELD = "csrf_token"
MAX_AGE = accounts.SESSION_HOURS * 3600
_SID = "sid"


class CsrfRejected(CertpassError):
    code = "csrf-rejected"
    http_status = 403


class SignInRequired(CertpassError):
    code = "sign-in-required"
    http_status = 401


def install(app: FastAPI, settings: Settings) -> None:
    app.add_middleware(
        SessionMiddleware, secret_key=settings.secret_key, session_cookie=COOKIE,
        max_age=MAX_AGE, same_site="lax", https_only=settings.base_url.startswith("https://"),
    )


def _session_id(request: Request, create: bool) -> str:
    sid = request.session.get(_SID, "")
    if not isinstance(sid, str) or not 20 <= len(sid) <= 100:
        sid = ""
    if not sid and create:
        sid = request.session[_SID] = secrets.token_urlsafe(32)
    return sid


def csrf_token(request: Request) -> str:
    """This session's CSRF token (forms embed it in a hidden field): an HMAC of the
    session id, so the cookie holds nothing but the id."""
    sid = _session_id(request, create=True)
    key = request.app.state.settings.secret_key.encode()
    return hmac.new(key, b"certpass csrf v1:" + sid.encode(), hashlib.sha256).hexdigest()


def check_csrf(request: Request, form: Any) -> None:
    """Refuse a form POST whose hidden token is missing or differs from the session's."""
    sent = form.get(CSRF_FIELD, "") if form is not None else ""
    expected = csrf_token(request) if _session_id(request, create=False) else ""
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise CsrfRejected("this form is out of date or was not sent from certpass",
                           hint="reload the page and send the form again")


def sign_in(request: Request, db: Database, username: str, password: str) -> Actor:
    """Check the password (throttled, accounts.login) and start a fresh session. The check
    records failures in its own transactions, on the app's database."""
    app_db: Database = request.app.state.db
    login = accounts.login(app_db, request.app.state.settings, username, password,
                           client_address(request))
    with app_db.write() as session:
        sid = accounts.start_session(session, login.user_id)
    request.session.clear()  # a new session id and CSRF token on sign-in (no fixation)
    request.session[_SID] = sid
    request.state.web_actor = login.actor
    return login.actor


def client_address(request: Request) -> str:
    """The peer's address (behind a reverse proxy, the proxy's: configure its own limits)."""
    return request.client.host if request.client else "unknown"


def sign_out(request: Request) -> None:
    """End the session on the server (the row goes), then forget the cookie."""
    sid = _session_id(request, create=False)
    if sid:
        with request.app.state.db.write() as session:
            accounts.end_session(session, sid)
    request.session.clear()
    request.state.web_actor = None


def current_actor(request: Request, db: Database) -> Actor | None:
    """The signed-in user as an actor, or None; cached on the request."""
    if hasattr(request.state, "web_actor"):
        return request.state.web_actor
    actor = None
    sid = _session_id(request, create=False)
    if sid:
        app_db: Database = request.app.state.db
        with app_db.read(primary=True) as session:  # signed out or disabled: at once
            found = accounts.session_user(session, sid)
            if found is not None:
                actor = accounts.actor_of(found[0])
        if found is not None and found[1]:
            with app_db.write() as session:
                accounts.touch_session(session, sid)
    request.state.web_actor = actor
    return actor


def require_actor(request: Request, db: Database) -> Actor:
    actor = current_actor(request, db)
    if actor is None:
        raise SignInRequired("sign in to use the certification-body portal",
                             hint="sign in with your certification body account")
    return actor
