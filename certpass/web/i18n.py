"""The pages' two languages: Simplified Chinese and English, from one catalogue per language.

Every piece of UI text in a template is a catalogue key (``t("nav.home")``); data (names,
numbers, standards) comes from the database, where names are stored in both languages. The
language is chosen by ``?lang=zh|en`` (then remembered in a cookie), else the cookie, else
the browser's Accept-Language, else English.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request

LANGUAGES = ("en", "zh")
COOKIE = "certpass_lang"
_LOCALES = Path(__file__).parent / "locales"
MISSING = "⟦{key}⟧"  # rendered for a key absent from a catalogue; tests fail on it


@cache
def catalogue(lang: str) -> dict[str, str]:
    return json.loads((_LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def requested_language(request: Request) -> str | None:
    """The language asked for in the query string, if a valid one was."""
    asked = request.query_params.get("lang")
    return asked if asked in LANGUAGES else None


def language(request: Request) -> str:
    asked = requested_language(request)
    if asked:
        return asked
    cookie = request.cookies.get(COOKIE)
    if cookie in LANGUAGES:
        return cookie
    accept = request.headers.get("accept-language", "").lower()
    return "zh" if accept.startswith("zh") else "en"


class Translator:
    """``t(key, **values)``: the catalogue text with ``{name}`` placeholders filled."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.messages = catalogue(lang)

    def __call__(self, key: str, **values: Any) -> str:
        text = self.messages.get(key)
        if text is None:
            return MISSING.format(key=key)
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in self.messages

    def pick(self, en: str | None, zh: str | None) -> str:
        """A bilingual data value (name_en/name_zh) in this language, falling back to the other."""
        if self.lang == "zh":
            return zh or en or ""
        return en or zh or ""

    def code(self, prefix: str, code: str) -> str:
        """A word of a closed vocabulary (status, action, verdict...); every code must be in
        the catalogue, so a missing one shows as missing (and fails the tests)."""
        return self(f"{prefix}.{code}")

    def soft(self, key: str, fallback: str) -> str:
        """A word of an open vocabulary (the engine's rule names): the code if not listed."""
        return self.messages.get(key, fallback)
