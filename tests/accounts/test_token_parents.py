"""Tokens are made with a password or by an administrator; a token made by a token never
outlives it and is revoked with it."""

from __future__ import annotations

import base64
import datetime as dt

from sqlalchemy import select

from certpass.accounts.models import ApiToken
from tests.web.conftest import bearer

GOOD = "correct horse battery"


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_a_write_token_cannot_mint_a_longer_lived_token(client, tokens):
    """The reviewed attack: a write token made a 366-day token that survived its revocation."""
    r = client.post("/api/tokens", json={"scope": "write", "days": 366},
                    headers=bearer(tokens["cqc"]))
    assert r.status_code == 403 and "password" in r.json()["error"]["hint"]


def test_an_admin_token_makes_tokens_bounded_by_it(client, tokens, app_db):
    with app_db.read() as s:
        parent = s.scalar(select(ApiToken).where(
            ApiToken.key_id == tokens["admin"].split("_")[1]))
    r = client.post("/api/tokens", json={"scope": "write", "days": 366, "user": "cqc"},
                    headers=bearer(tokens["admin"]))
    assert r.status_code == 201, r.text
    child = r.json()
    assert dt.datetime.fromisoformat(child["expires_at"]) <= parent.expires_at
    listed = client.get("/api/tokens", headers=bearer(child["token"])).json()
    assert {t["key_id"]: t["parent_key_id"] for t in listed}[child["key_id"]] == parent.key_id
    # A grandchild, then revoking the admin's token revokes both.
    r = client.post("/api/tokens", json={"scope": "read", "user": "cnas"},
                    headers=bearer(child["token"]))
    assert r.status_code == 403  # cqc is no administrator
    assert client.delete(f"/api/tokens/{parent.key_id}",
                         headers=bearer(tokens["admin"])).status_code == 204
    assert client.get("/api/tokens", headers=bearer(child["token"])).status_code == 401
    with app_db.read() as s:
        row = s.scalar(select(ApiToken).where(ApiToken.key_id == child["key_id"]))
        assert row.revoked_at is not None


def test_a_child_of_a_parent_revoked_behind_the_services_back_is_refused(
        client, tokens, app_db):
    from sqlalchemy import update
    r = client.post("/api/tokens", json={"scope": "write", "user": "cqc"},
                    headers=bearer(tokens["admin"]))
    child = r.json()["token"]
    assert client.get("/api/tokens", headers=bearer(child)).status_code == 200
    with app_db.write() as s:
        s.execute(update(ApiToken).where(ApiToken.key_id == tokens["admin"].split("_")[1])
                  .values(revoked_at=dt.datetime.now(dt.UTC)))
    assert client.get("/api/tokens", headers=bearer(child)).status_code == 401


def test_a_password_makes_a_token_without_parent(client, tokens):
    r = client.post("/api/tokens", json={"scope": "write", "days": 30},
                    headers=basic("cqc", GOOD))
    assert r.status_code == 201
    listed = client.get("/api/tokens", headers=bearer(r.json()["token"])).json()
    assert {t["key_id"]: t["parent_key_id"] for t in listed}[r.json()["key_id"]] is None
    # With a password, only for yourself (administrators excepted).
    assert client.post("/api/tokens", json={"user": "cnas"},
                       headers=basic("cqc", GOOD)).status_code == 403
