"""Security headers on every response (pure ASGI middleware, no body buffering).

- A strict Content-Security-Policy: scripts and styles only from this origin, no inline
  script or style (the templates have none), no framing (the portal's buttons cannot be
  clickjacked), no <base>, forms only to this origin. ReDoc (/redoc) writes its styles
  as <style> elements, so that page alone allows inline style (never inline script).
- ``X-Content-Type-Options: nosniff``, ``Referrer-Policy: same-origin``,
  ``X-Frame-Options: DENY`` (for browsers without frame-ancestors).
- ``Strict-Transport-Security`` only when served over https (the request's scheme, or an
  https base_url behind a proxy), never on plain http where it would mean nothing.
- ``Cache-Control: no-store`` on the portal and sign-in pages and on every answer to an
  authenticated request (a bearer token, HTTP Basic or a signed-in session).
A header already set by a route is kept (a route may know better).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
# ReDoc (/redoc) only: it styles the page with <style> elements it writes at run time
# (styled-components), so its policy allows inline style, still no inline script. Swagger UI
# (/docs) runs under the strict policy.
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'; "
            "base-uri 'none'; form-action 'self'")
DOCS_PATHS = ("/redoc",)
PRIVATE_PATHS = ("/portal", "/login", "/logout", "/api/tokens", "/api/users")
HSTS = "max-age=31536000; includeSubDomains"


def _private(scope: Scope) -> bool:
    path = scope["path"]
    if path.startswith(PRIVATE_PATHS):
        return True
    if any(name == b"authorization" for name, _ in scope.get("headers", [])):
        return True
    state = scope.get("state") or {}
    return state.get("web_actor") is not None


class SecurityHeaders:
    def __init__(self, app: ASGIApp, https: bool = False) -> None:
        self.app = app
        self.https = https

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})  # shared with request.state: the handler's actor

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                docs = scope["path"].startswith(DOCS_PATHS)
                wanted = [
                    (b"content-security-policy", (DOCS_CSP if docs else CSP).encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                ]
                if self.https or scope.get("scheme") == "https":
                    wanted.append((b"strict-transport-security", HSTS.encode()))
                headers += [(k, v) for k, v in wanted if k not in present]
                if _private(scope):
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)
