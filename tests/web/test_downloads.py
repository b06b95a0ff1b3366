"""Downloads named after the certificate, the passport file with its log receipt, and the
signed trust bundle from the web — which a GET builds without writing — verified offline."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from certpass.cli import context
from certpass.credentials import bundle
from certpass.credentials.models import SigningKey
from certpass.ledger import service as ledger
from certpass.ledger.models import LogEntry
from certpass.web.app import create_app
from certpass.web.downloads import certificate_file, content_disposition, safe_name
from tests.conftest import cli_runner
from tests.registry_fixture import request_data
from tests.web.conftest import bearer

NUMBER = "2024010701000001"
SLASHED = "EAEU RU C-CN.AY46.B.00012/24"  # numbers are ASCII, and may hold "/" and spaces


@pytest.fixture
def issued(client, tokens, app_db, settings_for):
    for number in (NUMBER, SLASHED):
        r = client.post("/api/certificates", json=request_data(number),
                        headers=bearer(tokens["cqc"]))
        assert r.status_code == 201, r.text
    with app_db.write() as s:
        ledger.checkpoint_now(s, settings_for())


def test_content_disposition_known_answers():
    assert content_disposition("2024010701000001.jwt") == (
        'attachment; filename="2024010701000001.jwt"')
    assert certificate_file("EAEU RU C-CN.АЯ46.В.00012/24", ".pdf", "inline") == {
        "Content-Disposition": (
        'inline; filename="EAEU_RU_C-CN._46._.00012_24.pdf"; '
        "filename*=UTF-8''EAEU%20RU%20C-CN.%D0%90%D0%AF46.%D0%92.00012_24.pdf")}
    assert safe_name("../etc/passwd") == "etc_passwd"
    assert safe_name('a\\b:"c"\r\n') == "a_b_c"
    assert safe_name("...") == "certificate"


@pytest.mark.parametrize(("tail", "suffix", "kind"), [
    ("credential.json", ".credential.json", "attachment"), ("credential.jwt", ".jwt",
                                                             "attachment"),
    ("qr.png", "-qr.png", "inline"), ("passport.pdf", ".pdf", "inline")])
def test_downloads_are_named_after_the_certificate(client, issued, tail, suffix, kind):
    r = client.get(f"/api/certificates/{NUMBER}/{tail}")
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == f'{kind}; filename="{NUMBER}{suffix}"'
    r = client.get(f"/api/certificates/{NUMBER}/{tail}", params={"issue": 0})
    assert r.headers["content-disposition"] == f'{kind}; filename="{NUMBER}-issue0{suffix}"'
    r = client.get(f"/api/certificates/{SLASHED}/{tail}")
    assert r.status_code == 200, r.text
    assert r.headers["content-disposition"] == (
        f'{kind}; filename="EAEU_RU_C-CN.AY46.B.00012_24{suffix}"; '
        f"filename*=UTF-8''EAEU%20RU%20C-CN.AY46.B.00012_24{suffix}")


def _counts(db) -> tuple[int, int]:
    with db.read() as s:
        return (s.scalar(select(func.count()).select_from(SigningKey)),
                s.scalar(select(func.count()).select_from(LogEntry)))


def test_the_trust_bundle_is_a_read(client, issued, app_db, settings_for):
    before = _counts(app_db)
    r = client.get("/api/trust-bundle")  # the accreditation bodies have no keys yet
    assert r.status_code == 409 and r.json()["error"]["code"] == "trust-bundle-not-ready"
    assert "certpass trust prepare" in r.json()["error"]["hint"]
    assert _counts(app_db) == before
    with app_db.write() as s:
        assert bundle.prepare(s, settings_for()) == ["cnas", "ianz"]
        assert bundle.prepare(s, settings_for()) == []
    before = _counts(app_db)
    r = client.get("/api/trust-bundle")
    assert r.status_code == 200, r.text
    assert _counts(app_db) == before  # no key made, nothing logged
    body = r.json()
    assert body["format"] == "certpass-trust-bundle" and body["accreditations"]
    assert all(lst["validUntil"] > body["created"] for lst in body["status_lists"])
    assert r.headers["content-disposition"] == (
        f'attachment; filename="certpass-trust-bundle-{body["created"][:10]}.json"')
    assert r.headers["cache-control"] == "public, max-age=300"
    again = client.get("/api/trust-bundle", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    assert client.get("/api/trust-bundle").content == r.content  # cached while the log is
    # A change to the registry appends to the log; within trust_bundle_refresh_seconds (a
    # minute) the dated bundle already built is still served.
    assert client.post(f"/api/certificates/{NUMBER}/suspend", headers=bearer(_token(app_db)),
                       json={"reason": "audit"}).status_code == 200
    assert client.get("/api/trust-bundle").headers["etag"] == r.headers["etag"]


def test_a_log_change_rebuilds_the_bundle_after_the_refresh_interval(app_db, settings_for,
                                                                       tokens):
    with app_db.write() as s:
        bundle.prepare(s, settings_for())
    app = create_app(settings_for(trust_bundle_refresh_seconds=0), app_db)
    with TestClient(app, raise_server_exceptions=False) as client:
        first = client.get("/api/trust-bundle")
        assert client.get("/api/trust-bundle").headers["etag"] == first.headers["etag"]
        r = client.post("/api/certificates", json=request_data(NUMBER),
                        headers=bearer(tokens["cqc"]))
        assert r.status_code == 201, r.text
        changed = client.get("/api/trust-bundle",
                             headers={"If-None-Match": first.headers["etag"]})
        assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]


def _token(db) -> str:
    from certpass.accounts import service as accounts
    from certpass.accounts.actor import OPERATOR

    with db.write() as s:
        return accounts.create_token(s, "cqc", "write", 30, "again", OPERATOR).token


def test_verify_page_links_the_trust_bundle(client):
    assert 'href="/api/trust-bundle"' in client.get("/verify").text
    assert 'href="/api/trust-bundle"' in client.get("/log").text


def test_a_downloaded_passport_verifies_offline_with_its_log_receipt(
        client, issued, app_db, settings_for, tmp_path, capsys):
    with app_db.write() as s:
        bundle.prepare(s, settings_for())
    passport = client.get(f"/api/certificates/{NUMBER}/credential.json")
    assert set(passport.json()) == {"credential", "receipt", "entry"}
    (tmp_path / "passport.json").write_bytes(passport.content)
    (tmp_path / "bundle.json").write_bytes(client.get("/api/trust-bundle").content)
    # The credential alone: the bundle's register, signed by the log's key, vouches for it.
    bare = client.get(f"/api/certificates/{NUMBER}/credential")
    (tmp_path / "bare.json").write_bytes(bare.content)
    cli = cli_runner(app_db, capsys)
    try:
        got, out, _ = cli("verify", str(tmp_path / "passport.json"), "--trust",
                          str(tmp_path / "bundle.json"), "--json")
        result = json.loads(out)
        assert got == 0 and result["verdict"] == "valid", out
        [log] = [c for c in result["checks"] if c["name"] == "log"]
        assert log["ok"] is True and "recorded as entry" in log["detail"]
        got, out, _ = cli("verify", str(tmp_path / "bare.json"), "--trust",
                          str(tmp_path / "bundle.json"), "--json")
        bare_result = json.loads(out)
        [log] = [c for c in bare_result["checks"] if c["name"] == "log"]
        assert got == 0 and bare_result["verdict"] == "valid", out
        assert log["ok"] is True and "the register signed by the log's key" in log["detail"]
    finally:
        context.configure()


def test_spreadsheet_cells_never_become_formulas():
    import csv
    import io

    import openpyxl

    from certpass.web.downloads import excel_csv, xlsx

    hostile = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+1+1", "-2+3", "@SUM(A1)",
               "\tx"]
    rows = [["name"], *([h] for h in hostile), ["-12"], ["3.5"], ["plain"]]
    read = [r[0] for r in csv.reader(io.StringIO(excel_csv(rows).decode("utf-8-sig")))]
    assert read[1:6] == ["'" + h for h in hostile]
    assert read[6:] == ["-12", "3.5", "plain"]  # numbers and plain text as they were
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx(rows))).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)  # no formula cell at all
    assert [c.value for c in cells][1:6] == ["'" + h for h in hostile]
