"""Security headers: a strict CSP (no inline script or style anywhere in the templates),
nosniff, Referrer-Policy, no framing; HSTS only over https; no-store on private answers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from certpass.web.app import create_app
from certpass.web.headers import CSP
from tests.web.conftest import bearer

TEMPLATES = Path(__file__).resolve().parents[2] / "certpass" / "web" / "templates"
STRICT = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
          "frame-ancestors 'none'; base-uri 'none'; form-action 'self'")


@pytest.mark.parametrize("path", ["/", "/verify", "/bodies", "/login", "/api/health",
                                  "/no-such-page", "/static/certpass.css"])
def test_every_answer_has_the_headers(client, path):
    r = client.get(path)
    assert r.headers["content-security-policy"] == STRICT == CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert r.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in r.headers  # plain http


def test_hsts_only_over_https(app_db, settings_for):
    app = create_app(settings_for(base_url="https://certpass.example"), app_db)
    with TestClient(app, base_url="https://certpass.example") as c:
        assert c.get("/").headers["strict-transport-security"].startswith("max-age=31536000")


def test_private_answers_are_not_stored(client, tokens):
    assert client.get("/login").headers["cache-control"] == "no-store"
    assert client.get("/portal", follow_redirects=False).headers["cache-control"] == "no-store"
    assert client.get("/api/subscriptions",
                      headers=bearer(tokens["cqc-read"])).headers["cache-control"] == "no-store"
    assert client.get("/api/bodies",
                      headers=bearer(tokens["cqc"])).headers["cache-control"] == "no-store"
    assert client.get("/bodies").headers.get("cache-control") != "no-store"


def test_api_docs_still_load_under_their_policies(client):
    r = client.get("/docs")
    assert r.status_code == 200 and r.headers["content-security-policy"] == STRICT
    r = client.get("/redoc")  # ReDoc writes <style> elements: inline style, no inline script
    csp = r.headers["content-security-policy"]
    assert r.status_code == 200 and "script-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp and "style-src 'self' 'unsafe-inline'" in csp
    assert "'unsafe-inline'" not in client.get("/").headers["content-security-policy"]
    assert client.get("/openapi.json").status_code == 200


def test_templates_have_no_inline_script_or_style():
    """What makes the strict policy possible: no inline <script>, <style>, style= or on*=."""
    offending = []
    for template in sorted(TEMPLATES.glob("*.html")):
        text = template.read_text(encoding="utf-8")
        for pattern in (r"<script(?![^>]*\bsrc=)[^>]*>", r"<style\b", r"\sstyle\s*=",
                        r"\son[a-z]+\s*=", r"javascript:"):
            offending += [f"{template.name}: {m.group(0)}"
                          for m in re.finditer(pattern, text, re.IGNORECASE)]
    assert not offending, offending
