"""Each role's main task in Chromium, its effect checked through the public API: an
administrator records a body, an accreditation body grants and suspends an accreditation
(after a preview), a certification body withdraws a certificate (only once confirmed)."""

from __future__ import annotations

import json
import urllib.request
from urllib.parse import quote

import pytest
from sqlalchemy import select

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.certificates.models import Certificate
from tests.web.pages import demo_site

pytestmark = pytest.mark.browser
PASSWORD = "staple purple horse battery"


def _api(base: str, path: str) -> dict:
    with urllib.request.urlopen(f"{base}{path}", timeout=30) as r:  # loopback only
        return json.loads(r.read())


def _user(db, name: str, role: str, body: str | None) -> None:
    from certpass.errors import NotFound

    with db.write() as s:
        try:
            accounts.user_by_name(s, name)
        except NotFound:
            accounts.add_user(s, name, role, body, PASSWORD, OPERATOR)


def _sign_in(page, base: str, name: str, password: str = PASSWORD) -> None:
    page.goto(f"{base}/login?next=/portal")
    page.fill("#f-username", name)
    page.fill("#f-password", password)
    page.click("form button[type=submit]")


def test_administrator_records_a_body(server, page):
    base, _, db = server
    _user(db, "browser-admin", "admin", None)
    _sign_in(page, base, "browser-admin")
    page.wait_for_selector("#record-links")
    assert page.url.endswith("/portal/registry")
    page.click("a[href='/portal/registry/new/body']")
    page.fill("#f-id", "browser-lab")
    page.fill("#f-name_en", "Browser Testing Laboratory")
    page.fill("#f-economy_code", "CN")
    page.check("input[name=roles][value=testing-lab]")
    page.click("#registry-form button[type=submit]")
    page.wait_for_url(f"{base}/bodies/browser-lab")
    body = _api(base, "/api/bodies/browser-lab")
    assert body["name_en"] == "Browser Testing Laboratory" and body["roles"] == ["testing-lab"]


def test_accreditation_body_grants_previews_and_suspends(server, page):
    base, _, db = server
    _user(db, "browser-cnas", "accreditation-body", "cnas")
    _sign_in(page, base, "browser-cnas")
    page.wait_for_selector("#grant-form")
    page.fill("#f-number", "CNAS BROWSER-1")
    page.select_option("#f-body_id", "cqc")
    page.fill("#f-valid_from", "2025-01-01")
    page.fill("#f-valid_until", "2029-12-31")
    page.fill("#f-backdate_reason", "browser test: an accreditation on paper since 2025")
    page.fill("#f-schemes", "CCC")
    page.click("#grant-form button[type=submit]")
    page.wait_for_selector("#change-form")
    page.select_option("#f-status", "suspended")
    page.click("#change-form button[name=preview]")
    page.wait_for_selector("#preview")
    page.fill("#f-reason", "browser surveillance")
    page.click("#change-form button:not([name])")
    page.wait_for_selector("[data-status=suspended]")
    acc = _api(base, f"/api/accreditations/{quote('CNAS BROWSER-1')}")
    assert acc["status"] == "suspended"


def test_certification_body_withdraws_only_when_confirmed(server, page):
    base, _, db = server
    with db.read() as s:
        number = s.scalar(select(Certificate.number).where(
            Certificate.issuer_id == "cqc", Certificate.status == "valid",
            Certificate.valid_until.is_not(None)).order_by(Certificate.number.desc()).limit(1))
    _sign_in(page, base, demo_site.USER, demo_site.PASSWORD)
    page.wait_for_selector("#import-form")
    page.goto(f"{base}/portal/certificates/{quote(number, safe='')}")
    form = "form[action$='/withdraw']"
    page.fill(f"{form} input[name=reason]", "fraud found in the browser test")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("#err-withdraw-confirm")
    assert _api(base, f"/api/certificates/{quote(number, safe='')}")["status"] == "valid"
    page.check(f"{form} input[name=confirm]")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("#no-actions")
    assert _api(base, f"/api/certificates/{quote(number, safe='')}")["status"] == "withdrawn"
