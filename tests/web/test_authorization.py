"""The authorization matrix: every write endpoint of the OpenAPI document × every role.

Write endpoints are discovered from ``app.openapi()``, so a new one is covered at once —
and the test fails until it has a rule in RULES. Expected: 401 without credentials, 403
when the role is denied, anything but 401/403 when allowed (2xx, or a 4xx about the input).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from sqlalchemy import select

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.ledger.models import LogEntry
from certpass.web.app import create_app
from tests.registry_fixture import request_data
from tests.web.conftest import bearer

WRITE = ("post", "put", "patch", "delete")
ROLES = ("anonymous", "read-only", "admin", "ab-own", "ab-other", "cb-own", "cb-other")
ANY_USER = {r: "allow" for r in ROLES if r != "anonymous"} | {"anonymous": 401}
WRITERS = ANY_USER | {"read-only": 403}
ONLY = {"admin": "admin", "ab": "ab-own", "cb": "cb-own"}


def only(who: str) -> dict[str, Any]:
    allowed = ONLY[who]
    return {r: ("allow" if r == allowed else 403) for r in ROLES} | {"anonymous": 401}


PUBLIC = {r: "allow" for r in ROLES}
CERT = "2024010701000001"
PROJECT = {"id": "p-test", "title_en": "Test project", "title_zh": "测试项目",
           "field": "electronics", "started_on": "2023-01-01"}

# (method, path pattern) → expected per role, with the request that exercises it.
RULES: dict[tuple[str, str], dict[str, Any]] = {
    # Tokens are made with a password (HTTP Basic), or by an administrator's token.
    ("post", "/api/tokens"): only("admin"),
    ("delete", "/api/tokens/{key_id}"): WRITERS,
    # Read scope is read-only: subscribing is a write.
    ("post", "/api/subscriptions"): WRITERS,
    ("delete", "/api/subscriptions/{subscription_id}"): WRITERS,
    ("post", "/api/subscriptions/{subscription_id}/resume"): WRITERS,
    ("post", "/api/users/{username}/disable"): only("admin"),
    ("post", "/api/users/{username}/enable"): only("admin"),
    ("put", "/api/users/{username}/backdating"): only("admin"),
    # Users set their own password only with the current one (HTTP Basic, not a token).
    ("put", "/api/users/{username}/password"): only("admin"),
    ("post", "/api/certificates"): only("cb"),
    ("post", "/api/certificates/{number}/amend"): only("cb"),
    ("post", "/api/certificates/{number}/{action}"): only("cb"),
    ("post", "/api/import"): only("cb") | {"cb-other": "allow"},  # its rows are refused
    ("post", "/api/projects"): only("admin"),
    ("post", "/api/projects/{id}"): only("admin"),
    ("post", "/api/arrangements"): only("admin"),
    ("post", "/api/arrangements/{id}"): only("admin"),
    ("post", "/api/estimates"): only("admin"),
    ("post", "/api/bodies"): only("admin"),
    ("post", "/api/bodies/{body_id}/keys/{key}/revoke"): only("cb"),  # cqc's own key
    ("post", "/api/accreditations"): only("ab"),
    ("post", "/api/accreditations/{number}/change"): only("ab"),
    ("post", "/api/plan"): PUBLIC,
    ("post", "/api/verify"): PUBLIC,
    ("post", "/credentials/verify"): PUBLIC,
    ("post", "/presentations/verify"): PUBLIC,
    # VC-API issue (also for the W3C test suites): a certification body signs with its own
    # key, an administrator with the platform key; nobody else may sign.
    ("post", "/credentials/issue"): only("admin") | {"cb-own": "allow", "cb-other": "allow"},
}

PARAMS = {"key_id": "abcdef012345", "subscription_id": "sub_missing", "number": CERT,
          "action": "suspend", "id": "p-test", "username": "nobody-here"}
BODIES: dict[tuple[str, str], Any] = {
    ("post", "/api/tokens"): {"scope": "read", "days": 1},
    ("put", "/api/users/{username}/password"): {"password": "a long new passphrase"},
    ("put", "/api/users/{username}/backdating"): {"until": None},
    ("post", "/api/subscriptions"): {"target_kind": "certificate", "target": CERT,
                                     "url": "http://127.0.0.1:9/hook"},
    ("post", "/api/certificates"): request_data("2024010701000099"),
    ("post", "/api/certificates/{number}/amend"): {"issued_on": "2024-04-01", "reason": "x",
                                                   "standards": ["GB 4706.1-2005"]},
    ("post", "/api/certificates/{number}/{action}"): {"reason": "audit"},
    ("post", "/api/projects"): PROJECT,
    ("post", "/api/projects/{id}"): {"project": PROJECT, "reason": "x"},
    ("post", "/api/arrangements"): {},
    ("post", "/api/arrangements/{id}"): {"status": "suspended", "reason": "x"},
    ("post", "/api/estimates"): {"kind": "condition", "code": "marking", "source": "a quote",
                                 "figures": {"cost": 200, "days": 5}},
    ("post", "/api/bodies"): {"id": "x-body", "name_en": "X", "roles": ["regulator"],
                              "economy_code": "CN"},
    ("post", "/api/accreditations"): {
        "number": "CNAS-NEW", "accreditor_id": "cnas", "body_id": "cqc",
        "standard": "ISO/IEC 17065", "scope": {"schemes": ["CCC"]},
        "valid_from": "2024-01-01", "valid_until": "2028-01-01"},
    ("post", "/api/accreditations/{number}/change"): {"status": "suspended", "reason": "x"},
    # before the key was made: refused as input (422) once the author is allowed
    ("post", "/api/bodies/{body_id}/keys/{key}/revoke"): {"compromised_at": "2000-01-01T00:00:00Z"},
    ("post", "/api/plan"): {"hs": "8516.79", "standards": ["IEC 60335-1:2020"],
                            "origin": "CN", "markets": ["NZ"]},
    ("post", "/api/verify"): {},
    ("post", "/credentials/verify"): {},
    ("post", "/presentations/verify"): {},
    ("post", "/credentials/issue"): {},
}
PATH_PARAMS = {("post", "/api/accreditations/{number}/change"): {"number": "CNAS-C001"},
               ("post", "/api/bodies/{body_id}/keys/{key}/revoke"): {"body_id": "cqc",
                                                                      "key": "key-1"}}


def _write_endpoints() -> list[tuple[str, str]]:
    from certpass.config import Settings

    app = create_app(Settings.load(environ={}, database_url="sqlite://"))
    return sorted((m, p) for p, ops in app.openapi()["paths"].items() for m in ops
                  if m in WRITE)


ENDPOINTS = _write_endpoints()


def test_every_write_endpoint_has_a_rule():
    missing = [f"{m.upper()} {p}" for m, p in ENDPOINTS if (m, p) not in RULES]
    assert not missing, f"write endpoints without an authorization rule: {missing}"


@pytest.fixture
def role_headers(client, tokens, app_db):
    with app_db.write() as s:
        accounts.add_user(s, "ianz", "accreditation-body", "ianz", "correct horse battery",
                          OPERATOR)
        ianz = accounts.create_token(s, "ianz", "write", 30, "t", OPERATOR).token
    r = client.post("/api/certificates", json=request_data(CERT), headers=bearer(tokens["cqc"]))
    assert r.status_code == 201, r.text
    return {"anonymous": {}, "read-only": bearer(tokens["cqc-read"]),
            "admin": bearer(tokens["admin"]), "ab-own": bearer(tokens["cnas"]),
            "ab-other": bearer(ianz), "cb-own": bearer(tokens["cqc"]),
            "cb-other": bearer(tokens["other-cb"])}


def _send(client, method: str, pattern: str, headers: dict[str, str]):
    values = PARAMS | PATH_PARAMS.get((method, pattern), {})
    path = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], pattern)
    if pattern == "/api/import":
        csv = ("number,scheme,issuer,holder_name,holder_economy,product_name,models,standards,"
               "issued_on,category\n2024010701000777,CCC,cqc,Holder,CN,Kettle,EK-1,"
               "GB 4706.1-2005,2024-03-01,HOUS\n")
        return client.post(path, files={"file": ("c.csv", io.BytesIO(csv.encode()))},
                           headers=headers)
    return client.request(method.upper(), path, json=BODIES.get((method, pattern)),
                          headers=headers)


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e in RULES],
                         ids=lambda e: f"{e[0]} {e[1]}")
def test_matrix(endpoint, client, role_headers, app_db):
    method, pattern = endpoint
    expected = RULES[endpoint]
    # Denied roles first: a refusal must write nothing, then the allowed ones may write.
    order = sorted(ROLES, key=lambda r: expected[r] == "allow")
    failures = []
    for role in order:
        with app_db.read() as s:
            log_before = len(s.scalars(select(LogEntry.index)).all())
        r = _send(client, method, pattern, role_headers[role])
        want = expected[role]
        if want == "allow":
            ok = r.status_code not in (401, 403) and r.status_code < 500
        else:
            ok = r.status_code == want
            with app_db.read() as s:
                ok = ok and len(s.scalars(select(LogEntry.index)).all()) == log_before
        if not ok:
            failures.append(f"{role}: expected {want}, got {r.status_code} {r.text[:200]}")
    assert not failures, "\n".join(failures)


def test_other_body_imports_nothing_for_cqc(client, role_headers):
    r = _send(client, "post", "/api/import", role_headers["cb-other"])
    assert r.status_code == 200 and r.json()["imported"] == 0 and r.json()["failed"] == 1
    assert "only certification body cqc" in r.json()["errors"][0]["reason"]


def test_writes_carry_their_author_in_the_log(client, role_headers, app_db):
    for role, endpoint in (("admin", ("post", "/api/bodies")),
                           ("ab-own", ("post", "/api/accreditations")),
                           ("cb-own", ("post", "/api/certificates/{number}/{action}"))):
        assert _send(client, *endpoint, role_headers[role]).status_code in (200, 201)
    with app_db.read() as s:
        # (a first grant also logs the accreditation body's new key, made by the system)
        entries = [e.entry for e in s.scalars(select(LogEntry).where(
            LogEntry.event_type != "key.added").order_by(LogEntry.index))]
    tail = b"\n".join(entries[-3:])
    for label in (b'"admin"', b'"cnas (cnas)"', b'"cqc (cqc)"'):
        assert b'"actor":' + label in tail, (label, tail[:600])
