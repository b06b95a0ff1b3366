"""The portal: sign-in, CSRF on every POST, field-level validation, writes through the service."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from certpass.certificates.models import Certificate
from certpass.ledger.models import LogEntry
from tests.waiting import wait_for
from tests.web.pages.conftest import csrf_of, sign_in

GOOD = {"number": "2024010701000001", "scheme": "CCC", "kind": "product-certificate",
        "holder_name": "Ningbo Example Appliance Co., Ltd.", "holder_economy": "CN",
        "product_name": "Electric kettle", "models": "EK-17; EK-18", "hs_code": "8516.79",
        "standards": "GB 4706.1-2005", "category": "HOUS", "testing_route": "third-party",
        "issued_on": "2024-03-01"}


def count(db, model=Certificate) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_portal_needs_sign_in(web):
    r = web.get("/portal")
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    r = web.get("/portal/issue")
    assert r.status_code == 401 and "data-error" in r.text and "<html" in r.text


def test_wrong_password_is_shown_beside_the_field(web):
    token = csrf_of(web.get("/login").text)
    r = web.post("/login", data={"username": "cqc-officer", "password": "nope",
                                 "csrf_token": token})
    assert r.status_code == 401
    assert 'id="err-password"' in r.text and "Wrong user name or password" in r.text
    assert web.get("/portal").status_code == 303  # still signed out


def test_issue_through_the_form(signed_in, page_db):
    web, token = signed_in
    r = web.post("/portal/issue", data={**GOOD, "csrf_token": token})
    assert r.status_code == 303, r.text
    page = web.get(r.headers["location"]).text
    assert "2024010701000001" in page and 'data-status="valid"' in page
    with page_db.read() as s:
        cert = s.scalar(select(Certificate))
        assert cert.created_by == "cqc-officer (cqc)"
        assert cert.events[0].actor == "cqc-officer (cqc)"


def test_validation_messages_beside_the_fields(signed_in, page_db):
    web, token = signed_in
    bad = {**GOOD, "holder_economy": "", "issued_on": "2024-02-30", "models": ""}
    before = count(page_db, LogEntry)
    r = web.post("/portal/issue", data={**bad, "csrf_token": token})
    assert r.status_code == 422
    for field in ("holder_economy", "issued_on", "models"):
        assert f'id="err-{field}"' in r.text, field
        assert f'id="f-{field}"' in r.text
    # The entered values are kept, and nothing was written.
    assert 'value="EK-17; EK-18"' not in r.text and 'value="Electric kettle"' in r.text
    assert count(page_db) == 0 and count(page_db, LogEntry) == before


def test_service_errors_land_on_their_field(signed_in):
    web, token = signed_in
    r = web.post("/portal/issue", data={**GOOD, "standards": "IEC 60079-0:2017",
                                        "csrf_token": token})
    assert r.status_code == 422 and 'id="err-standards"' in r.text
    r = web.post("/portal/issue", data={**GOOD, "holder_economy": "ZZ", "csrf_token": token})
    assert 'id="err-holder_economy"' in r.text
    web.post("/portal/issue", data={**GOOD, "csrf_token": token})
    r = web.post("/portal/issue", data={**GOOD, "csrf_token": token})
    assert r.status_code == 422 and 'id="err-number"' in r.text


def test_chinese_validation_messages(signed_in):
    web, token = signed_in
    web.get("/portal?lang=zh")
    r = web.post("/portal/issue", data={**GOOD, "number": "", "csrf_token": token})
    assert 'id="err-number"' in r.text and "内容过短或为空" in r.text


def test_csrf_missing_or_wrong_is_refused_and_writes_nothing(signed_in, page_db):
    web, _token = signed_in
    before = count(page_db, LogEntry)
    for data in ({**GOOD}, {**GOOD, "csrf_token": "forged"}, {**GOOD, "csrf_token": ""}):
        r = web.post("/portal/issue", data=data)
        assert r.status_code == 403, r.text
        assert 'data-error="csrf-rejected"' in r.text
    r = web.post("/portal/import", data={"csrf_token": "forged"},
                 files={"file": ("c.csv", b"number\n", "text/csv")})
    assert r.status_code == 403
    assert web.post("/logout", data={}).status_code == 403
    assert count(page_db) == 0 and count(page_db, LogEntry) == before


def test_a_token_from_another_session_is_refused(web, page_db, settings_for):
    from fastapi.testclient import TestClient

    from certpass.web.app import create_app

    other = TestClient(create_app(settings_for(), page_db), follow_redirects=False)
    stolen = sign_in(other)
    sign_in(web)
    r = web.post("/portal/issue", data={**GOOD, "csrf_token": stolen})
    assert r.status_code == 403 and count(page_db) == 0


def test_lifecycle_forms(signed_in, page_db):
    web, token = signed_in
    web.post("/portal/issue", data={**GOOD, "csrf_token": token})
    base = "/portal/certificates/2024010701000001"
    r = web.post(f"{base}/suspend", data={"reason": "", "csrf_token": token})
    assert r.status_code == 422 and 'id="err-suspend-reason"' in r.text
    r = web.post(f"{base}/suspend", data={"reason": "audit", "csrf_token": token})
    assert r.status_code == 303
    r = web.post(f"{base}/restore", data={"reason": "fixed", "csrf_token": token})
    assert r.status_code == 303
    r = web.post(f"{base}/amend", data={"issued_on": "2024-04-01", "reason": "new models",
                                        "models": "EK-19", "csrf_token": token})
    assert r.status_code == 303, r.text
    r = web.post(f"{base}/withdraw", data={"reason": "fraud", "csrf_token": token,
                                           "confirm": "yes"})
    assert r.status_code == 303
    r = web.post(f"{base}/restore", data={"reason": "x", "csrf_token": token})
    assert r.status_code == 422 and "withdrawn" in r.text
    page = web.get("/certificates/2024010701000001").text
    assert 'data-status="withdrawn"' in page and "EK-19" in page and "superseded" in page


def test_another_body_cannot_manage(web, page_db):
    token = sign_in(web)
    web.post("/portal/issue", data={**GOOD, "csrf_token": token})
    web.post("/logout", data={"csrf_token": token})
    token = sign_in(web, "other-officer")
    r = web.post("/portal/certificates/2024010701000001/withdraw",
                 data={"reason": "x", "csrf_token": token})
    assert r.status_code == 403
    with page_db.read() as s:
        assert s.scalar(select(Certificate.status)) == "valid"


def test_bulk_upload_reports_the_bad_row(signed_in, page_db):
    web, token = signed_in
    header = "number,scheme,issuer,holder_name,holder_economy,product_name,models,standards,"
    header += "category,issued_on\n"
    rows = ["2024010701000011,CCC,cqc,Maker A,CN,Kettle,K1,GB 4706.1-2005,HOUS,2024-03-01",
            "2024010701000012,CCC,cqc,Maker B,ZZ,Kettle,K2,GB 4706.1-2005,HOUS,2024-03-01",
            "2024010701000013,CCC,cqc,Maker C,CN,Kettle,K3,GB 4706.1-2005,HOUS,2024-03-01"]
    data = (header + "\n".join(rows) + "\n").encode()
    r = web.post("/portal/import", data={"csrf_token": token},
                 files={"file": ("certs.csv", io.BytesIO(data), "text/csv")})
    assert r.status_code == 303
    job = r.headers["location"]
    wait_for(lambda: web.get(f"{job}/status").json()["finished"], "the upload")
    page = web.get(job).text
    assert 'data-imported="2"' in page and 'data-failed="1"' in page
    assert 'data-row="3"' in page and "ZZ" in page
    assert count(page_db) == 2


def test_bulk_upload_rejects_a_broken_file(signed_in, page_db):
    web, token = signed_in
    r = web.post("/portal/import", data={"csrf_token": token},
                 files={"file": ("certs.csv", b"nonsense,columns\n1,2\n", "text/csv")})
    assert r.status_code == 422 and 'id="err-file"' in r.text and "unknown columns" in r.text
    assert count(page_db) == 0


def test_a_number_with_a_slash_is_issued_and_managed(signed_in):
    web, token = signed_in
    number = "EAEU BY/112 02.01. TR004 002.01 00061"
    r = web.post("/portal/issue", data={**GOOD, "number": number, "csrf_token": token})
    assert r.status_code == 303 and "%2F" in r.headers["location"]
    page = web.get(r.headers["location"])
    assert page.status_code == 200 and number in page.text
    r = web.post(r.headers["location"].split("?")[0] + "/suspend",
                 data={"reason": "audit", "csrf_token": token})
    assert r.status_code == 303, r.text
    assert 'data-status="suspended"' in web.get(r.headers["location"]).text
