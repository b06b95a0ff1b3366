"""Friendly error pages: the same error values the API returns as JSON, as a page a person
can act on. "Not found" is its own page, never confused with a revoked certificate."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from certpass.web.pages.render import render

# HTTP status → the page's kind (a catalogue suffix: error.title.<kind>, error.lead.<kind>).
KINDS = {400: "bad-request", 401: "sign-in", 403: "forbidden", 404: "not-found",
         405: "bad-request", 409: "conflict", 413: "too-large", 422: "bad-request",
         429: "rate-limited"}


def render_error(request: Request, status: int, code: str, message: str = "",
                 hint: str = "") -> HTMLResponse:
    kind = KINDS.get(status, "internal")
    return render(request, "error.html", status_code=status, kind=kind, code=code,
                  message=message, hint=hint)
