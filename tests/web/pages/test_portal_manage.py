"""The certification body's portal: only the actions a certificate's status allows, final
actions confirmed, the amend form starting from the current issue, a list that pages."""

from __future__ import annotations

import io
import re

import openpyxl
from sqlalchemy import select

from certpass.accounts.actor import OPERATOR
from certpass.certificates import importer
from certpass.certificates.models import Certificate
from certpass.credentials import service as credentials
from tests.registry_fixture import SETTINGS
from tests.web.pages.conftest import sign_in
from tests.web.pages.test_portal import GOOD

BASE = "/portal/certificates/2024010701000001"


def _forms(html: str) -> set[str]:
    return set(re.findall(r'action="/portal/certificates/[^"]+/(\w+)"', html))


def test_forms_follow_the_status_and_final_actions_need_confirmation(web, page_db):
    token = sign_in(web)
    assert web.post("/portal/issue", data={**GOOD, "csrf_token": token}).status_code == 303
    assert _forms(web.get(BASE).text) == {"suspend", "withdraw", "cancel", "amend"}
    web.post(f"{BASE}/suspend", data={"reason": "audit", "csrf_token": token})
    assert _forms(web.get(BASE).text) == {"restore", "withdraw", "cancel"}
    r = web.post(f"{BASE}/withdraw", data={"reason": "fraud", "csrf_token": token})
    assert r.status_code == 422 and 'id="err-withdraw-confirm"' in r.text
    with page_db.read() as s:
        assert s.scalar(select(Certificate.status)) == "suspended"
    r = web.post(f"{BASE}/withdraw", data={"reason": "fraud", "confirm": "yes",
                                           "csrf_token": token})
    assert r.status_code == 303
    page = web.get(BASE).text
    assert _forms(page) == set() and 'id="no-actions"' in page


def test_cancel_at_the_holders_request(web, page_db):
    token = sign_in(web)
    web.post("/portal/issue", data={**GOOD, "csrf_token": token})
    r = web.post(f"{BASE}/cancel", data={"reason": "holder asked", "confirm": "yes",
                                         "csrf_token": token})
    assert r.status_code == 303
    with page_db.read() as s:
        assert s.scalar(select(Certificate.status)) == "cancelled"


def test_the_amend_form_starts_from_the_current_issue(web, page_db):
    token = sign_in(web)
    web.post("/portal/issue", data={**GOOD, "csrf_token": token})
    page = web.get(BASE).text
    assert 'value="EK-17; EK-18"' in page and 'value="GB 4706.1-2005"' in page
    # Sent back as shown, with one change: only that change makes the new issue.
    r = web.post(f"{BASE}/amend", data={
        "issued_on": "2024-04-01", "reason": "models added", "csrf_token": token,
        "holder_name": GOOD["holder_name"], "product_name": GOOD["product_name"],
        "models": "EK-17; EK-18; EK-19", "standards": "GB 4706.1-2005"})
    assert r.status_code == 303, r.text
    with page_db.read() as s:
        cert = s.scalar(select(Certificate))
        assert cert.current.products[0]["models"] == ["EK-17", "EK-18", "EK-19"]
        assert cert.current.holder["name"] == GOOD["holder_name"]


def test_the_list_pages_and_filters(web, page_db):
    rows = [{"number": f"PAGE-{i:03d}", "scheme": "CCC", "issuer": "cqc",
             "holder_name": "Example Co.", "holder_economy": "CN", "product_name": "Kettle",
             "models": f"K{i}", "standards": "GB 4706.1-2005", "category": "HOUS",
             "issued_on": "2024-03-01"} for i in range(55)]
    report = importer.import_rows(page_db, SETTINGS, rows, OPERATOR, passports=credentials)
    assert report.imported == 55
    sign_in(web)
    first = web.get("/portal").text
    assert "Page 1 of 2" in first and first.count('href="/portal/certificates/') == 50
    second = web.get("/portal?page=2").text
    assert second.count('href="/portal/certificates/') == 5 and 'rel="prev"' in second
    found = web.get("/portal?q=PAGE-054").text
    assert found.count('href="/portal/certificates/') == 1
    assert web.get("/portal?status=withdrawn").text.count('href="/portal/certificates/') == 0
    assert web.get("/portal?page=0").status_code == 422


def test_export_and_manage_link(web, page_db):
    token = sign_in(web)
    web.post("/portal/issue", data={**GOOD, "holder_name_zh": "宁波示例电器有限公司",
                                    "csrf_token": token})
    r = web.get("/portal/certificates.csv?status=valid")
    assert r.status_code == 200 and "attachment" in r.headers["content-disposition"]
    lines = r.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("number,scheme,kind,status,holder_name")
    assert lines[1].startswith("2024010701000001,CCC,product-certificate,valid,")
    assert "宁波示例电器有限公司" in lines[1] and "EK-17;EK-18" in lines[1]
    assert len(web.get("/portal/certificates.csv?status=withdrawn").text.splitlines()) == 1
    # The same rows as an Excel workbook, read back by openpyxl.
    r = web.get("/portal/certificates.xlsx?status=valid")
    assert r.status_code == 200 and r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    assert r.headers["content-disposition"].endswith('.xlsx"')
    rows = list(openpyxl.load_workbook(io.BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:5] == ("number", "scheme", "kind", "status", "holder_name")
    assert rows[1][0] == "2024010701000001" and "宁波示例电器有限公司" in rows[1]
    public = web.get("/certificates/2024010701000001").text
    assert 'id="manage-link"' in public
    web.post("/logout", data={"csrf_token": token})
    assert 'id="manage-link"' not in web.get("/certificates/2024010701000001").text


def test_the_list_sorts(web, page_db):
    rows = [{"number": f"SORT-{i}", "scheme": "CCC", "issuer": "cqc",
             "holder_name": "Example Co.", "holder_economy": "CN", "product_name": "Kettle",
             "models": f"K{i}", "standards": "GB 4706.1-2005", "category": "HOUS",
             "issued_on": f"2024-0{i}-01"} for i in (3, 1, 2)]
    importer.import_rows(page_db, SETTINGS, rows, OPERATOR, passports=credentials)
    sign_in(web)

    def order(sort: str) -> list[str]:
        html = web.get(f"/portal?sort={sort}").text
        return re.findall(r'href="/portal/certificates/(SORT-\d)"', html)

    assert order("number") == ["SORT-1", "SORT-2", "SORT-3"]
    assert order("oldest") == ["SORT-1", "SORT-2", "SORT-3"]
    assert order("newest") == ["SORT-3", "SORT-2", "SORT-1"]
    assert web.get("/portal?sort=evil").status_code == 422
