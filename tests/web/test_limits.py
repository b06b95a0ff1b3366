"""Limits: body size, page size, upload size and rows, and the verify rate limit."""

from __future__ import annotations

import io

from fastapi.testclient import TestClient

from certpass.web.app import create_app
from tests.web.conftest import bearer

HEADER = ("number,scheme,issuer,holder_name,holder_economy,product_name,models,standards,"
          "issued_on\n")


def _app(app_db, settings_for, **overrides):
    return TestClient(create_app(settings_for(**overrides), app_db),
                      raise_server_exceptions=False)


def test_verify_lookups_are_rate_limited_per_client(app_db, settings_for):
    with _app(app_db, settings_for, verify_rate_per_minute="3") as c:
        codes = [c.get("/api/certificates/NOPE").status_code for _ in range(4)]
        assert codes == [404, 404, 404, 429]
        r = c.get("/api/certificates/NOPE")
        assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
        assert r.json()["error"]["code"] == "rate-limited"
        # Other endpoints are not limited.
        assert c.get("/api/certificates").status_code == 200


def test_upload_size_and_rows(app_db, settings_for, tokens):
    h = bearer(tokens["cqc"])
    with _app(app_db, settings_for, max_upload_bytes="2000", max_import_rows="2") as c:
        big = HEADER.encode() + b"x" * 3000
        r = c.post("/api/import", files={"file": ("c.csv", big)}, headers=h)
        assert r.status_code == 413
        rows = HEADER + "".join(f"N{i},CCC,cqc,H,CN,K,M,GB 4706.1-2005,2024-03-01\n"
                                for i in range(3))
        r = c.post("/api/import", files={"file": ("c.csv", io.BytesIO(rows.encode()))},
                   headers=h)
        assert r.status_code == 413 and "at most 2" in r.json()["error"]["message"]
        r = c.post("/api/import", files={"file": ("c.txt", b"a,b\n")}, headers=h)
        assert r.status_code == 422 and r.json()["error"]["code"] == "invalid-input"
        assert c.get("/api/certificates").json()["total"] == 0


def test_body_and_page_size(client, tokens):
    r = client.post("/api/certificates", content=b"{" + b" " * 2_000_000 + b"}",
                    headers={**bearer(tokens["cqc"]), "Content-Type": "application/json"})
    assert r.status_code == 413
    assert client.get("/api/certificates", params={"limit": 100000}).status_code == 422
