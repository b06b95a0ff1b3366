"""Crawl the demo site as a visitor would and follow every internal link: none is broken."""

from __future__ import annotations

import re
from collections import Counter, deque
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from fastapi.testclient import TestClient

from certpass.web.app import create_app
from tests.web.pages import demo_site

HREF = re.compile(r'href="([^"#]*)')
PER_SECTION = 60  # pages followed per first path segment, so every kind of page is reached
LIMIT = 1500
SKIP = ("/logout", "/portal", "/login", "/static/", "/docs-assets/")


@pytest.fixture(scope="module")
def client(tmp_path_factory, demo_site_file):
    settings, db = demo_site.copy(demo_site_file, tmp_path_factory.mktemp("links"))
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as c:
        yield c
    db.dispose()


def _section(path: str) -> str:
    return path.split("/")[1] if path.count("/") >= 1 else ""


@pytest.mark.parametrize("lang, per_section", [("en", PER_SECTION), ("zh", PER_SECTION // 3)])
def test_no_internal_link_is_broken(client, lang, per_section):
    client.headers["Accept-Language"] = "zh-CN,zh;q=0.9" if lang == "zh" else "en"
    start = ["/", "/bodies", "/schemes", "/standards", "/arrangements", "/projects", "/log"]
    queue, seen, per = deque(start), set(start), Counter[str]()
    broken: list[str] = []
    visited = 0
    while queue and visited < LIMIT:
        url = queue.popleft()
        visited += 1
        r = client.get(url)
        if r.status_code >= 400:
            broken.append(f"{r.status_code} {unquote(url)}")
            continue
        if "text/html" not in r.headers.get("content-type", ""):
            continue
        if lang == "zh" and not url.startswith(("/docs", "/redoc")):  # the API docs: English
            assert '<html lang="zh-Hans">' in r.text, url
        for href in HREF.findall(r.text):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc or not parts.path.startswith("/") or target in seen:
                continue
            if unquote(parts.path).startswith(SKIP) or "lang=" in parts.query:
                continue
            section = _section(parts.path)
            if per[section] >= per_section:
                continue
            per[section] += 1
            seen.add(target)
            queue.append(target)
    assert visited > 5 * per_section, f"the crawl reached only {visited} pages"
    assert {"accreditations", "standards", "certificates", "bodies"} <= set(per)
    assert broken == [], "\n".join(broken)
