"""A user's API tokens in the browser: made only with the password again, shown once, usable
at once with their scope, revoked with the tokens made from them; others' tokens are an
administrator's business."""

from __future__ import annotations

import html
import re

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from tests.web.pages.conftest import PASSWORD, csrf_of, sign_in

FORM = {"name": "ERP export", "scope": "read", "days": "30"}


def _secret(page: str) -> str:
    found = re.search(r'<code id="token-secret" translate="no">([^<]+)</code>', page)
    assert found, "the new token is shown"
    return html.unescape(found.group(1))


def test_make_use_and_revoke_a_token(web, page_db):
    csrf = sign_in(web)
    page = web.get("/portal/tokens")
    assert page.status_code == 200 and 'id="no-tokens"' in page.text
    token = csrf_of(page.text)
    # The session alone makes no token: the password, again and right.
    r = web.post("/portal/tokens", data={**FORM, "password": "wrong", "csrf_token": token})
    assert r.status_code == 422 and 'data-field="password"' in r.text
    r = web.post("/portal/tokens", data={**FORM, "days": "9999", "password": PASSWORD,
                                         "csrf_token": token})
    assert r.status_code == 422 and 'data-field="days"' in r.text
    r = web.post("/portal/tokens", data={**FORM, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
    secret = _secret(r.text)
    assert secret not in web.get("/portal/tokens").text  # shown once
    with page_db.read() as s:
        [listed] = accounts.list_tokens(s, "cqc-officer", OPERATOR)
    assert listed["scope"] == "read" and listed["name"] == "ERP export"
    # It works as a read token, and only as one.
    bearer = {"Authorization": f"Bearer {secret}"}
    assert web.get("/api/subscriptions", headers=bearer).status_code == 200
    r = web.post("/api/subscriptions", headers=bearer,
                 json={"url": "https://example.org/hook", "certificate": "X"})
    assert r.status_code in (401, 403, 422)
    # Revoked from the page: refused at once.
    r = web.post(f"/portal/tokens/{listed['key_id']}/revoke", data={"csrf_token": csrf})
    assert r.status_code == 303 and "done=revoked" in r.headers["location"]
    assert web.get("/api/subscriptions", headers=bearer).status_code == 401
    assert 'data-token="' in web.get("/portal/tokens").text


def test_others_tokens_are_for_administrators(web, page_db):
    sign_in(web)
    assert web.get("/portal/tokens?user=other-officer").status_code == 403
    with page_db.write() as s:
        accounts.add_user(s, "tok-admin", "admin", None, PASSWORD, OPERATOR)
        accounts.create_token(s, "other-officer", "read", 7, "theirs", OPERATOR)
    web.cookies.clear()
    login = csrf_of(web.get("/login").text)
    web.post("/login", data={"username": "tok-admin", "password": PASSWORD,
                             "csrf_token": login})
    page = web.get("/portal/tokens?user=other-officer").text
    assert "theirs" in page and 'id="create-token"' not in page  # list and revoke only
    assert 'href="/portal/tokens?user=other-officer"' in web.get("/portal/users").text
