"""The main pages in Russian, Arabic, French and Spanish (issue 20): 200, the right
<html lang/dir>, no missing or raw catalogue key, the header offering every language in its
own name, and the choice made by ?lang=, the cookie or Accept-Language."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from certpass.web import i18n
from certpass.web.app import create_app
from tests.web.pages import demo_site

PAGES = ["/", "/verify", "/verify?number={valid}", "/bodies", "/bodies/cqc",
         "/certificates/{valid}", "/log", "/search?q=cqc", "/arrangements", "/schemes",
         "/verify?number=NO-SUCH-NUMBER", "/no-such-page"]
HTML_TAG = {"ru": '<html lang="ru">', "ar": '<html lang="ar" dir="rtl">',
            "fr": '<html lang="fr">', "es": '<html lang="es">'}


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_site_file):
    settings, db = demo_site.copy(demo_site_file, tmp_path_factory.mktemp("demo-lang"))
    with db.read() as s:
        from sqlalchemy import select

        from certpass.certificates.models import Certificate

        valid = s.scalar(select(Certificate.number).where(Certificate.status == "valid"))
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        yield client, {"valid": valid}
    db.dispose()


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style|svg|pre)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def raw_keys(text: str) -> list[str]:
    """Catalogue keys shown as such (``nav.verify``) instead of their text."""
    keys = set(i18n.catalogue("en"))
    return [word for word in re.findall(r"[a-z_]+(?:\.[a-z_\-]+)+", text) if word in keys]


@pytest.mark.parametrize("lang", ["ru", "ar", "fr", "es"])
def test_main_pages_in_each_language(site, lang):
    client, names = site
    t = i18n.Translator(lang)
    for template in PAGES:
        path = template.format(**names)
        r = client.get(path + ("&" if "?" in path else "?") + f"lang={lang}")
        expected = 404 if path == "/no-such-page" else 200
        assert r.status_code == expected, (path, r.text[:300])
        html = r.text
        assert HTML_TAG[lang] in html, (path, html[:200])
        missing = re.findall(i18n.MISSING.format(key="([^⟧]*)"), html)
        assert not missing, (path, missing)
        text = visible_text(html)
        assert not raw_keys(text), (path, raw_keys(text)[:5])
        # the page speaks the language: its navigation and title are translated
        assert t("nav.verify") in text and t("nav.verify") != "Verify", path
        assert "Traceback" not in html


def test_header_offers_every_language_in_its_own_name(site):
    client, _ = site
    html = client.get("/bodies?lang=ru").text
    for code, name, tag in i18n.Translator("ru").languages:
        if code == "ru":
            assert f'<span class="lang" lang="ru" aria-current="true">{name}</span>' in html
        else:
            assert re.search(rf'<a class="lang" href="[^"]*lang={code}" hreflang="{tag}" '
                             rf'lang="{tag}"[^>]*>{name}</a>', html), code


def test_arabic_page_is_right_to_left_with_numbers_isolated(site):
    client, names = site
    html = client.get(f"/certificates/{names['valid']}?lang=ar").text
    assert '<html lang="ar" dir="rtl">' in html
    # the certificate number in the Arabic title keeps its left-to-right order
    assert f"الشهادة \u2068{names['valid']}\u2069" in html


@pytest.mark.parametrize(("header", "tag"), [
    ("ru-RU,ru;q=0.9,en-US;q=0.8", '<html lang="ru">'),
    ("de-DE,ar;q=0.8,en;q=0.5", '<html lang="ar" dir="rtl">'),
    ("es-MX,es;q=0.9", '<html lang="es">'),
    ("de-DE", '<html lang="en">'),
])
def test_language_from_accept_language(site, header, tag):
    client, _ = site
    client.cookies.clear()
    assert tag in client.get("/bodies", headers={"accept-language": header}).text


def test_chosen_language_persists_over_accept_language(site):
    client, _ = site
    client.cookies.clear()
    client.get("/?lang=fr")
    assert client.cookies.get(i18n.COOKIE) == "fr"
    assert '<html lang="fr">' in client.get("/log", headers={"accept-language": "ru"}).text
    client.get("/?lang=xx")  # not a language: ignored, the cookie stays
    assert client.cookies.get(i18n.COOKIE) == "fr"
    client.cookies.clear()
