"""Tokens: shown once, stored hashed, scoped, expiring, revocable; never in logs."""

from __future__ import annotations

import base64
import datetime as dt
import logging

import pytest
from sqlalchemy import select, update

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.accounts.models import ApiToken, User
from certpass.cli.main import main
from certpass.errors import Conflict
from tests.registry_fixture import request_data
from tests.web.conftest import bearer


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_password_creates_a_token_that_works(client, tokens, caplog):
    caplog.set_level(logging.DEBUG)
    r = client.post("/api/tokens", json={"scope": "write", "days": 7, "name": "laptop"},
                    headers=basic("cqc", "correct horse battery"))
    assert r.status_code == 201
    token = r.json()["token"]
    assert client.post("/api/certificates", json=request_data(),
                       headers=bearer(token)).status_code == 201
    listed = client.get("/api/tokens", headers=bearer(token))
    assert token not in listed.text and token.split("_", 2)[2] not in listed.text
    assert any(t["name"] == "laptop" and t["state"] == "active" for t in listed.json())
    assert token not in caplog.text and token.split("_", 2)[2] not in caplog.text
    r = client.delete(f"/api/tokens/{r.json()['key_id']}", headers=bearer(token))
    assert r.status_code == 204
    assert client.post("/api/certificates", json=request_data("2024010701000002"),
                       headers=bearer(token)).status_code == 401


@pytest.mark.parametrize("headers", [basic("cqc", "wrong password!"), basic("nobody", "x" * 12),
                                     {"Authorization": "Basic !!!"}, {}])
def test_bad_credentials_make_no_token(client, tokens, headers):
    r = client.post("/api/tokens", json={"scope": "read"}, headers=headers)
    assert r.status_code == 401


def test_expired_revoked_wrong_scope_forged(client, tokens, app_db):
    body = request_data()
    with app_db.write() as s:
        s.execute(update(ApiToken).where(ApiToken.key_id == tokens["cnas"].split("_")[1])
                  .values(expires_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))
    assert client.post("/api/bodies", json={}, headers=bearer(tokens["cnas"])).status_code == 401
    assert client.post("/api/certificates", json=body,
                       headers=bearer(tokens["cqc-read"])).status_code == 403
    key_id = tokens["cqc"].split("_")[1]
    for forged in (f"cpt_{key_id}_" + "A" * 43, "cpt_000000000000_x", "Bearer", "cpt__",
                   tokens["cqc"].replace("cpt_", "cpx_")):
        assert client.post("/api/certificates", json=body,
                           headers=bearer(forged)).status_code == 401
    with app_db.write() as s:
        accounts.revoke_token(s, key_id, OPERATOR)
    r = client.post("/api/certificates", json=body, headers=bearer(tokens["cqc"]))
    assert r.status_code == 401 and tokens["cqc"] not in r.text


def test_only_hashes_are_stored(tokens, app_db):
    with app_db.read() as s:
        stored = [(t.key_id, t.secret_hash) for t in s.scalars(select(ApiToken))]
    for token in tokens.values():
        secret = token.split("_", 2)[2]  # the secret may itself hold "_"
        assert all(secret not in h for _, h in stored)


def test_a_user_cannot_revoke_anothers_token(client, tokens):
    other = tokens["cnas"].split("_")[1]
    assert client.delete(f"/api/tokens/{other}", headers=bearer(tokens["cqc"])).status_code == 403
    assert client.delete(f"/api/tokens/{other}",
                         headers=bearer(tokens["admin"])).status_code == 204


def test_demo_accounts_only_on_a_fresh_database(sqlite_db):
    from tests.registry_fixture import seed

    seed(sqlite_db)
    with sqlite_db.write() as s:
        assert accounts.create_demo_accounts(s) == ["admin", "cnas", "cqc"]
    with sqlite_db.read() as s:
        assert accounts.check_password(s, "cqc", "certpass-demo-cqc").body_id == "cqc"
        assert s.scalar(select(User.role).where(User.username == "cnas")) == \
            "accreditation-body"
    with pytest.raises(Conflict), sqlite_db.write() as s:
        accounts.create_demo_accounts(s)


def test_cli_users_and_tokens(sqlite_db, capsys, monkeypatch):
    import io as _io

    from tests.registry_fixture import seed

    seed(sqlite_db)
    db = ["--database", sqlite_db.url]
    monkeypatch.setattr("sys.stdin", _io.StringIO("a long password\n"))
    assert main([*db, "users", "add", "alice", "--role", "certification-body", "--body", "cqc",
                 "--password-stdin"]) == 0
    assert main([*db, "users", "add", "bob", "--role", "certification-body", "--body", "cnas",
                 "--password-stdin"]) == 1  # cnas is not a certification body
    assert main([*db, "users", "list", "--json"]) == 0
    assert '"alice"' in capsys.readouterr().out
    assert main([*db, "tokens", "create", "alice", "--scope", "write", "--days", "90"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("cpt_")
    assert main([*db, "tokens", "list", "alice", "--json"]) == 0
    listed = capsys.readouterr().out
    assert token.split("_")[1] in listed and token.split("_", 2)[2] not in listed
    assert main([*db, "tokens", "revoke", token.split("_")[1]]) == 0
    assert main([*db, "tokens", "create", "alice", "--days", "999"]) == 1
