"""The query table of issue 15 on the demo data, on SQLite and PostgreSQL: what people type
finds what they mean, and the database's answer equals a brute-force match of the same
tokens over every certificate."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import func, select

from certpass.certificates.models import Certificate, CertificateIssue
from certpass.index.fields import certificate_tokens
from certpass.index.models import SearchDocument
from certpass.index.tokens import matches, query_terms
from certpass.registry.models import Body
from certpass.search import service as search
from certpass.web import i18n

HOLDER_ZH = "佛山盛世电器有限公司"


def everything(session, q: str | None = None, page: int = 97, **filters) -> list[str]:
    """Every number a query lists, paging to the end (an odd page size on purpose)."""
    flt = search.CertificateQuery(q=q, **filters)
    out: list[str] = []
    for offset in range(0, 100_000, page):
        found = search.search(session, flt, limit=page, offset=offset)
        out += [c.number for c in found.items]
        if found.next_offset is None:
            break
    assert len(out) == found.total == len(set(out))
    return out


@pytest.fixture(scope="module")
def oracle(demo_db):
    """number -> tokens of each certificate, computed in memory from its rows."""
    with demo_db.read() as s:
        bodies = {b.id: {"name_en": b.name_en, "name_zh": b.name_zh,
                         "short_name": b.short_name} for b in s.scalars(select(Body))}
        out = {}
        for c in s.scalars(select(Certificate)):
            row = {"id": c.id, "number": c.number, "issuer_id": c.issuer_id,
                   "scheme_code": c.scheme_code}
            issues = [{"holder": i.holder, "manufacturer": i.manufacturer,
                       "products": i.products, "factories": i.factories,
                       "standards": i.standards} for i in c.issues]
            out[c.number] = set(certificate_tokens(row, issues, bodies[c.issuer_id]))
    return out


QUERIES = ["电器", "佛山", HOLDER_ZH, "电", "kettle", "Kettle", "kett", "空调", "电水壶",
           "KE-1701", "ke1701", "8516.10", "851610", "8516", "IEC 60335-2-15",
           "IEC 60335-2-15:2016", "GB 4706.1", "2023010701", "Foshan Shengshi", "美欣",
           "cqc", "Shunde", "顺德", "IECEx NEP", "%", "_", "%%", "a%", "100%", "e_c"]


@pytest.mark.parametrize("q", QUERIES)
def test_the_index_answers_like_brute_force(demo_db, oracle, q):
    terms = query_terms(q)
    expected = {n for n, tokens in oracle.items() if terms and matches(terms, tokens)}
    with demo_db.read() as s:
        assert set(everything(s, q)) == expected


def _holders_zh(s, numbers):
    rows = s.scalars(select(Certificate).where(Certificate.number.in_(numbers))).all()
    return {c.number: c.current.holder.get("name_zh", "") for c in rows}


def test_chinese_fragments_of_a_holder_name(demo_db):
    with demo_db.read() as s:
        held = set(s.scalars(select(Certificate.number).join(CertificateIssue).where(
            func.json_extract(CertificateIssue.holder, "$.name_zh") == HOLDER_ZH)
        ).all()) if demo_db.url.startswith("sqlite") else None
        full = everything(s, HOLDER_ZH)
        assert full, "the holder's full Chinese name finds nothing"
        assert _holders_zh(s, full[:1])[full[0]] == HOLDER_ZH  # exact name first
        for fragment in ("电器", "佛山", "盛世"):
            assert set(full) <= set(everything(s, fragment))
        if held is not None:
            assert held <= set(full)


def test_product_names_in_both_languages(demo_db):
    with demo_db.read() as s:
        kettles = everything(s, "kettle")
        assert set(kettles) == set(everything(s, "电水壶"))
        rows = s.scalars(select(Certificate).where(Certificate.number.in_(kettles[:20])))
        assert all(any("kettle" in p["name"].lower() for i in c.issues for p in i.products)
                   for c in rows)
        air = everything(s, "空调")
        assert air and set(air) == set(everything(s, "air conditioner"))


def test_a_model_finds_its_certificates_first(demo_db):
    with demo_db.read() as s:
        found = everything(s, "KE-1701")
        assert found == everything(s, "ke1701")
        first = s.scalar(select(Certificate).where(Certificate.number == found[0]))
        assert "KE-1701" in first.current.products[0]["models"]


def test_hs_code_with_and_without_dot(demo_db):
    with demo_db.read() as s:
        dotted = everything(s, "8516.10")
        assert dotted and dotted == everything(s, "851610")
        assert set(dotted) <= set(everything(s, "8516"))
        assert set(dotted) == set(everything(s, hs_code="8516.10"))


def test_standard_with_and_without_edition(demo_db):
    with demo_db.read() as s:
        edition = everything(s, "IEC 60335-2-15:2016")
        older = everything(s, "IEC 60335-2-15:2005")
        any_edition = everything(s, "IEC 60335-2-15")
        assert edition and set(edition) | set(older) <= set(any_edition)


@pytest.mark.parametrize("q", ["%", "_", "%%", "%_%", "\\%"])
def test_wildcard_characters_match_nothing(demo_db, q):
    with demo_db.read() as s:
        assert search.search(s, search.CertificateQuery(q=q)).total == 0


def test_percent_beside_a_word_is_that_word(demo_db):
    with demo_db.read() as s:
        assert everything(s, "kettle%") == everything(s, "kettle")


def test_a_full_number_comes_first_and_a_prefix_finds_its_family(demo_db):
    with demo_db.read() as s:
        numbers = everything(s, "2023010701")
        assert numbers and all(n.startswith("2023010701") for n in numbers)
        assert everything(s, numbers[-1])[0] == numbers[-1]
        assert everything(s, "IECEx NEP 18.0002X")[0] == "IECEx NEP 18.0002X"


def test_a_former_holder_name_still_finds_the_certificate(demo_db):
    with demo_db.read() as s:
        renamed = s.scalars(select(Certificate).where(
            Certificate.holder_name.like("%Group Co., Ltd.%"))).first()
        former = renamed.issues[0].holder["name"]
        assert former != renamed.holder_name
        assert renamed.number in everything(s, former)
        assert everything(s, renamed.holder_name)[0] != "" and renamed.number in everything(
            s, renamed.holder_name)


def test_placeholder_examples_find_certificates(demo_db):
    for lang in ("en", "zh"):
        text = i18n.catalogue(lang)["search.placeholder"]
        examples = [e for e in re.split(r"[,、]|\bor\b|或", text.split(" ", 1)[1]) if e.strip()]
        assert len(examples) == 3
        with demo_db.read() as s:
            for example in examples:
                assert search.search(s, search.CertificateQuery(q=example)).total, example


def test_filters_combine_with_text(demo_db):
    with demo_db.read() as s:
        mixed = everything(s, "kettle", status="valid", scheme="CCC", economy="CN")
        rows = s.scalars(select(Certificate).where(Certificate.number.in_(mixed))).all()
        assert rows and all(c.scheme_code == "CCC" and c.holder_economy == "CN" for c in rows)
        assert set(mixed) < set(everything(s, "kettle"))


def test_issuer_filter_is_exact(demo_db):
    with demo_db.read() as s:
        for body in ("ul", "cqc", "tuv-sud"):
            listed = everything(s, issuer=body, page=500)
            expected = s.scalars(select(Certificate.number).where(
                Certificate.issuer_id == body)).all()
            assert sorted(listed) == sorted(expected)


def test_the_list_without_text_pages_to_its_last_item(demo_db):
    with demo_db.read() as s:
        listed = everything(s, page=100)
        assert len(listed) == s.scalar(select(func.count(Certificate.id)))
        last = search.search(s, search.CertificateQuery(), limit=100, offset=len(listed) - 1)
        assert [c.number for c in last.items] == listed[-1:]


def test_holder_words_narrow_like_more_text(demo_db):
    with demo_db.read() as s:
        narrowed = everything(s, "kettle", holder="盛世")
        assert narrowed and set(narrowed) == set(everything(s, "kettle 盛世"))
        assert set(narrowed) < set(everything(s, "kettle"))


def test_rebuild_gives_the_index_the_writes_kept(demo_db):
    table = SearchDocument.__table__
    with demo_db.read() as s:
        before = sorted(s.connection().execute(select(table)).all())
    with demo_db.write() as s:
        assert search.rebuild(s) == s.scalar(select(func.count(Certificate.id)))
    with demo_db.read() as s:
        assert sorted(s.connection().execute(select(table)).all()) == before


def test_bodies_and_standards_are_looked_up_with_the_same_rules(demo_db):
    with demo_db.read() as s:
        assert [b.id for b in search.find_bodies(s, "cqc")][:1] == ["cqc"]
        assert search.find_bodies(s, "%") == []
        refs = [x.ref for x in search.find_standards(s, "IEC 60335-2-15")]
        assert {"IEC 60335-2-15:2005", "IEC 60335-2-15:2016"} <= set(refs)
        assert [e.code for e in search.find_economies(s, "中国")][:1] == ["CN"]


# -- the same service behind every surface: pages, JSON API, CLI -----------------------------

@pytest.fixture(scope="module")
def web(demo_db):
    from fastapi.testclient import TestClient

    from certpass.config import Settings
    from certpass.web.app import create_app

    settings = Settings.load(environ={}, database_url=demo_db.url,
                             secret_key="test-secret-key-0123456789")
    with TestClient(create_app(settings, demo_db), raise_server_exceptions=False) as client:
        yield client


def _total(html: str) -> int:
    found = re.search(r'data-total="(\d+)"', html)
    assert found, "no count on the page"
    return int(found.group(1))


def test_certificates_page_lists_everything_and_pages_to_the_end(web, demo_db):
    with demo_db.read() as s:
        count = s.scalar(select(func.count(Certificate.id)))
        newest_last = everything(s)[-1]
    first = web.get("/certificates")
    # Counting stops COUNT_CAP past the page: the first page says "at least", with a next
    # page; the last page knows the exact count.
    exact = count <= 20 + search.COUNT_CAP
    assert first.status_code == 200 and _total(first.text) == min(count, 20 + search.COUNT_CAP)
    assert ('data-exact="true"' in first.text) == exact
    assert ("Counting stopped here" in first.text) == (not exact)
    pages = -(-count // 20)
    last = web.get(f"/certificates?page={pages}")
    assert last.status_code == 200 and f">{newest_last}</a>" in last.text
    assert _total(last.text) == count and 'data-exact="true"' in last.text
    assert f'data-pages="{pages}"' in last.text
    assert 'rel="next"' not in last.text and 'rel="prev"' in last.text
    beyond = web.get(f"/certificates?page={pages + 1}")
    assert beyond.status_code == 200 and _total(beyond.text) == count


def test_search_page_answers_chinese_and_wildcards(web, demo_db):
    with demo_db.read() as s:
        expected = len(everything(s, HOLDER_ZH))
    assert _total(web.get("/search", params={"q": HOLDER_ZH}).text) == expected
    assert _total(web.get("/search", params={"q": "%"}).text) == 0
    assert web.get("/search", params={"q": "kettle", "status": "bogus"}).status_code == 422
    assert web.get("/certificates", params={"page": 0}).status_code == 422


def test_a_bodys_all_certificates_link_filters_by_its_id(web, demo_db):
    page = web.get("/bodies/ul")
    link = re.search(r'href="(/certificates\?issuer=[^"]+)"', page.text)
    assert link and link.group(1) == "/certificates?issuer=ul"
    with demo_db.read() as s:
        count = s.scalar(select(func.count(Certificate.id)).where(Certificate.issuer_id == "ul"))
    assert _total(web.get(link.group(1)).text) == count


def test_api_q_pages_and_filters(web, demo_db):
    with demo_db.read() as s:
        expected = everything(s, "kettle", status="valid")
    got, offset = [], 0
    while True:
        body = web.get("/api/certificates", params={"q": "kettle", "status": "valid",
                                                     "limit": 7, "offset": offset}).json()
        got += [c["number"] for c in body["items"]]
        offset += 7
        if offset >= body["total"]:
            break
    assert got == expected and body["total"] == len(expected)
    assert web.get("/api/certificates", params={"q": "%"}).json()["total"] == 0
    bodies = web.get("/api/bodies", params={"q": "中国质量认证中心"}).json()
    assert [b["id"] for b in bodies["items"]][:1] == ["cqc"]
    assert web.get("/api/standards", params={"q": "%"}).json()["total"] == 0


def test_cli_search_and_list_ask_the_same_service(demo_db, capsys):
    from tests.conftest import cli_runner

    run = cli_runner(demo_db, capsys)
    with demo_db.read() as s:
        expected = everything(s, "佛山 kettle")
    code, out, _ = run("search", "find", "佛山 kettle", "--limit", "1000", "--json")
    assert code == 0 and [c["number"] for c in json.loads(out)["items"]] == expected
    code, out, _ = run("certificates", "list", "--q", "佛山 kettle", "--limit", "1000", "--json")
    assert code == 0 and [c["number"] for c in json.loads(out)["items"]] == expected
    code, _, err = run("search", "rebuild")
    assert code == 0 and "search index rebuilt" in err
    code, _, err = run("search", "find", "kettle", "--status", "bogus")
    assert code != 0 and "unknown status" in err
