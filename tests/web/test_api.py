"""The JSON API: reads are public, writes need a token, bad input is a clear 4xx."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from tests.registry_fixture import request_data
from tests.web.conftest import bearer


def issue_body(number: str = "2024010701000001", **overrides) -> dict:
    return request_data(number, **overrides)


def test_health_and_settings(client):
    assert client.get("/api/health").json()["status"] == "ok"
    rows = {r["name"]: r for r in client.get("/api/settings").json()}
    assert rows["secret_key"]["value"] == "********"
    assert rows["database_url"]["env"] == "CERTPASS_DATABASE_URL"


def test_settings_show_the_database_url_to_administrators_only(client, tokens, app_db):
    def database_url(headers=None):
        rows = {r["name"]: r for r in client.get("/api/settings", headers=headers).json()}
        assert rows["secret_key"]["value"] == "********"
        assert "test-secret-key" not in json.dumps(rows)
        return rows["database_url"]["value"]

    assert database_url() is None
    assert database_url(bearer("cpt_forged_token")) is None
    assert database_url(bearer(tokens["cqc"])) is None
    shown = database_url(bearer(tokens["admin"]))
    assert shown is not None and shown.split("://")[0] in ("sqlite", "postgresql")
    assert ":********@" in shown or "@" not in shown.split("?")[0]


def test_issue_then_read(client, tokens):
    r = client.post("/api/certificates", json=issue_body(), headers=bearer(tokens["cqc"]))
    assert r.status_code == 201, r.text
    assert r.json()["history"][0]["actor"] == "cqc (cqc)"
    page = client.get("/api/certificates", params={"status": "valid", "scheme": "CCC"}).json()
    assert page["total"] == 1 and page["items"][0]["number"] == "2024010701000001"
    one = client.get("/api/certificates/2024010701000001").json()
    assert one["status_word"] == "有效" and one["issuer"]["name_zh"] == "中国质量认证中心"


def test_lifecycle_over_http(client, tokens):
    h = bearer(tokens["cqc"])
    client.post("/api/certificates", json=issue_body(), headers=h)
    r = client.post("/api/certificates/2024010701000001/suspend", json={"reason": "audit"},
                    headers=h)
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    r = client.post("/api/certificates/2024010701000001/withdraw", json={"reason": "fraud"},
                    headers=h)
    assert r.json()["status"] == "withdrawn"
    r = client.post("/api/certificates/2024010701000001/restore", json={"reason": "x"},
                    headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "illegal-transition"
    r = client.post("/api/certificates/2024010701000001/amend",
                    json={"issued_on": "2024-05-01", "reason": "x", "standards": ["X"]},
                    headers=h)
    assert r.status_code == 409


@pytest.mark.parametrize("headers, status", [({}, 401), ("cqc-read", 403), ("other-cb", 403),
                                             ("cnas", 403), ("cqc", 201)])
def test_who_may_issue(client, tokens, headers, status):
    h = bearer(tokens[headers]) if isinstance(headers, str) else headers
    assert client.post("/api/certificates", json=issue_body(), headers=h).status_code == status


def test_forged_expired_and_revoked_tokens(client, tokens, app_db):
    from certpass.accounts import service as accounts
    from certpass.accounts.actor import OPERATOR

    forged = tokens["cqc"][:-4] + "AAAA"
    assert client.post("/api/certificates", json=issue_body(),
                       headers=bearer(forged)).status_code == 401
    key_id = tokens["cqc"].split("_")[1]
    with app_db.write() as s:
        accounts.revoke_token(s, key_id, OPERATOR)
    r = client.post("/api/certificates", json=issue_body(), headers=bearer(tokens["cqc"]))
    assert r.status_code == 401 and tokens["cqc"] not in r.text


@pytest.mark.parametrize("body, status, code, words", [
    (issue_body(issuer="nobody"), 403, "forbidden", "only certification body nobody"),
    (issue_body(holder={"name": "X", "economy": "ZZ"}), 404, "not-found", "unknown economy"),
    (issue_body(scheme="NOPE"), 404, "not-found", "unknown scheme"),
    (issue_body(scheme="IECEx"), 422, "out-of-scope", "scheme IECEx"),
    (issue_body(issued_on="2024-03-01", valid_until="2023-01-01"), 422, "invalid-input",
     "must be after"),
    (issue_body(issued_on="2024-02-30"), 422, "invalid-input", "issued_on"),
    ({"number": "X"}, 422, "invalid-input", "number"),
])
def test_bad_issue_requests(client, tokens, body, status, code, words):
    r = client.post("/api/certificates", json=body, headers=bearer(tokens["cqc"]))
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["code"] == code and words in json.dumps(err)
    assert client.get("/api/certificates").json()["total"] == 0


def test_malformed_json_and_duplicates(client, tokens):
    h = {**bearer(tokens["cqc"]), "content-type": "application/json"}
    r = client.post("/api/certificates", content=b'{"number": ', headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid-input"
    client.post("/api/certificates", json=issue_body(), headers=h)
    r = client.post("/api/certificates", json=issue_body(), headers=h)
    assert r.status_code == 409 and r.json()["error"]["code"] == "duplicate-certificate"
    assert client.get("/api/certificates").json()["total"] == 1


def test_body_over_one_mebibyte_is_413(client, tokens):
    big = b'{"number": "' + b"x" * (1024 * 1024 + 10) + b'"}'
    r = client.post("/api/certificates", content=big,
                    headers={**bearer(tokens["cqc"]), "content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too-large"


def test_unknown_certificate_is_404_not_revoked(client):
    r = client.get("/api/certificates/NO-SUCH-NUMBER")
    assert r.status_code == 404
    assert "never issued here" in r.json()["error"]["hint"]


def test_page_size_is_bounded(client):
    r = client.get("/api/certificates", params={"limit": 100000})
    assert r.status_code == 422 and "maximum page size" in r.json()["error"]["message"]
    assert client.get("/api/certificates", params={"offset": -1}).status_code == 422


def test_registry_reads(client):
    assert client.get("/api/economies/cn").json()["name_zh"] == "中国"
    bodies = client.get("/api/bodies", params={"role": "accreditation-body"}).json()
    assert {b["id"] for b in bodies["items"]} == {"cnas", "ianz"}
    body = client.get("/api/bodies/cqc").json()
    assert body["accreditations"][0]["number"] == "CNAS-C001"
    std = client.get("/api/standards/GB 4706.1-2005").json()
    assert std["adopts_ref"] == "IEC 60335-1:2001"
    assert client.get("/api/standards/IEC 60335-1:2001").json()["adopted_by"] == [
        "GB 4706.1-2005"]
    assert client.get("/api/bodies/none").status_code == 404


def test_accreditation_writes_by_role(client, tokens):
    grant = {"number": "CNAS-NEW", "accreditor_id": "cnas", "body_id": "paused-cb",
             "standard": "ISO/IEC 17065", "scope": {"schemes": ["CCC"]},
             "valid_from": "2024-01-01", "valid_until": "2028-01-01"}
    assert client.post("/api/accreditations", json=grant,
                       headers=bearer(tokens["cqc"])).status_code == 403
    r = client.post("/api/accreditations", json=grant, headers=bearer(tokens["cnas"]))
    assert r.status_code == 201, r.text
    r = client.post("/api/accreditations/CNAS-NEW/change",
                    json={"status": "suspended", "reason": "surveillance"},
                    headers=bearer(tokens["cnas"]))
    assert r.json()["status"] == "suspended"
    # A scope it could not have been granted is refused as such (a 500 before: found by the
    # stateful fuzz run's example bodies), and nothing changes.
    for scope in ({"schemes": []}, {"markets": ["CN"], "schemes": ["CCC"]}):
        r = client.post("/api/accreditations/CNAS-NEW/change", headers=bearer(tokens["cnas"]),
                        json={"scope": scope, "reason": "narrowed"})
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid-input", r.text
        assert "scope" in r.json()["error"]["message"]
    assert client.get("/api/accreditations/CNAS-NEW").json()["scope"] == grant["scope"]
    assert client.post("/api/bodies", json={"id": "x-body", "name_en": "X", "roles": ["regulator"],
                                            "economy_code": "CN"},
                       headers=bearer(tokens["cnas"])).status_code == 403
    assert client.post("/api/bodies", json={"id": "x-body", "name_en": "X", "roles": ["regulator"],
                                            "economy_code": "CN"},
                       headers=bearer(tokens["admin"])).status_code == 201


SLASHED = "EAEU BY/112 02.01. TR004 002.01 00060"  # EAEU numbers hold "/" and spaces


@pytest.mark.parametrize("path", [quote(SLASHED, safe=""), quote(SLASHED)],
                         ids=["slash-encoded", "slash-raw"])
def test_a_number_with_a_slash_reaches_every_certificate_route(client, tokens, path):
    h = bearer(tokens["cqc"])
    r = client.post("/api/certificates", json=request_data(SLASHED), headers=h)
    assert r.status_code == 201, r.text
    base = f"/api/certificates/{path}"
    assert client.get(base).json()["number"] == SLASHED
    credential = client.get(f"{base}/credential").json()
    assert credential["credentialSubject"]["name"].endswith(f"certificate {SLASHED}, issue 0")
    # The credential's own id and its QR's verify link lead back to it.
    assert client.get(credential["id"].split("127.0.0.1:8000", 1)[1]).json() == credential
    assert client.get(f"{base}/credential.jwt").text.count(".") == 2
    assert client.get(f"{base}/qr.svg").headers["content-type"].startswith("image/svg")
    pdf = client.get(f"{base}/passport.pdf")
    assert pdf.status_code == 200 and "/" not in pdf.headers["content-disposition"]
    assert client.get(f"{base}/recognition").status_code == 200
    r = client.post(f"{base}/suspend", json={"reason": "audit"}, headers=h)
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    page = client.get(f"/certificates/{path}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and SLASHED in page.text


@pytest.mark.parametrize("path", [quote("CNAS L1234/2020", safe=""), "CNAS%20L1234/2020"],
                         ids=["slash-encoded", "slash-raw"])
def test_an_accreditation_number_with_a_slash_reaches_every_accreditation_route(
        client, tokens, path):
    grant = {"number": "CNAS L1234/2020", "accreditor_id": "cnas", "body_id": "paused-cb",
             "standard": "ISO/IEC 17065", "scope": {"schemes": ["CCC"]},
             "valid_from": "2024-01-01", "valid_until": "2028-01-01"}
    r = client.post("/api/accreditations", json=grant, headers=bearer(tokens["cnas"]))
    assert r.status_code == 201, r.text
    assert client.get(f"/api/accreditations/{path}").json()["number"] == "CNAS L1234/2020"
    r = client.post(f"/api/accreditations/{path}/change", headers=bearer(tokens["cnas"]),
                    json={"status": "suspended", "reason": "surveillance"})
    assert r.status_code == 200 and r.json()["status"] == "suspended", r.text
    # The longer routes are still theirs: the signed DIA, and the page.
    dia = client.get(f"/api/accreditations/{path}/credential.json")
    assert dia.status_code == 200 and "DigitalIdentityAnchor" in dia.text, dia.text[:300]
    assert client.get(f"/accreditations/{path}", headers={"Accept": "text/html"}
                      ).status_code == 200
    assert client.get("/api/accreditations/CNAS%20L1234/2021").status_code == 404


def test_api_handlers_run_in_worker_threads():
    """Database work and signing block: no JSON API handler runs on the event loop."""
    import importlib
    import inspect
    import pkgutil

    import certpass.web.api as api

    routes = [route for info in pkgutil.iter_modules(api.__path__)
              for route in importlib.import_module(f"{api.__name__}.{info.name}").router.routes]
    assert len(routes) > 20
    assert [r.path for r in routes
            if inspect.iscoroutinefunction(getattr(r, "endpoint", None))] == []
