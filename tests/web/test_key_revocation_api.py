"""Revoking a compromised key over HTTP: authenticated, logged, shown in the DID document."""

from __future__ import annotations

import pytest

from certpass.ledger import service as ledger
from tests.registry_fixture import request_data
from tests.web.conftest import bearer

NUMBER = "2024010701000001"
URL = "/api/bodies/cqc/keys/key-1/revoke"


@pytest.fixture
def issued(client, tokens):
    r = client.post("/api/certificates", json=request_data(NUMBER), headers=bearer(tokens["cqc"]))
    assert r.status_code == 201, r.text
    (key,) = client.get("/api/bodies/cqc/keys").json()
    return key


def test_the_body_revokes_its_key(client, tokens, issued, app_db):
    when = issued["created"]
    r = client.post(URL, json={"compromised_at": when}, headers=bearer(tokens["cqc"]))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["revoked"]["compromised_at"] == when and body["revoked"]["revoked_at"]
    assert body["replacement"]["id"].endswith("#key-2")
    doc = client.get("/bodies/cqc/did.json").json()
    (old,) = [m for m in doc["verificationMethod"] if m["id"] == issued["id"]]
    assert old["revoked"] == when and issued["id"] not in doc["assertionMethod"]
    with app_db.read() as s:
        size = ledger.tree_size(s)
    last = client.get(f"/log/entries/{size - 1}").json()["entry"]
    assert last["type"] == "key.revoked" and last["actor"].startswith("cqc")
    assert last["key"]["id"] == issued["id"] and last["key"]["body"] == "cqc"
    assert last["key"]["compromised_at"].startswith(when[:-1])
    listed = client.get("/api/bodies/cqc/keys").json()
    assert [k["compromised_at"] for k in listed] == [when, None]


@pytest.mark.parametrize(("who", "payload", "status", "code"), [
    (None, {"compromised_at": "2026-01-01T00:00:00Z"}, 401, "unauthenticated"),
    ("cqc-read", {"compromised_at": "2026-01-01T00:00:00Z"}, 403, None),
    ("other-cb", {"compromised_at": "2026-01-01T00:00:00Z"}, 403, "forbidden"),
    ("cnas", {"compromised_at": "2026-01-01T00:00:00Z"}, 403, "forbidden"),
    ("cqc", {"compromised_at": "2999-01-01T00:00:00Z"}, 422, "invalid-input"),
    ("cqc", {"compromised_at": "2026-01-01T00:00:00"}, 422, "invalid-input"),
    ("cqc", {"compromised_at": "not a time"}, 422, None),
    ("cqc", {}, 422, None),
])
def test_refusals(client, tokens, issued, who, payload, status, code):
    headers = bearer(tokens[who]) if who else {}
    r = client.post(URL, json=payload, headers=headers)
    assert r.status_code == status, r.text
    if code:
        assert r.json()["error"]["code"] == code
    assert all("revoked" not in m for m in
               client.get("/bodies/cqc/did.json").json()["verificationMethod"])


def test_unknown_key_and_body(client, tokens, issued):
    t = bearer(tokens["cqc"])
    when = {"compromised_at": issued["created"]}
    r = client.post("/api/bodies/cqc/keys/key-9/revoke", json=when, headers=t)
    assert r.status_code == 404 and "key-9" in r.json()["error"]["message"]
    r = client.post("/api/bodies/nobody/keys/key-1/revoke", json=when, headers=t)
    assert r.status_code in (403, 404)
    r = client.post(URL, json=when, headers=t)
    assert r.status_code == 200
    r = client.post(URL, json=when, headers=t)
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
