"""The certificate page's recognition section without a browser (issue 16): recognised and
conditional markets first, the rest in a collapsed <details> that says how many."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from certpass.web.app import create_app
from tests.conftest import sqlite_copy
from tests.registry_fixture import SETTINGS


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_file):
    db = sqlite_copy(demo_file, tmp_path_factory.mktemp("demo"))
    with TestClient(create_app(SETTINGS, db), raise_server_exceptions=False) as c:
        yield c
    db.dispose()


def _decisions(html: str) -> list[str]:
    return re.findall(r'data-decision="([a-z-]+)"', html)


def test_recognised_markets_first_the_rest_collapsed_with_their_count(demo):
    page = demo.get("/certificates/CN-00101")
    assert page.status_code == 200
    html = page.text
    section = html[html.index('<section id="recognition">'):]
    section = section[:section.index("</section>")]
    shown, _, hidden = section.partition('<details id="not-recognised"')
    assert _decisions(shown) and "not-recognised" not in _decisions(shown)
    count = int(re.search(r'data-count="(\d+)"', hidden)[1])
    assert count == len(re.findall(r"<tr data-market=", hidden)) > 0
    assert set(_decisions(hidden)) == {"not-recognised"}
    assert f"Markets where it is not recognised: {count}" in hidden
    assert 'src="/static/market.js"' in html and 'id="my-market"' in html


def test_the_count_is_worded_in_each_language(demo):
    zh = demo.get("/certificates/CN-00101", headers={"Accept-Language": "zh-CN"}).text
    assert re.search(r"不承认的市场：\d+ 个", zh)
    ru = demo.get("/certificates/CN-00101", headers={"Accept-Language": "ru"}).text
    assert re.search(r"Рынки, где сертификат не признаётся: \d+", ru)
    assert "Ваш рынок" in ru
