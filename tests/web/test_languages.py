"""The six page languages (issue 20): catalogue completeness and placeholders, the choice of
language (Accept-Language q-values), English fallback, plural forms and CLDR formats."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from certpass.web import i18n

LOCALES = Path(i18n.__file__).parent / "locales"
NEW = ["ru", "ar", "fr", "es"]
# Keys other lanes add to en.json fall back to English until translated; a catalogue missing
# more than this share of the keys is a catalogue nobody kept up, and fails.
MAX_MISSING = 0.02


def _load(lang: str) -> dict:
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def _forms(value: str | dict) -> list[str]:
    return list(value.values()) if isinstance(value, dict) else [value]


def test_every_language_has_a_catalogue_and_its_own_name():
    assert i18n.LANGUAGES == ("en", "zh", "ru", "ar", "fr", "es")
    for lang in i18n.LANGUAGES:
        assert (LOCALES / f"{lang}.json").exists(), lang
    assert i18n.NATIVE_NAMES == {"en": "English", "zh": "中文", "ru": "Русский",
                                 "ar": "العربية", "fr": "Français", "es": "Español"}


@pytest.mark.parametrize("lang", NEW)
def test_catalogue_keeps_en_placeholders_exactly(lang):
    en, cat = _load("en"), _load(lang)
    wrong = [(key, form) for key, value in cat.items() if key in en
             for form in _forms(value) if _placeholders(form) != _placeholders(en[key])]
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("lang", NEW)
def test_catalogue_has_no_stale_or_empty_text(lang):
    en, cat = _load("en"), _load(lang)
    assert set(cat) <= set(en), sorted(set(cat) - set(en))  # a renamed key left behind
    empty = [key for key, value in cat.items() if not all(f.strip() for f in _forms(value))]
    assert not empty, empty


@pytest.mark.parametrize("lang", NEW)
def test_plural_forms_are_the_languages_cldr_categories(lang):
    categories = set(i18n.Translator(lang).locale.plural_form.tags) | {"other"}
    for key, value in _load(lang).items():
        if isinstance(value, dict):
            assert "other" in value, key
            assert set(value) <= categories, (key, set(value) - categories)


def test_missing_keys_are_counted_per_language(capsys):
    en = _load("en")
    counts = {lang: len(set(en) - set(_load(lang))) for lang in NEW}
    with capsys.disabled():
        print(f"\nkeys missing per catalogue (of {len(en)}, shown in English): {counts}")
    too_many = {lang: n for lang, n in counts.items() if n > MAX_MISSING * len(en)}
    assert not too_many, too_many


def test_a_missing_key_falls_back_to_english_never_to_the_key():
    t = i18n.Translator("ru")
    t.messages = {k: v for k, v in t.messages.items() if k != "nav.verify"}  # as if not translated
    assert t("nav.verify") == "Verify"
    assert t("nav.home") == "Главная"
    assert t.has("nav.verify")
    assert t("no.such.key") == i18n.MISSING.format(key="no.such.key")
    assert t.soft("rule.origin", "origin") == "правила происхождения"
    assert t.soft("rule.no-such-rule", "no-such-rule") == "no-such-rule"


@pytest.mark.parametrize(("header", "expected"), [
    ("ru-RU,ru;q=0.9,en-US;q=0.8,en;q=0.7", "ru"),
    ("en;q=0.5, ar-SA", "ar"),
    ("de-DE, fr-CH;q=0.4, es;q=0.3", "fr"),
    ("de-DE,de;q=0.9", None),
    ("es-419", "es"),
    ("zh-CN,zh;q=0.9", "zh"),
    ("ru;q=0, fr;q=0.1", "fr"),
    ("*", None),
    ("fr;q=abc, es;q=0.2", "es"),
    ("en;q=0.8, ru;q=0.8", "en"),  # a tie keeps the header's order
    ("", None),
])
def test_accept_language_q_values(header, expected):
    assert i18n.from_accept_language(header) == expected


@pytest.mark.parametrize(("lang", "html_lang", "direction"), [
    ("en", "en", "ltr"), ("zh", "zh-Hans", "ltr"), ("ru", "ru", "ltr"),
    ("ar", "ar", "rtl"), ("fr", "fr", "ltr"), ("es", "es", "ltr"),
])
def test_direction_and_html_lang(lang, html_lang, direction):
    t = i18n.Translator(lang)
    assert (t.html_lang, t.dir) == (html_lang, direction)


@pytest.mark.parametrize("lang", ["en", "ru", "ar", "fr", "es"])
def test_data_names_fall_back_to_english_outside_chinese(lang):
    t = i18n.Translator(lang)
    assert t.pick("China Quality Certification Centre", "中国质量认证中心") == \
        "China Quality Certification Centre"
    assert t.pick(None, "中国质量认证中心") == "中国质量认证中心"
    assert i18n.Translator("zh").pick("CQC", "中国质量认证中心") == "中国质量认证中心"


@pytest.mark.parametrize(("lang", "n", "expected"), [
    ("ru", 1, "1 месяц"), ("ru", 3, "3 месяца"), ("ru", 5, "5 месяцев"),
    ("ru", 11, "11 месяцев"), ("ru", 21, "21 месяц"), ("ru", 22, "22 месяца"),
    ("fr", 1, "1 jour"), ("fr", 0, "0 jour"), ("fr", 2, "2 jours"),
    ("es", 1, "1 día"), ("es", 30, "30 días"),
    ("ar", 3, "\u2068\u20683\u2069 أيام\u2069\u200f"),
    ("ar", 11, "\u2068\u206811\u2069 يومًا\u2069\u200f"),
    ("ar", 100, "\u2068\u2068100\u2069 يوم\u2069\u200f"),
])
def test_plural_forms_by_cldr_rules(lang, n, expected):
    key = "arr.months" if lang == "ru" else "plan.days"
    assert i18n.Translator(lang).plural(key, n) == expected


def test_rtl_isolates_placeholder_values():
    # a certificate number keeps its order inside Arabic text (the plain-text <bdi>)
    arabic = i18n.Translator("ar")("cert.title", number="CN-2023/01")
    assert arabic == "\u2068الشهادة \u2068CN-2023/01\u2069\u2069\u200f"
    assert i18n.Translator("ru")("cert.title", number="CN-2023/01") == "Сертификат CN-2023/01"


@pytest.mark.parametrize(("lang", "number", "date"), [
    ("en", "1,234,567.5", "Dec 2, 2026"),
    ("ru", "1\xa0234\xa0567,5", "2 дек. 2026\u202fг."),
    ("fr", "1\u202f234\u202f567,5", "2 déc. 2026"),
    ("es", "1.234.567,5", "2 dic 2026"),
    ("ar", "1,234,567.5", "02\u200f/12\u200f/2026"),
])
def test_numbers_and_dates_by_cldr(lang, number, date):
    t = i18n.Translator(lang)
    assert t.number(1234567.5) == number
    assert t.date(dt.date(2026, 12, 2)) == date


def test_glossary_lists_the_official_terms():
    text = (LOCALES / "GLOSSARY.md").read_text(encoding="utf-8")
    for term in ("сертификат соответствия", "декларация о соответствии", "شهادة مطابقة",
                 "اعتماد", "certificat de conformité", "certificado de conformidad"):
        assert term in text, term
    # and the catalogues use them
    assert _load("ru")["role.certification-body"] == "Орган по сертификации"
    assert _load("ar")["role.certification-body"] == "جهة منح الشهادات"
