"""The passport PDF over HTTP in the reader's language, chosen as the pages choose theirs
(?lang=, then the cookie, then Accept-Language, else English); the certificate page links
the PDF in its own language."""

from __future__ import annotations

import pypdfium2
import pytest

from certpass.web import i18n
from certpass.web.api.credentials import passport_labels
from tests.credentials.test_passport_languages import seen, visual
from tests.registry_fixture import request_data
from tests.web.conftest import bearer

NUMBER = "2024010701000001"
PDF = f"/api/certificates/{NUMBER}/passport.pdf"


@pytest.fixture
def issued(client, tokens):
    r = client.post("/api/certificates", json=request_data(NUMBER), headers=bearer(tokens["cqc"]))
    assert r.status_code == 201, r.text


def _scripts(text: str) -> set[str]:
    return {name for name, low, high in (("cyrillic", 0x400, 0x52F), ("arabic", 0x600, 0x6FF))
            if any(low <= ord(c) <= high for c in text)}


def test_the_pdf_speaks_each_language_beside_english_and_chinese(client, issued):
    for lang in i18n.LANGUAGES:
        r = client.get(PDF, params={"lang": lang})
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", lang
        languages = ["en", "zh-Hans"] + ([i18n.HTML_LANG[lang]] if lang not in ("en", "zh")
                                         else [])
        assert r.headers["content-language"] == ", ".join(languages)
        page = pypdfium2.PdfDocument(r.content)[0]
        text = page.get_textpage().get_text_range()
        assert NUMBER in text and "宁波示例电器有限公司" in text and "GB 4706.1-2005" in text
        *_, reader = passport_labels(lang)
        if lang == "ar":  # pdfium's text order is unreliable for Arabic: see seen()
            assert visual(reader.holder) in seen(page) and visual(reader.title) in seen(page)
        else:
            assert reader.holder in text and reader.title in text, lang
        assert _scripts(text) == {"ru": {"cyrillic"}, "ar": {"arabic"}}.get(lang, set()), lang


def test_without_a_valid_lang_the_cookie_then_accept_language_then_english(client, issued):
    english = client.get(PDF, params={"lang": "xx"})
    assert english.status_code == 200 and english.headers["content-language"] == "en, zh-Hans"
    text = pypdfium2.PdfDocument(english.content)[0].get_textpage().get_text_range()
    assert "Quality certification passport" in text and "质量认证护照" in text
    assert _scripts(text) == set()
    assert client.get(PDF).headers["content-language"] == "en, zh-Hans"
    headers = {"accept-language": "ru-RU,ru;q=0.9,en;q=0.8"}
    assert client.get(PDF, headers=headers).headers["content-language"] == "en, zh-Hans, ru"
    cookie = {**headers, "cookie": f"{i18n.COOKIE}=es"}
    assert client.get(PDF, headers=cookie).headers["content-language"] == "en, zh-Hans, es"
    asked = client.get(PDF, params={"lang": "fr"}, headers=cookie)
    assert asked.headers["content-language"] == "en, zh-Hans, fr"
    assert "Accept-Language" in asked.headers["vary"]
    assert i18n.COOKIE not in asked.headers.get("set-cookie", "")  # a download sets none


def test_the_certificate_page_links_the_pdf_in_its_language(client, issued):
    page = client.get(f"/certificates/{NUMBER}", params={"lang": "ar"})
    assert page.status_code == 200
    link = f"/api/certificates/{NUMBER}/passport.pdf?issuer=cqc&amp;lang=ar"
    assert link in page.text
    pdf = client.get(link.replace("&amp;", "&"), headers={"cookie": f"{i18n.COOKIE}=ru"})
    assert pdf.headers["content-language"] == "en, zh-Hans, ar"
