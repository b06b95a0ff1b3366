"""HTTP: decisions, plans and arrangements on the demo; writes on an empty database."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.web.app import create_app
from tests.conftest import cli_runner
from tests.recognition.test_service import ARRANGEMENT
from tests.registry_fixture import SETTINGS, seed
from tests.web.conftest import bearer


@pytest.fixture(scope="module")
def demo(demo_db):
    with TestClient(create_app(SETTINGS, demo_db), raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def writable(db):
    seed(db)  # a registry with the body "cqc" for the certification-body user
    tokens = {}
    with db.write() as s:
        for name, role, body in [("admin", "admin", None), ("cqc", "certification-body", "cqc")]:
            accounts.add_user(s, name, role, body, "correct horse battery", OPERATOR)
            tokens[name] = accounts.create_token(s, name, "write", 30, "t", OPERATOR).token
    with TestClient(create_app(SETTINGS, db), raise_server_exceptions=False) as c:
        yield c, tokens


def test_one_market_decision_shape(demo):
    r = demo.get("/api/certificates/CN-00101/recognition",
                 params={"market": "CN", "date": "2025-10-01"})
    assert r.status_code == 200
    body = r.json()
    assert {"market", "date", "decision", "conditions", "reasons", "arrangements",
            "trace"} <= set(body)
    assert (body["market"], body["date"], body["decision"]) == (
        "CN", "2025-10-01", "recognised-with-conditions")
    cond = body["conditions"][0]
    assert {"code", "text_en", "text_zh"} <= set(cond) and cond["text_zh"]
    assert body["arrangements"][0]["id"] == "iecee-cb-to-ccc"


def test_every_market_at_once(demo):
    r = demo.get("/api/certificates/CN-00103/recognition",
                 params={"date": "2025-10-01", "also": "US"})
    assert r.status_code == 200
    body = r.json()
    assert body["certificate"] == "CN-00103" and body["date"] == "2025-10-01"
    by_market = {m["market"]: m for m in body["markets"]}
    assert by_market["RU"]["reasons"][0]["code"] == "no-arrangement"
    assert by_market["US"]["decision"] == "not-recognised"


@pytest.mark.parametrize(("url", "params", "status"), [
    ("/api/certificates/CN-00101/recognition", {"market": "XX"}, 422),
    ("/api/certificates/CN-00101/recognition", {"market": "CN", "date": "2025-13-01"}, 422),
    ("/api/certificates/NO-SUCH/recognition", {"market": "CN"}, 404),
    ("/api/arrangements/no-such", {}, 404),
    ("/api/arrangements", {"status": "asleep"}, 422),
])
def test_bad_inputs(demo, url, params, status):
    r = demo.get(url, params=params)
    assert r.status_code == status
    assert r.json()["error"]["code"]


def test_plan_three_and_thirty_markets(demo):
    r = demo.post("/api/plan", json={"hs": "8516.60", "standards": ["IEC 60335-1:2020"],
                                     "origin": "CN", "markets": ["NZ", "AU", "RU", "US"],
                                     "date": "2025-10-01"})
    assert r.status_code == 200, r.text
    p = r.json()
    # RU through its own scheme (EAC), as the engine decides; US has no route at all.
    assert set(p["opened"]) == {"NZ", "AU", "RU"} and p["unopened"]["US"] == ["no-arrangement"]
    assert p["opened"]["RU"]["arrangement"] == "home:EAC"
    assert all("why" in s for s in p["steps"])
    thirty = ["CN", "NZ", "HK", "MO", "AU", "SG", "FR", "DE", "RU", "BY", "KZ", "US", "GB",
              "JP", "KR", "BR", "TH", "VN", "MY", "ID", "IN", "AE", "SA", "QA", "ZA", "EG",
              "TR", "MX", "CA", "IT"]
    r = demo.post("/api/plan", json={"hs": "8516.60", "standards": ["IEC 60335-1:2020"],
                                     "origin": "CN", "markets": thirty, "date": "2025-10-01"})
    assert r.status_code == 200, r.text
    p = r.json()
    assert set(p["opened"]) | set(p["unopened"]) == set(thirty)
    r = demo.post("/api/plan", json={"hs": "8516.60", "standards": ["IEC 60335-1:2020"],
                                     "origin": "CN", "markets": [*thirty, "NL"]})
    assert r.status_code == 422


def test_plan_bad_inputs(demo):
    base = {"hs": "8516.60", "standards": ["IEC 60335-1:2020"], "origin": "CN", "markets": ["NZ"]}
    for bad in ({**base, "markets": []}, {**base, "hs": "kettle"}, {**base, "origin": "ZZ"},
                {**base, "standards": ["IEC 60335-1"]}, {**base, "extra": 1}):
        assert demo.post("/api/plan", json=bad).status_code == 422, bad


def test_arrangement_list_and_detail(demo):
    r = demo.get("/api/arrangements", params={"market": "NZ"})
    body = r.json()
    ids = {a["id"] for a in body["items"]}
    assert {"cn-nz-eee-mra", "iecee-cb-au-nz", "iecex-coc-au-nz"} <= ids
    assert body["total"] == len(body["items"])
    r = demo.get("/api/arrangements", params={"kind": "joint-scheme", "limit": 1})
    assert [a["id"] for a in r.json()["items"]] == ["gba-certification"]
    r = demo.get("/api/arrangements/cn-nz-eee-mra")
    detail = r.json()
    assert detail["rules"]["foreign_only"] is True
    assert detail["history"][0]["change"] == "recorded"


def test_arrangement_writes_need_an_administrator(writable):
    client, tokens = writable
    assert client.post("/api/arrangements", json=ARRANGEMENT).status_code == 401
    r = client.post("/api/arrangements", json=ARRANGEMENT, headers=bearer(tokens["cqc"]))
    assert r.status_code == 403
    r = client.post("/api/arrangements", json={**ARRANGEMENT, "kind": "x"},
                    headers=bearer(tokens["admin"]))
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid-arrangement"
    assert client.get("/api/arrangements").json()["total"] == 0
    r = client.post("/api/arrangements", json=ARRANGEMENT, headers=bearer(tokens["admin"]))
    assert r.status_code == 201 and r.json()["version"] == 1
    r = client.post("/api/arrangements/test-mra", headers=bearer(tokens["admin"]),
                    json={"status": "suspended", "on": "2025-01-01", "reason": "review"})
    assert r.status_code == 200 and r.json()["status"] == "suspended"
    r = client.post("/api/arrangements/test-mra", headers=bearer(tokens["admin"]),
                    json={"arrangement": {**ARRANGEMENT, "title_en": "Renamed"},
                          "reason": "rename"})
    assert r.status_code == 200 and r.json()["version"] == 3
    assert [h["change"] for h in r.json()["history"]] == ["recorded", "suspended", "amended"]
    r = client.post("/api/arrangements/test-mra", headers=bearer(tokens["admin"]),
                    json={"reason": "nothing"})
    assert r.status_code == 422


@pytest.mark.parametrize(("hs", "standards", "code", "words"), [
    ("abc", ["IEC 60335-1:2020"], "invalid-hs-code", "is not an HS code"),
    ("85", ["IEC 60335-1:2020"], "invalid-hs-code", "a chapter alone names no product"),
    ("7700.10", ["IEC 60335-1:2020"], "invalid-hs-code", "chapter 77 does not exist"),
    ("8509.40", ["IEC 99999-1:2020"], "unknown-standard", "is not in the registry"),
    ("8509.40", ["IEC 60335-1:2019"], "unknown-standard", "has no edition '2019'"),
])
def test_plan_inputs_refused_alike_on_api_page_and_cli(demo, demo_db, capsys, hs, standards,
                                                      code, words):
    """One check (recognition.inputs) and one message for the three front ends."""
    body = {"hs": hs, "standards": standards, "origin": "CN", "markets": ["SA"]}
    r = demo.post("/api/plan", json=body)
    assert r.status_code == 422 and r.json()["error"]["code"] == code
    assert words in r.json()["error"]["message"]
    page = demo.get("/plan", params={"hs": hs, "standards": ";".join(standards),
                                     "origin": "CN", "markets": "SA"})
    assert page.status_code == 422 and words in page.text.replace("&#39;", "'")
    cli = cli_runner(demo_db, capsys)
    args = ["plan", "--hs", hs, "--origin", "CN", "--markets", "SA"]
    for s in standards:
        args += ["--standard", s]
    exit_code, out, err = cli(*args)
    assert exit_code == 1 and out == "" and words in err


def test_plan_accepts_the_hs_forms_of_the_nomenclature(demo):
    for hs, shown in (("8509.40", "8509.40"), ("850940", "8509.40"), ("8509", "8509"),
                      ("8509.40.00", "8509.40.00"), ("8509400000", "8509.40.00.00")):
        r = demo.post("/api/plan", json={"hs": hs, "standards": ["IEC 60335-1:2020",
                                                                  "IEC 60335-2-14:2016"],
                                         "origin": "CN", "markets": ["SA", "AE"]})
        assert r.status_code == 200, (hs, r.text)
        assert r.json()["product"]["hs"] == shown
        assert set(r.json()["opened"]) == {"SA", "AE"}


def test_home_scheme_arrangements_have_pages(demo):
    """Every "How this was decided" link of a certificate page resolves, home:* included."""
    for number in ("CN-00101", "CN-00103"):
        page = demo.get(f"/certificates/{number}")
        assert page.status_code == 200
        links = set(re.findall(r'href="(/arrangements/[^"]+)"', page.text))
        assert links, number
        for link in links:
            assert demo.get(link).status_code == 200, link
    for scheme in ("CCC", "GCC", "EAC", "CCC-Ex", "NZ-EEE"):
        r = demo.get(f"/arrangements/home:{scheme}")
        assert r.status_code == 200, scheme
        assert 'id="rules"' in r.text and f'href="/schemes/{scheme}"' in r.text
        api = demo.get(f"/api/arrangements/home:{scheme}").json()
        assert api["kind"] == "home-scheme" and api["recorded"] is False
        assert api["rules"]["scope"]["source_schemes"] == [scheme]
    assert demo.get("/arrangements/home:NOPE").status_code == 404
    assert demo.get("/api/arrangements/home:NOPE").status_code == 404


def test_arrangement_page_shows_every_deciding_rule(demo):
    page = demo.get("/arrangements/cn-nz-eee-mra", headers={"Accept-Language": "en"}).text
    for hs in ("8504", "8509", "8516"):
        assert hs in page  # HS scope
    assert "Documents from the other party only" in page
    assert 'data-rule="foreign-only">yes' in page
    assert "Product certificate" in page and "Test report" in page  # document kinds
    assert 'data-rule="origin">CN, NZ; traded directly' in page
    cb = demo.get("/arrangements/iecee-cb-to-ccc", headers={"Accept-Language": "en"}).text
    assert "Minimum editions" in cb and "the issuer; every laboratory" in cb
    assert "older certificates are reviewed" in cb and "Test report required" in cb
    zh = demo.get("/arrangements/cn-nz-eee-mra?lang=zh").text
    assert "仅接受另一方的文件" in zh and "货物原产地" in zh
