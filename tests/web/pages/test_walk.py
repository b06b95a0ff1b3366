"""Every page type on the demo data, in both languages: 200, no missing catalogue key, no
English UI text left on a Chinese page, under 200 KB."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from certpass.web import i18n
from certpass.web.app import create_app
from tests.web import catalogues
from tests.web.catalogues import forms
from tests.web.pages import demo_site

TEMPLATES = Path(i18n.__file__).parent / "templates"
PAGE_LIMIT = 200_000
PAGES = [
    "/", "/search?q=cqc", "/search?q=nothing-matches-this", "/certificates/{valid}",
    "/certificates/{revoked}", "/certificates/{amended}", "/verify", "/verify?number={valid}",
    "/verify?number={revoked}&market=CN", "/verify?number=NO-SUCH-NUMBER", "/bodies",
    "/bodies/cqc", "/bodies/cnas", "/accreditations/{accreditation}", "/schemes",
    "/schemes/CCC", "/standards", "/standards/IEC%2060335-1:2010", "/arrangements",
    "/arrangements/{arrangement}", "/projects", "/projects/{project}", "/plan",
    "/plan?hs=8516.79&standards=IEC+60335-1:2010;IEC+60335-2-15:2016&origin=CN"
    "&markets=CN&markets=NZ&markets=DE", "/log", "/log?page=2",
    f"/log?number={demo_site.SUSPENDED_LATER}", "/login", "/no-such-page",
    "/certificates/NO-SUCH-NUMBER",
]


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_site_file):
    settings, db = demo_site.copy(demo_site_file, tmp_path_factory.mktemp("demo"))
    with db.read() as s:
        from sqlalchemy import select

        from certpass.certificates.models import Certificate, CertificateIssue
        from certpass.projects.models import CooperationProject
        from certpass.recognition.models import ArrangementRecord
        from certpass.registry.models import Accreditation

        names = {
            "valid": s.scalar(select(Certificate.number).where(Certificate.status == "valid")
                              .where(Certificate.valid_until.is_(None))),
            "revoked": s.scalar(select(Certificate.number)
                                .where(Certificate.status == "withdrawn")),
            "amended": s.scalar(select(Certificate.number).join(CertificateIssue)
                                .where(CertificateIssue.issue_no == 1)),
            "accreditation": s.scalar(select(Accreditation.number)),
            "arrangement": s.scalar(select(ArrangementRecord.id)),
            "project": s.scalar(select(CooperationProject.id)),
        }
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client, names
    db.dispose()


def visible_text(html: str) -> str:
    """What a reader sees, minus the parts marked as English data (lang="en")."""
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r'<(span|p|pre)\b[^>]*lang="en"[^>]*>.*?</\1>', " ", html, flags=re.S)
    # A scheme's own status word ("Cancelled" for IECEx) is data, kept as the scheme says it.
    html = re.sub(r'<(\w+)\b[^>]*translate="no"[^>]*>.*?</\1>', " ", html, flags=re.S)
    html = re.sub(r'<a [^>]*hreflang="en"[^>]*>.*?</a>', " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def english_phrases() -> list[str]:
    """English catalogue texts that differ from their Chinese text, split at placeholders."""
    en, zh = i18n.catalogue("en"), i18n.catalogue("zh")
    phrases = set()
    for key, text in en.items():
        for form in forms(text):
            if form in forms(zh[key]):
                continue
            for part in re.split(r"\{[^}]*\}", form):
                part = part.strip(" .:;,()—–-")
                if len(part) >= 8 and re.search(r"[A-Za-z]{3}", part):
                    phrases.add(part)
    return sorted(phrases, key=len, reverse=True)


def test_catalogues_have_the_same_keys_and_no_empty_text():
    en, zh = catalogues.entries("en"), catalogues.entries("zh")
    assert set(en) == set(zh), set(en) ^ set(zh)
    texts = [f for v in [*en.values(), *zh.values()] for f in forms(v)]
    assert all(f.strip() for f in texts)
    assert catalogues.translated("en") == en and catalogues.translated("zh") == zh  # no fuzzy
    for key in en:  # placeholders agree, so a translation never drops a value
        placeholders = {frozenset(re.findall(r"\{(\w+)\}", f)) for f in forms(en[key])}
        assert {frozenset(re.findall(r"\{(\w+)\}", f)) for f in forms(zh[key])} == \
            placeholders, key


def test_templates_use_only_known_keys():
    keys = set(i18n.catalogue("en"))
    used = set()
    for path in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_.\-]+)'\s*[,)]", path.read_text(encoding="utf-8")))
    assert used and used <= keys, used - keys


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_in_both_languages(site, lang):
    client, names = site
    phrases = english_phrases() if lang == "zh" else []
    for template in PAGES:
        path = template.format(**names)
        r = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
        # A verdict of "not found" is a normal answer of the verify page, not an error.
        expected = 404 if "no-such" in path.lower() and "/verify" not in path else 200
        assert r.status_code == expected, (path, r.text[:500])
        assert "text/html" in r.headers["content-type"]
        assert len(r.content) < PAGE_LIMIT, (path, len(r.content))
        html = r.text
        assert f'<html lang="{"zh-Hans" if lang == "zh" else "en"}">' in html
        missing = re.findall(i18n.MISSING.format(key="([^⟧]*)"), html)
        assert not missing, (path, missing)
        assert "Traceback" not in html
        text = visible_text(html)
        left = [p for p in phrases if p in text]
        assert not left, (path, left[:5])


def test_language_choice_persists_in_a_cookie(site):
    client, _ = site
    client.get("/?lang=zh")
    assert client.cookies.get(i18n.COOKIE) == "zh"
    assert '<html lang="zh-Hans">' in client.get("/bodies").text
    client.get("/?lang=en")
    assert '<html lang="en">' in client.get("/bodies").text


def test_not_found_is_not_revoked(site):
    client, names = site
    missing = client.get("/certificates/NO-SUCH-NUMBER")
    assert missing.status_code == 404 and 'data-error="not-found"' in missing.text
    revoked = client.get(f"/certificates/{names['revoked']}")
    assert 'data-status="withdrawn"' in revoked.text
    v = client.get("/verify?number=NO-SUCH-NUMBER").text
    assert 'data-verdict="not-found"' in v
    assert 'data-verdict="revoked"' in client.get(f"/verify?number={names['revoked']}").text


def test_passport_shows_recognition_with_traces(site):
    client, names = site
    html = client.get(f"/certificates/{names['valid']}").text
    assert 'class="recognition"' in html and "<details>" in html
    assert re.search(r'data-decision="(recognised|recognised-with-conditions|not-recognised)"',
                     html)


def test_log_proves_a_certificate_history(site):
    client, _ = site
    html = client.get(f"/log?number={demo_site.SUSPENDED_LATER}").text
    assert html.count('data-proof="ok"') >= 2 and 'data-proof="failed"' not in html
    assert 'id="consistency"' in html and "<pre class=\"note\"" in html


def test_charts_are_inline_svg_without_scripts(site):
    client, _ = site
    # A project with counted certificates (some, such as CEPA testing, count none: no chart).
    html = client.get("/projects/cn-nz-eee-mra").text
    assert "<svg" in html and "<script" not in html.split("</main>")[0]
    assert "http" not in re.sub(r'xmlns(:xlink)?="[^"]+"', "", "".join(
        re.findall(r"<svg.*?</svg>", html, re.S)))
    assert 'class="data"' in html  # the table beside each chart


def test_charts_are_styled_and_speak_in_names(site):
    client, _ = site
    css = client.get("/projects/chart.css").text
    # pygal writes its CSS XML-escaped inside the SVG; served as CSS it must be plain, or the
    # child selectors break and every chart paints a black background.
    assert "&gt;" not in css and ".pygal-chart .plot > .background{fill:transparent" in css
    html = client.get("/projects/cn-nz-eee-mra").text
    partner = re.search(r'id="chart-partner".*?</figure>', html, re.S)
    assert partner, "the partner chart is drawn"
    labels = re.findall(r'<th scope="row">([^<]+)</th>', partner.group(0))
    assert labels and all(" " in label for label in labels), labels  # names, not body ids
    svg_text = "".join(re.findall(r"<text[^>]*>([^<]*)</text>", partner.group(0)))
    assert labels[0][:20] in svg_text
