"""The plan's comparison with testing separately for each market: on the page (in every
language), as CSV from the page, the API and the CLI, with the same figures everywhere."""

from __future__ import annotations

import csv
import io

import pypdfium2
import pytest
from fastapi.testclient import TestClient

from certpass.recognition.codes import REASONS
from certpass.web.app import create_app
from tests.conftest import cli_runner
from tests.registry_fixture import SETTINGS

ASK = {"hs": "8516.60", "standards": ["IEC 60335-1:2020"], "origin": "CN",
       "markets": ["NZ", "AU", "SG", "DE", "FR"], "date": "2025-10-01"}
PAGE = {"hs": "8516.60", "standards": "IEC 60335-1:2020", "origin": "CN",
        "markets": ["NZ", "AU", "SG", "DE", "FR"]}


@pytest.fixture(scope="module")
def demo(demo_db):
    with TestClient(create_app(SETTINGS, demo_db), raise_server_exceptions=False) as c:
        yield c


def _table(data: bytes) -> list[dict[str, str]]:
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 with its BOM
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _by_section(rows: list[dict[str, str]], section: str) -> list[dict[str, str]]:
    return [r for r in rows if r["section"] == section]


def test_api_plan_carries_the_comparison_and_exports_it_as_csv(demo):
    r = demo.post("/api/plan", json=ASK)
    assert r.status_code == 200, r.text
    doc = r.json()
    c = doc["comparison"]
    assert [m["market"] for m in c["markets"]] == list(doc["opened"])
    assert c["together"]["cost"] == doc["total_cost"]
    assert c["together"]["days"] == doc["lead_time_days"]
    assert c["separately"]["cost"] == sum(m["cost"] for m in c["markets"])
    assert c["together"]["cost"] <= c["separately"]["cost"]
    out = demo.post("/api/plan", params={"format": "csv"}, json=ASK)
    assert out.status_code == 200 and out.headers["content-type"].startswith("text/csv")
    assert "attachment" in out.headers["content-disposition"]
    rows = _table(out.content)
    (together,) = _by_section(rows, "together")
    (separately,) = _by_section(rows, "separately")
    assert float(together["cost"]) == c["together"]["cost"]
    assert float(separately["cost"]) == c["separately"]["cost"]
    assert int(separately["days"]) == c["separately"]["days"]
    alone = {r["markets"]: float(r["cost"]) for r in _by_section(rows, "separately-market")}
    assert alone == {m["market"]: m["cost"] for m in c["markets"]}
    assert len(_by_section(rows, "step")) == len(doc["steps"])
    assert demo.post("/api/plan", params={"format": "xlsx"}, json=ASK).status_code == 422


def _pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF-")
    pdf = pypdfium2.PdfDocument(data)
    return "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))


def _money(value: float) -> str:
    return f"{value:,.0f}"


def test_api_plan_as_pdf_prints_the_same_steps_comparison_and_unopened_markets(demo):
    ask = {**ASK, "markets": [*ASK["markets"], "RU"]}  # RU: not opened from this product
    doc = demo.post("/api/plan", json=ask).json()
    out = demo.post("/api/plan", params={"format": "pdf"}, json=ask)
    assert out.status_code == 200 and out.headers["content-type"] == "application/pdf"
    assert out.headers["content-disposition"] == 'attachment; filename="plan-8516.60.pdf"'
    text = _pdf_text(out.content)
    assert "Certification route plan" in text and "认证路线方案" in text
    for s in doc["steps"]:
        assert s["scheme"] in text and s["body"] in text
    c = doc["comparison"]
    for figure in (c["together"]["cost"], c["separately"]["cost"], c["saving"]):
        assert f"{_money(figure)} {doc['currency']}" in text
    assert "一次检测、多国认证（本方案）" in text and "各市场分别检测" in text
    assert doc["unopened"], "the question should leave a market unopened"
    for market in doc["unopened"]:
        assert market in text
    assert "本方案无法进入的市场" in text
    reasons = {code for codes_ in doc["unopened"].values() for code in codes_}
    for code in reasons:  # in words, both languages, as on the page
        assert f"{REASONS[code].en} / {REASONS[code].zh}" in text.replace("\r\n", " ")


