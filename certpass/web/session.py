"""Web sign-in: password login, a signed session cookie, CSRF tokens for every form POST.

The cookie is signed with ``Settings.secret_key`` (starlette's SessionMiddleware, via
itsdangerous): HttpOnly, SameSite=Lax, Secure when the public URL is https. The session holds
only the user name and the CSRF token; the user row is read again on every request, so a
disabled user is signed out at once. The session never authorises the JSON API (that needs a
bearer token), so a forged cross-site request cannot write through the API either.
"""

from __future__ import annotations

import hmac
import secrets
from typing import Any

from fastapi import FastAPI, Request
from sqlalchemy import select
from starlette.middleware.sessions import SessionMiddleware

from certpass.accounts import service as accounts
from certpass.accounts.actor import Actor
from certpass.accounts.models import User
from certpass.config import Settings
from certpass.errors import CertpassError
from certpass.store.database import Database

COOKIE = "certpass_session"
CSRF_FIELD = "csrf_token"
MAX_AGE = 8 * 3600  # a working day; then sign in again


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


def csrf_token(request: Request) -> str:
    """This session's CSRF token, made on first use (forms embed it in a hidden field)."""
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def check_csrf(request: Request, form: Any) -> None:
    """Refuse a form POST whose hidden token is missing or differs from the session's."""
    expected = request.session.get("csrf", "")
    sent = form.get(CSRF_FIELD, "") if form is not None else ""
    if not expected or not isinstance(sent, str) or not hmac.compare_digest(expected, sent):
        raise CsrfRejected("this form is out of date or was not sent from certpass",
                           hint="reload the page and send the form again")


def sign_in(request: Request, db: Database, username: str, password: str) -> Actor:
    """Check the password (throttled, accounts.login) and start a fresh session. The check
    records failures in its own transactions, on the app's database."""
    login = accounts.login(request.app.state.db, request.app.state.settings, username,
                           password, client_address(request))
    actor = login.actor
    request.session.clear()  # a new session id and CSRF token on sign-in (no fixation)
    request.session["user"] = actor.name
    csrf_token(request)
    return actor


def client_address(request: Request) -> str:
    """The peer's address (behind a reverse proxy, the proxy's: configure its own limits)."""
    return request.client.host if request.client else "unknown"


def sign_out(request: Request) -> None:
    request.session.clear()


def current_actor(request: Request, db: Database) -> Actor | None:
    """The signed-in user as an actor, or None; cached on the request."""
    if hasattr(request.state, "web_actor"):
        return request.state.web_actor
    actor = None
    username = request.session.get("user")
    if username:
        with db.read() as session:
            user = session.scalar(select(User).where(User.username == username))
            if user is not None and not user.disabled:
                actor = accounts.actor_of(user)
    request.state.web_actor = actor
    return actor


def require_actor(request: Request, db: Database) -> Actor:
    actor = current_actor(request, db)
    if actor is None:
        raise SignInRequired("sign in to use the certification-body portal",
                             hint="sign in with your certification body account")
    return actor
