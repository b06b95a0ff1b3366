"""Watch-lists in the browser: any signed-in user (a relying party lands here: an importer,
a buyer, a customs office) watches certificates, holders and bodies by webhook, and finds
the public Atom feed of each. The alerts service checks the URL (egress rules) and seals
the signing secret, which the page shows once."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from certpass.accounts.actor import Actor
from certpass.alerts import service as alerts
from certpass.certificates import service as certificates
from certpass.errors import CertpassError
from certpass.web.deps import DB, SettingsDep
from certpass.web.pages.feeds import feed_path
from certpass.web.pages.portal import Form, SignedIn, form_text, service_message
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)
def _page(request: Request, db: Any, actor: Actor, *, done: str = "",
          secret: str = "", errors: dict[str, str] | None = None,
          values: dict[str, str] | None = None, status_code: int = 200) -> HTMLResponse:
    with db.read() as session:
        watches = [{"id": w.id, "kind": w.target_kind, "target": w.target,
                    "issuer": w.target_issuer, "url": w.url,
                    "state": w.state, "last_error": w.last_error,
                    "feed": feed_path(w.target_kind, w.target, w.target_issuer)}
                   for w in alerts.list_subscriptions(session, actor)]
    response = render(request, "portal_watches.html", status_code=status_code,
                      watches=watches, kinds=alerts.TARGET_KINDS, done=done, secret=secret,
                      errors=errors or {}, values=values or {"kind": "certificate"})
    if secret:
        response.headers["Cache-Control"] = "no-store"  # the secret is on this page only
    return response


@router.get("/portal/watches", response_class=HTMLResponse)
def watches(request: Request, db: DB, actor: SignedIn, kind: str = "certificate",
            target: str = "", done: str = "", issuer: str = "") -> HTMLResponse:
    values = {"kind": kind if kind in alerts.TARGET_KINDS else "certificate",
              "target": target[:200], "issuer": issuer[:64]}
    return _page(request, db, actor, done=done[:16], values=values)


@router.post("/portal/watches", response_class=HTMLResponse)
def watch(request: Request, db: DB, settings: SettingsDep, actor: SignedIn,
          form: Form) -> Response:
    values = {k: form_text(form, k) for k in ("kind", "target", "url", "issuer")}
    try:
        with db.write() as session:
            issuer = certificates.issuer_of(session, values["target"][:80].strip(),
                                            values["issuer"][:64].strip() or None) \
                if values["kind"] == "certificate" else ""
            _, secret = alerts.subscribe(session, settings, actor, values["kind"],
                                         values["target"][:200], values["url"][:2000], issuer)
    except CertpassError as exc:
        field = "url" if "url" in exc.message.lower() or "address" in exc.message.lower() \
            else "issuer" if exc.code == "ambiguous-number" or (
                isinstance(exc.details, dict) and "issuer" in exc.details) \
            else "target"
        return _page(request, db, actor, errors={field: service_message(exc)}, values=values,
                     status_code=exc.http_status)
    return _page(request, db, actor, secret=secret, status_code=201)


@router.post("/portal/watches/{watch_id}/{action}", response_class=HTMLResponse)
def change(request: Request, watch_id: str, action: str, db: DB, actor: SignedIn,
           form: Form) -> Response:
    if action not in ("remove", "resume"):
        return _page(request, db, actor, status_code=404)
    try:
        with db.write() as session:
            if action == "remove":
                alerts.unsubscribe(session, actor, watch_id[:32])
            else:
                alerts.resume(session, actor, watch_id[:32])
    except CertpassError as exc:
        return _page(request, db, actor, errors={"change": exc.message},
                     status_code=exc.http_status)
    return RedirectResponse(f"/portal/watches?done={action}", status_code=303)
