"""End to end in Chromium: verify by upload and by QR photo, switch language, plan a route,
and bulk-upload as a certification body. Each test leaves a screenshot of its last page."""

from __future__ import annotations

import copy
import datetime as dt
import json
import urllib.request
from urllib.parse import quote

import pytest
from sqlalchemy import select

from certpass.certificates import service as certificates
from certpass.certificates.models import Certificate
from certpass.credentials import service as credentials
from tests.web.pages import demo_site


def _credential(db, status: str, valid_until_null: bool = False) -> tuple[str, dict]:
    with db.read() as s:
        query = select(Certificate).where(Certificate.status == status)
        if valid_until_null:
            query = query.where(Certificate.valid_until.is_(None))
        cert = s.scalars(query.limit(1)).first()
        row = credentials.stored(s, cert)
        return cert.number, row.signed_document()


def _upload(page, base, tmp_path, name: str, document: dict) -> None:
    path = tmp_path / name
    path.write_text(json.dumps(document), encoding="utf-8")
    page.goto(f"{base}/verify")
    page.set_input_files("#f-file", str(path))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("[data-verdict]")


@pytest.mark.parametrize("case", ["valid", "revoked", "suspended", "tampered"])
def test_verify_by_upload(server, page, tmp_path, case):
    base, _settings, db = server
    if case == "valid":
        _, doc = _credential(db, "valid", valid_until_null=True)
    elif case == "revoked":
        _, doc = _credential(db, "withdrawn")
    elif case == "suspended":
        with db.read() as s:
            cert = certificates.get(s, demo_site.SUSPENDED_LATER)
            doc = credentials.stored(s, cert).signed_document()
    else:
        _, doc = _credential(db, "valid", valid_until_null=True)
        doc = copy.deepcopy(doc)
        doc["credentialSubject"]["issuedToParty"]["name"] = "Someone Else Ltd"
    _upload(page, base, tmp_path, f"{case}.json", doc)
    verdict = page.get_attribute("[data-verdict]", "data-verdict")
    assert verdict == case
    # "Accepted in my market?" in one more click.
    if case == "valid":
        page.select_option("#f-market", "CN")
        page.click("#market button[type=submit]")
        page.wait_for_selector("#market-decision")


def test_look_up_by_number_and_by_qr_photo(server, page, tmp_path):
    base, _settings, db = server
    number, _ = _credential(db, "withdrawn")
    page.goto(f"{base}/verify")
    page.fill("#f-number", number)
    page.click("#number-form button[type=submit]")
    page.wait_for_selector("[data-verdict]")
    assert page.get_attribute("[data-verdict]", "data-verdict") == "revoked"
    # The passport's own QR code (the PNG the API serves); its photo is decoded on the server.
    png = tmp_path / "qr.png"
    with urllib.request.urlopen(f"{base}/api/certificates/{quote(number)}/qr.png") as r:
        png.write_bytes(r.read())
    page.goto(f"{base}/verify")
    page.set_input_files("#f-file", str(png))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("[data-verdict]")
    assert page.get_attribute("[data-verdict]", "data-verdict") == "revoked"
    assert number in page.inner_text("#verdict")


def test_switch_language(server, page):
    base, _, _ = server
    page.goto(f"{base}/bodies/cqc")
    assert page.get_attribute("html", "lang") == "en"
    page.click("#lang-switch")
    page.wait_for_load_state()
    assert page.get_attribute("html", "lang") == "zh-Hans"
    assert "中国质量认证中心" in page.inner_text("h1")
    page.click("nav >> text=认证制度")  # the choice persists from page to page
    assert page.get_attribute("html", "lang") == "zh-Hans"


def test_plan_for_three_markets(server, page):
    base, _, _ = server
    page.goto(f"{base}/plan")
    page.fill("#f-hs", "8516.79")
    page.fill("#f-standards", "IEC 60335-1:2010; IEC 60335-2-15:2016")
    page.select_option("#f-origin", "CN")
    for market in ("CN", "NZ", "DE"):
        page.check(f"input[name=markets][value={market}]")
    page.click("#plan-form button[type=submit]")
    page.wait_for_selector("#plan-result")
    assert int(page.get_attribute("#plan-result", "data-steps")) >= 1
    assert page.locator("#plan-result [data-step]").count() >= 1


def test_bulk_upload_with_one_bad_row(server, page, tmp_path):
    base, _, _db = server
    page.goto(f"{base}/portal")
    page.wait_for_selector("#f-username")
    page.fill("#f-username", demo_site.USER)
    page.fill("#f-password", demo_site.PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_selector("#import-form")
    csv = tmp_path / "certificates.csv"
    head = ("number,scheme,issuer,holder_name,holder_economy,product_name,models,standards,"
            "category,issued_on\n")
    today = dt.date.today().isoformat()  # a certification body records today's issues
    rows = [f"WEB-2025-{i},CCC,cqc,Maker {i},CN,Kettle,K{i},GB 4706.1-2005,CCC-0701,{today}"
            for i in (1, 2, 4)]
    rows.insert(2, f"WEB-2025-3,CCC,cqc,Maker 3,ZZ,Kettle,K3,GB 4706.1-2005,CCC-0701,{today}")
    csv.write_text(head + "\n".join(rows) + "\n", encoding="utf-8")
    page.set_input_files("#f-file", str(csv))
    page.click("#import-form button[type=submit]")
    page.wait_for_selector("#import-result", timeout=30_000)
    assert page.get_attribute("#import-result", "data-failed") == "1"
    assert page.get_attribute("#import-result", "data-imported") == "3"
    assert "ZZ" in page.inner_text("#row-errors tr[data-row='4']")
