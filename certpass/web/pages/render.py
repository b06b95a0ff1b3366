"""Jinja2 rendering shared by the pages: the language, the signed-in user and the CSRF token
are in every template's context."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup

from certpass.web import i18n, session

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent.parent / "templates"))
TEMPLATES.env.globals["today"] = dt.date.today
# Paths that belong to the JSON API: their errors stay JSON, everything else gets a page.
API_PREFIXES = ("/api/", "/log/", "/.well-known/", "/static/", "/docs", "/openapi", "/redoc",
                "/favicon.ico",
                "/status/", "/did/", "/credentials/")


# Documents served beside the pages (DID documents, accreditation lists, downloads) answer
# errors in JSON like the API, whatever their path.
DOCUMENT_SUFFIXES = (".json", ".jwt", ".txt", ".svg", ".png", ".pdf")
# The identity resolver's paths serve browsers and machines alike: a page for a client that
# accepts HTML, JSON for the others.
RESOLVER_PREFIXES = ("/id/", "/01/")


def wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith(RESOLVER_PREFIXES):
        return "text/html" in request.headers.get("accept", "")
    return not (path.startswith(API_PREFIXES) or path.endswith(DOCUMENT_SUFFIXES))


def url_with(request: Request, **changes: Any) -> str:
    """The current URL with some query parameters replaced (None removes one)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def context(request: Request) -> dict[str, Any]:
    lang = i18n.language(request)
    t = i18n.Translator(lang)
    db = request.app.state.db
    return {
        "lang": lang, "t": t, "other_lang": "en" if lang == "zh" else "zh",
        "lang_url": lambda code: url_with(request, lang=code),
        "url_with": lambda **kw: url_with(request, **kw),
        "user": session.current_actor(request, db) if "session" in request.scope else None,
        "csrf": (lambda: Markup(
            f'<input type="hidden" name="{session.CSRF_FIELD}" '
            f'value="{session.csrf_token(request)}">')),
        "path": request.url.path,
    }


def render(request: Request, template: str, status_code: int = 200,
           headers: dict[str, str] | None = None, **values: Any) -> HTMLResponse:
    ctx = context(request)
    ctx.update(values)
    response = TEMPLATES.TemplateResponse(request, template, ctx, status_code=status_code,
                                          headers=headers)
    asked = i18n.requested_language(request)
    if asked and request.cookies.get(i18n.COOKIE) != asked:
        response.set_cookie(i18n.COOKIE, asked, max_age=365 * 86400, samesite="lax",
                            httponly=True)
    return response
