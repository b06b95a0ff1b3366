"""Read scope is strictly read-only: every route of the app that takes an unsafe method
refuses a read-scope token (401/403), found by walking the app's routes, so a new write
route is covered without being listed here."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute
from sqlalchemy import func, select

from certpass.alerts.models import Subscription
from tests.web.conftest import bearer

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
# Public POSTs that write nothing: verification and route planning take a document or a
# question in the body, for anyone.
PUBLIC = {("POST", "/api/verify"), ("POST", "/credentials/verify"),
          ("POST", "/presentations/verify"), ("POST", "/api/plan"),
          ("POST", "/verify")}


def _walk(routes, prefix: str = ""):
    """Every APIRoute, also inside included routers (FastAPI keeps those nested)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif hasattr(route, "original_router"):
            yield from _walk(route.original_router.routes,
                             prefix + getattr(route.include_context, "prefix", ""))


def _unsafe_routes(app) -> list[tuple[str, str]]:
    found = [(m, path) for path, route in _walk(app.routes)
             for m in sorted(route.methods & UNSAFE)]
    return sorted(set(found))


def test_no_unsafe_route_accepts_a_read_token(client, tokens, app_db):
    routes = _unsafe_routes(client.app)
    assert ("POST", "/api/subscriptions") in routes and len(routes) > 20
    accepted = []
    for method, pattern in routes:
        if (method, pattern) in PUBLIC:
            continue
        path = re.sub(r"\{[^}]+\}", "x", pattern)
        r = client.request(method, path, headers=bearer(tokens["cqc-read"]), json={})
        if r.status_code not in (401, 403):
            accepted.append(f"{method} {pattern}: {r.status_code} {r.text[:120]}")
    assert not accepted, "unsafe routes that accept a read-scope token:\n" + "\n".join(accepted)
    assert set(routes) >= PUBLIC  # the exemptions name real routes


def test_a_read_token_cannot_delete_others_subscriptions(client, tokens, app_db):
    """The reviewed attack: an administrator's read token deleted everyone's subscriptions."""
    from certpass.accounts import service as accounts
    from certpass.accounts.actor import OPERATOR
    with app_db.write() as s:
        admin_read = accounts.create_token(s, "admin", "read", 5, "ro", OPERATOR).token
    r = client.post("/api/subscriptions", json={"target_kind": "body", "target": "cqc",
                                                "url": "https://example.org/hook"},
                    headers=bearer(tokens["cqc"]))
    assert r.status_code == 201, r.text
    sub = r.json()["id"]
    assert client.delete(f"/api/subscriptions/{sub}",
                         headers=bearer(admin_read)).status_code == 403
    assert client.post(f"/api/subscriptions/{sub}/resume",
                       headers=bearer(admin_read)).status_code == 403
    assert client.post("/api/subscriptions", json={"target_kind": "body", "target": "cqc",
                                                   "url": "https://example.org/hook"},
                       headers=bearer(tokens["cqc-read"])).status_code == 403
    with app_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Subscription)) == 1
    # Reading one's own subscriptions still works with a read token.
    assert client.get("/api/subscriptions", headers=bearer(tokens["cqc-read"])).status_code == 200