def test_page_links_the_pdf_and_refuses_a_bad_question(demo):
    page = demo.get("/plan", params=PAGE, headers={"Accept-Language": "zh-CN"}).text
    assert 'id="plan-pdf"' in page and "/plan.pdf?" in page and "下载方案 PDF" in page
    download = demo.get("/plan.pdf", params=PAGE)
    assert download.status_code == 200 and download.headers["content-type"] == "application/pdf"
    assert "NZ" in _pdf_text(download.content)
    assert demo.get("/plan.pdf").status_code == 422
    bad = demo.get("/plan.pdf", params={**PAGE, "hs": "abc"})
    assert bad.status_code == 422 and "is not an HS code" in bad.text


def test_page_shows_the_comparison_and_links_the_csv(demo):
    page = demo.get("/plan", params=PAGE)
    assert page.status_code == 200
    html = page.text
    assert 'id="plan-comparison"' in html and 'data-route="separately"' in html
    assert "One test, several certificates (this plan)" in html
    assert 'id="plan-csv"' in html and "/plan.csv?" in html
    zh = demo.get("/plan", params=PAGE, headers={"Accept-Language": "zh-CN"}).text
    assert "一次检测、多国认证（本方案）" in zh and "各市场分别检测" in zh
    ru = demo.get("/plan", params=PAGE, headers={"Accept-Language": "ru"}).text
    assert "Каждый рынок испытывается отдельно" in ru
    download = demo.get("/plan.csv", params=PAGE)
    assert download.status_code == 200
    rows = _table(download.content)
    doc = demo.post("/api/plan", json={**ASK, "date": None}).json()
    assert float(_by_section(rows, "together")[0]["cost"]) == doc["comparison"]["together"]["cost"]


def test_page_csv_refuses_bad_or_missing_input_with_4xx(demo):
    assert demo.get("/plan.csv").status_code == 422
    bad = demo.get("/plan.csv", params={**PAGE, "hs": "abc"})
    assert bad.status_code == 422 and "is not an HS code" in bad.text


def test_cli_writes_the_csv_and_prints_the_comparison(demo_db, capsys, tmp_path):
    cli = cli_runner(demo_db, capsys)
    target = tmp_path / "plan.csv"
    args = ["plan", "--hs", "8516.60", "--standard", "IEC 60335-1:2020", "--origin", "CN",
            "--markets", "NZ,AU,SG,DE,FR", "--date", "2025-10-01"]
    code, out, _ = cli(*args, "--csv", str(target))
    assert code == 0
    assert "one test, several certificates:" in out and "each market separately:" in out
    rows = _table(target.read_bytes())
    code, printed, _ = cli(*args, "--csv", "-")
    assert code == 0
    assert list(csv.DictReader(io.StringIO(printed))) == rows
    assert {r["section"] for r in rows} >= {"step", "together", "separately",
                                            "separately-market", "difference"}
    pdf = tmp_path / "plan.pdf"
    code, out, _ = cli(*args, "--pdf", str(pdf))
    assert code == 0 and "PDF written to" in out
    text = _pdf_text(pdf.read_bytes())
    together = next(r for r in rows if r["section"] == "together")
    assert f"{_money(float(together['cost']))} {together['currency']}" in text


def test_page_writes_amounts_as_the_readers_locale_does(demo):
    """CLDR currency patterns: $12,345 in English, 12 345 $ in Russian (a no-break space
    groups), 12.345 US$ in Spanish; whole units, Western digits in every language."""
    doc = demo.post("/api/plan", json={**ASK, "date": None}).json()
    total, currency = round(doc["total_cost"]), doc["currency"]
    from babel import numbers

    for lang, locale in (("en", "en"), ("ru", "ru"), ("es", "es"), ("ar", "ar")):
        html = demo.get("/plan", params={**PAGE, "lang": lang}).text
        symbol = numbers.get_currency_symbol(currency, locale=locale)
        grouped = numbers.format_decimal(total, locale=locale, numbering_system="latn")
        assert grouped in html and symbol in html, (lang, grouped, symbol)
    assert f"{total:,}" in demo.get("/plan", params={**PAGE, "lang": "en"}).text
    assert f"{total:,}".replace(",", "\u00a0") in demo.get(
        "/plan", params={**PAGE, "lang": "ru"}).text
