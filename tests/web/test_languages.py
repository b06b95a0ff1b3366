"""The six page languages (issue 20): catalogue completeness and placeholders, the choice of
language (Accept-Language q-values), English fallback, plural forms and CLDR formats."""

from __future__ import annotations

import datetime as dt
import gettext
import re

import pytest
from babel.messages.plurals import get_plural

from certpass.web import i18n
from tests.web import catalogues
from tests.web.catalogues import LOCALES, forms

NEW = ["ru", "ar", "fr", "es"]
# Keys other lanes add to en.po fall back to English until translated; a catalogue missing
# more than this share of the keys is a catalogue nobody kept up, and fails.
MAX_MISSING = 0.02
# The gettext form (msgstr[i]) that stands for each CLDR plural category of whole numbers, by
# Babel's Plural-Forms of each language (json_to_po mapped the CLDR texts so, by sampling).
CLDR_FORM = {
    "en": {"one": 0, "other": 1},
    "zh": {"other": 0},
    "ru": {"one": 0, "few": 1, "many": 2},
    "ar": {"zero": 0, "one": 1, "two": 2, "few": 3, "many": 4, "other": 5},
    "fr": {"one": 0, "many": 1, "other": 2},
    "es": {"one": 0, "many": 1, "other": 2},
}
COUNTS = [*range(0, 201), 1000, 1001, 10**6, 2 * 10**6, 10**6 + 1]


def _load(lang: str) -> dict:
    """The texts a reader of the language sees (translated, not fuzzy), by key."""
    return catalogues.translated(lang)


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def _english_placeholders(value: str | tuple[str, ...]) -> set[str]:
    return set().union(*(_placeholders(f) for f in forms(value)))


def test_every_language_has_a_catalogue_and_its_own_name():
    assert i18n.LANGUAGES == ("en", "zh", "ru", "ar", "fr", "es")
    for lang in i18n.LANGUAGES:
        assert catalogues.po_file(lang).exists(), lang
    assert i18n.NATIVE_NAMES == {"en": "English", "zh": "中文", "ru": "Русский",
                                 "ar": "العربية", "fr": "Français", "es": "Español"}


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_catalogue_headers_name_the_language_and_its_plural_rule(lang):
    cat = catalogues.po(lang)
    assert str(cat.locale) == i18n._BABEL[lang]
    rule = get_plural(i18n._BABEL[lang])
    assert (cat.num_plurals, cat.plural_expr) == (rule.num_plurals, rule.plural_expr)
    assert cat.charset == "utf-8"


@pytest.mark.parametrize("lang", NEW)
def test_catalogue_keeps_en_placeholders_exactly(lang):
    en, cat = _load("en"), _load(lang)
    wrong = [(key, form) for key, value in cat.items() if key in en
             for form in forms(value) if _placeholders(form) != _english_placeholders(en[key])]
    assert not wrong, wrong[:10]


def test_english_plural_forms_keep_the_same_placeholders():
    wrong = [key for key, value in _load("en").items()
             if len({frozenset(_placeholders(f)) for f in forms(value)}) != 1]
    assert not wrong, wrong


@pytest.mark.parametrize("lang", NEW)
def test_catalogue_has_no_stale_or_empty_text(lang):
    en, cat = catalogues.entries("en"), catalogues.entries(lang)
    assert set(cat) <= set(en), sorted(set(cat) - set(en))  # a renamed key left behind
    # an entry is translated (every form, not blank) or untranslated (no form): never half
    empty = [key for key, value in cat.items()
             if any(forms(value)) and not all(f.strip() for f in forms(value))]
    assert not empty, empty
    # a fuzzy entry is invisible to the pages (shown in English): review it, drop the flag
    fuzzy = [catalogues.key(m.id) for m in catalogues.po(lang) if m.id and m.fuzzy]
    assert not fuzzy, fuzzy


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_plural_forms_are_the_languages_gettext_forms(lang):
    cat = catalogues.po(lang)
    assert catalogues.plural_keys(lang) == catalogues.plural_keys("en")
    for message in cat:
        if message.id and message.pluralizable:
            assert len(message.string) == cat.num_plurals, message.id
    # each gettext form stands for exactly one CLDR category of whole numbers, and back
    choose = gettext.c2py(cat.plural_expr)
    cldr = i18n.Translator(lang).locale.plural_form
    pairs = {(cldr(n), choose(n)) for n in {*range(0, 1001), *COUNTS}}
    assert dict(pairs) == CLDR_FORM[lang]
    assert len({index for _, index in pairs}) == len(pairs) == cat.num_plurals


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
    # a counted text falls back to the English forms, chosen by English's rule
    t.messages = {k: v for k, v in t.messages.items() if k != "arr.months"}
    assert [t.plural("arr.months", n) for n in (1, 5)] == ["1 months", "5 months"]
    assert t.plural("plan.days", 5) == "5 дней"


def test_an_untranslated_or_fuzzy_entry_falls_back_to_english(tmp_path):
    po = tmp_path / "ru" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('''msgid ""
msgstr ""
"Language: ru\\n"
"Plural-Forms: nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && "
"n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);\\n"
"Content-Type: text/plain; charset=utf-8\\n"

msgid "nav.home"
msgstr "Главная"

msgid "nav.verify"
msgstr ""

#, fuzzy
msgid "nav.log"
msgstr "Журнал?"

msgid "plan.days"
msgid_plural "plan.days"
msgstr[0] "{n} день"
msgstr[1] ""
msgstr[2] "{n} дней"
''', encoding="utf-8")
    texts = i18n.texts(i18n.compiled_catalogue("ru", tmp_path))
    assert texts == {"nav.home": "Главная"}
    t = i18n.Translator("ru")
    t.messages = texts
    assert (t("nav.home"), t("nav.verify"), t("nav.log")) == \
        ("Главная", "Verify", "Transparency log")
    assert t.plural("plan.days", 2) == "2 days"


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
    ("ar", 2, "\u2068\u20682\u2069 يومان\u2069\u200f"),
    ("ar", 0, "\u2068\u20680\u2069 يوم\u2069\u200f"),
    ("ar", 102, "\u2068\u2068102\u2069 يوم\u2069\u200f"),
    ("ru", 0, "0 месяцев"), ("ru", 111, "111 месяцев"), ("ru", 104, "104 месяца"),
])
def test_plural_forms_by_cldr_rules(lang, n, expected):
    key = "arr.months" if lang == "ru" else "plan.days"
    assert i18n.Translator(lang).plural(key, n) == expected


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_plural_choice_is_the_cldr_choice_for_every_counted_text(lang):
    """The pages pick a form by the catalogue's gettext Plural-Forms; it must be the form of
    the number's CLDR category (Babel), as when the catalogues were CLDR objects."""
    t = i18n.Translator(lang)
    texts, english = _load(lang), _load("en")
    for key in sorted(catalogues.plural_keys(lang)):
        own = key in texts  # else English, by English's categories
        value, rule = (texts[key], lang) if own else (english[key], "en")
        names = _english_placeholders(english[key])
        for n in COUNTS:
            values = {name: n if name in ("n", "count") else f"<{name}>" for name in names}
            form = value[CLDR_FORM[rule][i18n._locale(rule).plural_form(n)]]
            if t.dir == "rtl":
                expected = "\u2068" + form.format(
                    **{k: f"\u2068{v}\u2069" for k, v in values.items()}) + "\u2069\u200f"
            else:
                expected = form.format(**values)
            assert t(key, **values) == expected, (key, n)


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
