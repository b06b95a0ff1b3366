"""Names in their own scripts (issue 20): a holder, product or body registered with names in
Russian or Arabic beside its English and Chinese ones is shown in the reader's script with
the registered name beside it, found by search in that script, and a bad names box is
refused beside its field with nothing written."""

from __future__ import annotations

from sqlalchemy import func, select

from certpass.accounts.actor import OPERATOR
from certpass.certificates.models import Certificate
from certpass.registry import service as registry
from certpass.registry.schemas import BodyIn
from tests.web.pages.test_portal import GOOD

HOLDER_RU = "ООО «Нинбо Пример»"
HOLDER_AR = "شركة نينغبو المثال"
KETTLE_RU = "Электрический чайник"
NUMBER = GOOD["number"]


def _issue(web, token, **extra):
    return web.post("/portal/issue", data={**GOOD, "csrf_token": token, **extra})


def _count(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Certificate))


def test_names_given_in_the_form_are_shown_in_the_readers_script(signed_in, page_db):
    web, token = signed_in
    r = _issue(web, token, holder_names=f"ru: {HOLDER_RU}; ar: {HOLDER_AR}",
               product_names=f"ru: {KETTLE_RU}")
    assert r.status_code == 303, r.text
    detail = web.get(f"/api/certificates/{NUMBER}").json()
    assert detail["holder"]["names"] == {"ru": HOLDER_RU, "ar": HOLDER_AR}
    assert detail["products"][0]["names"] == {"ru": KETTLE_RU}

    ru = web.get(f"/certificates/{NUMBER}?lang=ru").text
    registered = f'<span class="registered">(<bdi>{GOOD["holder_name"]}</bdi>)</span>'
    assert f'<bdi lang="ru">{HOLDER_RU}</bdi> {registered}' in ru
    assert f'<bdi lang="ru">{KETTLE_RU}</bdi>' in ru
    ar = web.get(f"/certificates/{NUMBER}?lang=ar").text
    assert f'<bdi lang="ar">{HOLDER_AR}</bdi> {registered}' in ar
    assert KETTLE_RU not in ar  # no Arabic product name: the English one, alone
    for lang in ("en", "fr"):
        page = web.get(f"/certificates/{NUMBER}?lang={lang}").text
        assert HOLDER_RU not in page and HOLDER_AR not in page
        assert f'<bdi>{GOOD["holder_name"]}</bdi>' in page


def test_search_finds_names_in_other_scripts(signed_in):
    web, token = signed_in
    assert _issue(web, token, holder_names=f"ru: {HOLDER_RU}; ar: {HOLDER_AR}",
                  product_names=f"ru: {KETTLE_RU}").status_code == 303
    for q in ("нинбо", "Пример", "чайник", "نينغبو", HOLDER_AR):
        found = web.get("/api/certificates", params={"q": q}).json()
        assert [c["number"] for c in found["items"]] == [NUMBER], q
    assert web.get("/api/certificates", params={"q": "чайникк"}).json()["items"] == []


def test_a_names_box_that_is_not_tag_and_name_is_refused_beside_it(signed_in, page_db):
    web, token = signed_in
    for bad in (HOLDER_RU, "russian: x", "ru:", "en: Ningbo"):
        r = _issue(web, token, holder_names=bad)
        assert r.status_code == 422, bad
        assert 'id="err-holder_names"' in r.text, bad
    assert _count(page_db) == 0
    r = web.post("/portal/issue?lang=ru", data={**GOOD, "csrf_token": token,
                                                "holder_names": HOLDER_RU})
    assert "Укажите каждое наименование как код языка" in r.text
    assert f'value="{HOLDER_RU}"' in r.text  # what was typed is kept to correct


def test_a_body_named_in_russian(web, page_db):
    with page_db.write() as s:
        registry.add_body(s, BodyIn(
            id="eec", name_en="Eurasian Economic Commission", name_zh="欧亚经济委员会",
            names={"ru": "Евразийская экономическая комиссия"}, roles=["regulator"],
            economy_code="RU"), OPERATOR)
    ru = web.get("/bodies/eec?lang=ru").text
    assert ('<h1><bdi lang="ru">Евразийская экономическая комиссия</bdi> <span class='
            '"registered">(<bdi>Eurasian Economic Commission</bdi>)</span></h1>') in ru
    assert "<title>Евразийская экономическая комиссия" in ru
    zh = web.get("/bodies/eec?lang=zh").text
    assert "<h1><bdi>欧亚经济委员会</bdi></h1>" in zh
    found = web.get("/api/bodies", params={"q": "евразийская"}).json()["items"]
    assert [b["id"] for b in found] == ["eec"]
    assert found[0]["names"] == {"ru": "Евразийская экономическая комиссия"}
