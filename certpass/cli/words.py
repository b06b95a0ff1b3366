"""The language of the CLI's human output, with the pages' Translator and catalogues.

Chosen by ``certpass --lang``, else CERTPASS_LANG, else the POSIX locale (LC_ALL, then
LC_MESSAGES, then LANG: ``ru_RU.UTF-8`` → ru; ``C``, ``POSIX`` or a language certpass does
not speak → en), else English. Machine output (--json, CSV) is never translated.

English keeps the CLI's own words: a code prints as itself (``valid``, ``not-recognised``)
and a service's English sentence as it is. Every other language prints a code as its
catalogue label and a sentence as its catalogue text. Arabic texts come with the
Translator's isolates and right-to-left mark, printed as they are (never reversed here).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rich.markup import escape

from certpass.web import i18n

LANGUAGES = i18n.LANGUAGES
ENV = "CERTPASS_LANG"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")  # POSIX precedence, strongest first

_translator = i18n.Translator(i18n.DEFAULT)


def from_locale(environ: Mapping[str, str]) -> str:
    """The language of the POSIX locale: the first of LC_ALL, LC_MESSAGES and LANG that is
    set decides, as it does for every other program."""
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "")
        if value:
            code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].lower()
            return code if code in LANGUAGES else i18n.DEFAULT
    return i18n.DEFAULT


def use(lang: str) -> None:
    global _translator
    _translator = i18n.Translator(lang)


def t() -> i18n.Translator:
    """The Translator of this invocation's language."""
    return _translator


def text(key: str, **values: Any) -> str:
    """The catalogue text of ``key`` (a ``cli.*`` key's English is the CLI's own wording)."""
    return _translator(key, **values)


def english() -> bool:
    return t().lang == i18n.DEFAULT


def say(key: str, english_text: str, **values: Any) -> str:
    """``english_text`` (the CLI's or the service's own words) in English, else the
    catalogue text of ``key``."""
    return english_text if english() else _translator(key, **values)


def word(prefix: str, code: str, *, soft: bool = False) -> str:
    """A code of a vocabulary (status, verdict, action...): itself in English, else its
    label (``soft``: an open vocabulary, where an unlisted code stays itself)."""
    if english():
        return code
    return t().soft(f"{prefix}.{code}", code) if soft else t().code(prefix, code)


def pair(prefix: str, code: str, en: str, zh: str) -> str:
    """A recognition code's text: both register languages in English ("en / zh", as the
    register states it), else the label of the reader's language."""
    return f"{en} / {zh}" if english() else t().code(prefix, code)


def names(en: str, zh: str) -> str:
    """A name the register keeps in English and Chinese: both in English (as the register
    states it), else the reader's: Chinese to Chinese readers, English to the others."""
    return f"{en} / {zh}" if english() else t().pick(en, zh)


def figures(counts: Mapping[str, int]) -> str:
    """What a command counted ("12 bodies, 3 schemes"): in English its own words, else each
    count after its label (cli.figure.<name>: "органы: 12"; an unlisted name as itself)."""
    if english():
        return ", ".join(f"{n} {name}" for name, n in counts.items())
    return ", ".join(f"{t().soft('cli.figure.' + name.replace(' ', '_'), name)}: {n}"
                     for name, n in counts.items())


def error_label(code: str, http_status: int) -> str:
    """Outside English, the catalogue's words for an error, put before the service's English
    message: the code's own text (err.<code>) where there is one, else the title of its
    kind, as the error page shows it (error.title.<kind>)."""
    if english():
        return ""
    key = f"err.{code}"
    if not t().has(key):
        from certpass.web.pages.errors import KINDS

        key = f"error.title.{KINDS.get(http_status, 'internal')}"
    return f"{text(key)} — "


def markup(key: str, **values: Any) -> str:
    """The catalogue text of ``key`` escaped for Rich, with each string value put in as
    Rich markup (the caller escapes what it puts in); numbers choose the plural form."""
    slots = {name: v if isinstance(v, int) else f"\x00{name}\x00" for name, v in values.items()}
    marked = escape(_translator(key, **slots))
    for name, value in values.items():
        if not isinstance(value, int):
            marked = marked.replace(f"\x00{name}\x00", str(value))
    return marked
