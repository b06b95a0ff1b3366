"""The pages' languages: English, Simplified Chinese, Russian, Arabic, French and Spanish,
from one JSON catalogue per language (certpass/web/locales/<code>.json).

Every piece of UI text in a template is a catalogue key (``t("nav.home")``); data (names,
numbers, standards) comes from the database, where names are stored in English and Chinese.
The language is chosen by ``?lang=<code>`` (then remembered in a cookie), else the cookie,
else the browser's Accept-Language (q-values honoured), else English.

A key missing from a catalogue falls back to the English text (never to the key itself), so
keys added to en.json appear in English until they are translated. A catalogue text may be
an object of CLDR plural categories (``{"one": "{n} месяц", "few": "{n} месяца", ...}``);
the form is chosen by Babel's plural rules for the language from the ``n`` (or ``count``)
value. Adding a language: add its code to LANGUAGES, its own name to NATIVE_NAMES and a
catalogue ``<code>.json`` with en.json's keys (see the README, "Languages"). In a right-to-left
language each text, and each placeholder value in it, is wrapped in Unicode first-strong
isolates (U+2068…U+2069, the plain-text ``<bdi>``) and the text is followed by a
right-to-left mark: "IEC 60335-1:2020" or "CN-2023-01" keep their order, and a date printed
after an Arabic word in a template ("ساري · 2016-07-01") is not taken for an Arabic number
and reversed (UAX #9 rule W2).
"""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, dates, numbers
from fastapi import Request

LANGUAGES = ("en", "zh", "ru", "ar", "fr", "es")
# Each language offered in its own name, as the header shows it.
NATIVE_NAMES = {"en": "English", "zh": "中文", "ru": "Русский", "ar": "العربية",
                "fr": "Français", "es": "Español"}
# The BCP 47 tag of the page (<html lang>) and the Babel locale of each language.
HTML_LANG = {"en": "en", "zh": "zh-Hans", "ru": "ru", "ar": "ar", "fr": "fr", "es": "es"}
_BABEL = {"en": "en", "zh": "zh_Hans", "ru": "ru", "ar": "ar", "fr": "fr", "es": "es"}
RTL = frozenset({"ar"})
DEFAULT = "en"
COOKIE = "certpass_lang"
_LOCALES = Path(__file__).parent / "locales"
MISSING = "⟦{key}⟧"  # rendered for a key absent even from the English catalogue; tests fail on it
_COUNT_NAMES = ("n", "count", "total")


@cache
def catalogue(lang: str) -> dict[str, Any]:
    """The texts of one language as written in its file (no fallback)."""
    path = _LOCALES / f"{lang}.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_BABEL.get(lang, DEFAULT))


def requested_language(request: Request) -> str | None:
    """The language asked for in the query string, if a valid one was."""
    asked = request.query_params.get("lang")
    return asked if asked in LANGUAGES else None


def from_accept_language(header: str) -> str | None:
    """The supported language the browser prefers most, by q-value (RFC 9110 §12.5.4):
    ``ru-RU,ru;q=0.9,en;q=0.8`` → ``ru``; ``*`` and q=0 are ignored; ties keep header order."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(header.split(",")):
        tag, _, params = item.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        primary = tag.strip().lower().split("-")[0]
        if primary in LANGUAGES and 0 < quality <= 1:
            ranked.append((-quality, position, primary))
    return min(ranked)[2] if ranked else None


def language(request: Request) -> str:
    asked = requested_language(request)
    if asked:
        return asked
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGUAGES:
        return cookie
    return from_accept_language(request.headers.get("accept-language", "")) or DEFAULT


def _isolate(value: Any) -> str:
    """``value`` between U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE."""
    return f"\u2068{value}\u2069"


def _rtl_text(text: str) -> str:
    """A right-to-left catalogue text as one unit, followed by U+200F RIGHT-TO-LEFT MARK: the
    mark is a strong R (not AL), so the line keeps its right-to-left order and a date or
    number printed after the text stays a European number (not reversed by UAX #9 W2)."""
    return f"{_isolate(text)}\u200f"


class Translator:
    """``t(key, **values)``: the catalogue text with ``{name}`` placeholders filled."""

    def __init__(self, lang: str) -> None:
        self.lang = lang if lang in LANGUAGES else DEFAULT
        self.messages = catalogue(self.lang)
        self.english = catalogue(DEFAULT)
        self.html_lang = HTML_LANG[self.lang]
        self.dir = "rtl" if self.lang in RTL else "ltr"
        self.locale = _locale(self.lang)

    @property
    def languages(self) -> list[tuple[str, str, str]]:
        """(code, own name, html lang) of every language, for the header's switch."""
        return [(code, NATIVE_NAMES[code], HTML_LANG[code]) for code in LANGUAGES]

    def _text(self, key: str) -> Any:
        text = self.messages.get(key)
        return self.english.get(key) if text is None else text

    def __call__(self, key: str, **values: Any) -> str:
        text = self._text(key)
        if text is None:
            return MISSING.format(key=key)
        if isinstance(text, dict):
            count = next((values[k] for k in _COUNT_NAMES if isinstance(values.get(k), int)), 0)
            text = self._plural_form(text, count)
        if self.dir == "rtl":
            # numbers, certificate numbers, names: isolated, as <bdi> does
            values = {k: _isolate(v) for k, v in values.items()}
            return _rtl_text(text.format(**values) if values else text)
        return text.format(**values) if values else text

    def _plural_form(self, forms: dict[str, str], count: int) -> str:
        category = self.locale.plural_form(abs(count))
        return forms.get(category) or forms.get("other") or next(iter(forms.values()))

    def plural(self, key: str, n: int, **values: Any) -> str:
        """The form of a counted text for ``n`` (e.g. Russian 1 месяц, 3 месяца, 5 месяцев)."""
        return self(key, n=n, **values)

    def has(self, key: str) -> bool:
        return key in self.messages or key in self.english

    def pick(self, en: str | None, zh: str | None) -> str:
        """A bilingual data value (name_en/name_zh) in this language: Chinese readers get the
        Chinese name, every other language the English one, each falling back to the other."""
        if self.lang == "zh":
            return zh or en or ""
        return en or zh or ""

    def code(self, prefix: str, code: str) -> str:
        """A word of a closed vocabulary (status, action, verdict...); every code must be in
        the English catalogue, so a missing one shows as missing (and fails the tests)."""
        return self(f"{prefix}.{code}")

    def soft(self, key: str, fallback: str) -> str:
        """A word of an open vocabulary (the engine's rule names): the code if not listed."""
        text = self._text(key)
        if not isinstance(text, str):
            return fallback
        return _rtl_text(text) if self.dir == "rtl" else text

    def number(self, value: float | int) -> str:
        """A number as the reader's locale writes it (CLDR: 1,234 / 1 234 / 1.234)."""
        # Western digits in every locale, like the certificate numbers beside them.
        return numbers.format_decimal(value, locale=self.locale, numbering_system="latn")

    def date(self, value: dt.date | dt.datetime, style: str = "medium") -> str:
        """A date as the reader's locale writes it (CLDR: 2 дек. 2026 г., 2 déc. 2026)."""
        return dates.format_date(value, format=style, locale=self.locale)
