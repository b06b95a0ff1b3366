"""The pages' languages: English, Simplified Chinese, Russian, Arabic, French and Spanish,
from one gettext catalogue per language (certpass/web/locales/<code>/LC_MESSAGES/messages.po).

Every piece of UI text in a template is a catalogue key (``t("nav.home")``): the msgid is
the key, the msgstr the text; data (names, numbers, standards) comes from the database, where
names are stored in English and Chinese. The language is chosen by ``?lang=<code>`` (then
remembered in a cookie), else the cookie, else the browser's Accept-Language (q-values
honoured), else English.

The catalogues are read compiled: the ``messages.mo`` built beside each ``.po`` at install
(``setup_hooks.py``), or, when the ``.mo`` is missing or older than the ``.po`` (a translator's
edit), the ``.po`` compiled in memory; nothing is written at run time. An untranslated (empty)
or fuzzy entry falls back to the English text, and a key absent even from English shows as
``MISSING`` (never as the key itself), so keys added to en.po appear in English until they
are translated. A counted text is a plural entry (``msgid_plural``, ``msgstr[0..]``); the form
is chosen as gettext's ngettext does, by the catalogue's own ``Plural-Forms`` expression from
the ``n`` (or ``count``) value, and by English's rule when the text falls back to English.
``make messages`` extracts the keys (certpass.web.i18n_extract) and updates every catalogue;
adding a language: README, "Languages".

In a right-to-left language each text, and each placeholder value in it, is wrapped in
Unicode first-strong isolates (U+2068…U+2069, the plain-text ``<bdi>``) and the text is
followed by a right-to-left mark: "IEC 60335-1:2020" or "CN-2023-01" keep their order, and a
date printed after an Arabic word in a template ("ساري · 2016-07-01") is not taken for an
Arabic number and reversed (UAX #9 rule W2).
"""

from __future__ import annotations

import datetime as dt
import gettext
import io
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, dates, numbers
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
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
DOMAIN = "messages"  # the catalogue files: <code>/LC_MESSAGES/messages.po (.mo compiled)
# A catalogue text: a string, or the plural forms in the order of the catalogue's Plural-Forms.
Text = str | tuple[str, ...]
PluralRule = Callable[[int], int]


def po_path(lang: str, locales: Path = _LOCALES) -> Path:
    return locales / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_po(po: Path) -> bytes:
    """A ``.po`` file compiled to ``.mo`` bytes, as ``pybabel compile`` and the install do
    (fuzzy entries left out)."""
    with po.open("rb") as source:
        catalog = read_po(source)
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def compiled_catalogue(lang: str, locales: Path = _LOCALES) -> Catalog | None:
    """A language's compiled catalogue: the ``.mo`` built at install when it is at least as
    new as the ``.po``, else the ``.po`` compiled in memory (never written at run time)."""
    po = po_path(lang, locales)
    mo = po.with_suffix(".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        data = mo.read_bytes()
    elif po.exists():
        data = compile_po(po)
    else:
        return None
    return read_mo(io.BytesIO(data))


_compiled = cache(compiled_catalogue)


def texts(compiled: Catalog | None) -> dict[str, Text]:
    """A compiled catalogue's texts: key → text, or key → its plural forms. Untranslated
    entries are left out, and so they fall back: an empty text is not compiled, and an empty
    plural form is compiled as its msgid (gettext shows the source text), here the key."""
    found: dict[str, Text] = {}
    for message in compiled or ():
        if not message.id:
            continue  # the header
        if isinstance(message.id, str):
            if isinstance(message.string, str) and message.string:
                found[message.id] = message.string
            continue
        forms = tuple(message.string or ())
        if forms and all(form and form not in message.id for form in forms):
            found[message.id[0]] = forms
    return found


@cache
def catalogue(lang: str) -> dict[str, Text]:
    """The texts of one language as its catalogue has them (no fallback)."""
    return texts(_compiled(lang))


@cache
def plural_rule(lang: str) -> PluralRule:
    """n → the index of the plural form, by the catalogue's own Plural-Forms (as ngettext)."""
    compiled = _compiled(lang)
    return gettext.c2py(compiled.plural_expr if compiled else "(n != 1)")


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
        self._plural = plural_rule(self.lang)
        self._english_plural = plural_rule(DEFAULT)
        self.html_lang = HTML_LANG[self.lang]
        self.dir = "rtl" if self.lang in RTL else "ltr"
        self.locale = _locale(self.lang)

    @property
    def languages(self) -> list[tuple[str, str, str]]:
        """(code, own name, html lang) of every language, for the header's switch."""
        return [(code, NATIVE_NAMES[code], HTML_LANG[code]) for code in LANGUAGES]

    def _entry(self, key: str) -> tuple[Text, PluralRule] | None:
        """The text of ``key`` in this language, else in English, with that catalogue's
        plural rule."""
        text = self.messages.get(key)
        if text is not None:
            return text, self._plural
        text = self.english.get(key)
        return None if text is None else (text, self._english_plural)

    def __call__(self, key: str, **values: Any) -> str:
        entry = self._entry(key)
        if entry is None:
            return MISSING.format(key=key)
        text, rule = entry
        if not isinstance(text, str):
            count = next((values[k] for k in _COUNT_NAMES if isinstance(values.get(k), int)), 0)
            index = rule(abs(count))
            text = text[index] if 0 <= index < len(text) else text[-1]
        if self.dir == "rtl":
            # numbers, certificate numbers, names: isolated, as <bdi> does
            values = {k: _isolate(v) for k, v in values.items()}
            return _rtl_text(text.format(**values) if values else text)
        return text.format(**values) if values else text

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
        the English catalogue, so a missing one shows as missing (and fails the tests).
        Such keys are built at run time, so the extractor cannot see them: en.po lists them."""
        return self(f"{prefix}.{code}")

    def soft(self, key: str, fallback: str) -> str:
        """A word of an open vocabulary (the engine's rule names): the code if not listed."""
        entry = self._entry(key)
        text = entry[0] if entry else None
        if not isinstance(text, str):
            return fallback
        return _rtl_text(text) if self.dir == "rtl" else text

    def number(self, value: float | int) -> str:
        """A number as the reader's locale writes it (CLDR: 1,234 / 1 234 / 1.234)."""
        # Western digits in every locale, like the certificate numbers beside them.
        return numbers.format_decimal(value, locale=self.locale, numbering_system="latn")

    def money(self, value: float | int, currency: str) -> str:
        """An amount as the reader's locale writes it, whole units (estimates have no cents):
        CLDR's currency pattern and symbol ($12,345 / 12 345 $ / US$12,345)."""
        pattern = self.locale.currency_formats["standard"].pattern.split(";")[0]
        return numbers.format_currency(round(value), currency, format=pattern.replace(".00", ""),
                                       locale=self.locale, currency_digits=False,
                                       numbering_system="latn")

    def date(self, value: dt.date | dt.datetime, style: str = "medium") -> str:
        """A date as the reader's locale writes it (CLDR: 2 дек. 2026 г., 2 déc. 2026)."""
        return dates.format_date(value, format=style, locale=self.locale)
