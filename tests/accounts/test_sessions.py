"""Server-side sessions: the cookie holds only a random id; signing out, a new password and
disabling the user end the session at once; users are disabled, enabled and given new
passwords by administrators (API) and the operator (CLI)."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from certpass.accounts.models import WebSession
from certpass.cli.main import main
from certpass.web.app import create_app
from certpass.web.session import COOKIE
from tests.web.conftest import bearer

GOOD = "correct horse battery"


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


@pytest.fixture
def web(app_db, settings_for, tokens):
    with TestClient(create_app(settings_for(), app_db), follow_redirects=False) as c:
        yield c


def sign_in(client: TestClient, user: str = "cqc", password: str = GOOD) -> str:
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    r = client.post("/login", data={"username": user, "password": password,
                                    "csrf_token": csrf, "next": "/portal"})
    assert r.status_code == 303, r.text
    return client.cookies[COOKIE]


def signed_in(client: TestClient, cookie: str) -> bool:
    client.cookies.clear()
    client.cookies[COOKIE] = cookie
    return client.get("/portal").status_code == 200


def test_the_cookie_carries_only_a_session_id(web):
    cookie = sign_in(web)
    payload = json.loads(base64.b64decode(cookie.split(".")[0] + "=="))
    assert list(payload) == ["sid"] and "cqc" not in json.dumps(payload)


def test_sign_out_ends_a_copied_cookie(web, app_db):
    cookie = sign_in(web)
    assert signed_in(web, cookie)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/portal").text).group(1)
    assert web.post("/logout", data={"csrf_token": csrf}).status_code == 303
    assert not signed_in(web, cookie)  # the copy no longer works
    with app_db.read() as s:
        assert s.scalar(select(func.count()).select_from(WebSession)) == 0


def test_sign_in_rotates_the_id_and_the_csrf_token(web):
    web.get("/login")
    before = web.cookies[COOKIE]
    after = sign_in(web)
    assert before != after and not signed_in(web, before)


def test_an_expired_session_is_over(web, app_db):
    cookie = sign_in(web)
    with app_db.write() as s:
        s.execute(update(WebSession).values(expires_at=dt.datetime.now(dt.UTC)))
    assert not signed_in(web, cookie)


def test_an_idle_session_is_over(web, app_db):
    cookie = sign_in(web)
    with app_db.write() as s:
        s.execute(update(WebSession).values(
            last_seen_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=3)))
    assert not signed_in(web, cookie)


def test_a_new_password_ends_every_session(web, tokens):
    cookie = sign_in(web)
    r = web.put("/api/users/cqc/password", json={"password": "a brand new passphrase"},
                headers=bearer(tokens["admin"]))
    assert r.status_code == 204, r.text
    assert not signed_in(web, cookie)
    web.cookies.clear()
    sign_in(web, "cqc", "a brand new passphrase")


def test_users_set_their_own_password_only_with_the_current_one(web, tokens):
    new = {"password": "another fine passphrase"}
    assert web.put("/api/users/cqc/password", json=new,
                   headers=bearer(tokens["cqc"])).status_code == 403
    assert web.put("/api/users/cnas/password", json=new,
                   headers=basic("cqc", GOOD)).status_code == 403
    assert web.put("/api/users/cqc/password", json={"password": "cqc-password-1"},
                   headers=basic("cqc", GOOD)).status_code == 422  # holds the user name
    assert web.put("/api/users/cqc/password", json=new,
                   headers=basic("cqc", GOOD)).status_code == 204
    assert web.post("/api/tokens", json={}, headers=basic("cqc", GOOD)).status_code == 401


def test_a_disabled_user_is_out_everywhere(web, tokens):
    cookie = sign_in(web)
    assert web.post("/api/users/cqc/disable", headers=bearer(tokens["cqc"])).status_code == 403
    r = web.post("/api/users/cqc/disable", headers=bearer(tokens["admin"]))
    assert r.status_code == 200 and r.json()["disabled"] is True
    assert not signed_in(web, cookie)
    web.cookies.clear()
    assert web.get("/api/tokens", headers=bearer(tokens["cqc"])).status_code == 401
    assert web.post("/api/tokens", json={}, headers=basic("cqc", GOOD)).status_code == 401
    assert web.post("/api/users/cqc/enable", headers=bearer(tokens["admin"])).status_code == 200
    assert web.get("/api/tokens", headers=bearer(tokens["cqc"])).status_code == 200
    assert web.post("/api/users/admin/disable",
                    headers=bearer(tokens["admin"])).status_code == 422  # not yourself
    assert web.post("/api/users/nobody/disable",
                    headers=bearer(tokens["admin"])).status_code == 404


def test_cli_disable_enable_set_password(app_db, tokens, capsys, monkeypatch, settings_for):
    db = ["--database", app_db.url]
    assert main([*db, "users", "disable", "cqc"]) == 0
    with TestClient(create_app(settings_for(), app_db)) as c:
        assert c.get("/api/tokens", headers=bearer(tokens["cqc"])).status_code == 401
        assert main([*db, "users", "enable", "cqc"]) == 0
        assert c.get("/api/tokens", headers=bearer(tokens["cqc"])).status_code == 200
        monkeypatch.setattr("sys.stdin", io.StringIO("password123\n"))
        assert main([*db, "users", "set-password", "cqc", "--password-stdin"]) == 1
        assert "common" in capsys.readouterr().err
        monkeypatch.setattr("sys.stdin", io.StringIO("a different passphrase\n"))
        assert main([*db, "users", "set-password", "cqc", "--password-stdin"]) == 0
        assert c.post("/api/tokens", json={},
                      headers=basic("cqc", "a different passphrase")).status_code == 201
    assert main([*db, "users", "disable", "nobody"]) == 1
