"""The page catalogues read straight from their .po files (Babel's read_po), for the tests:
what a translator wrote, independent of the pages' loader."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

from certpass.web import i18n

LOCALES = Path(i18n.__file__).parent / "locales"
TEMPLATE = LOCALES / "messages.pot"


def po_file(lang: str) -> Path:
    return LOCALES / lang / "LC_MESSAGES" / "messages.po"


@cache
def read(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def po(lang: str) -> Catalog:
    return read(po_file(lang))


def key(message_id: str | tuple[str, ...] | list[str]) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]


def forms(text: str | tuple[str, ...] | list[str]) -> list[str]:
    """A text's forms: the text itself, or each plural form."""
    return [text] if isinstance(text, str) else list(text)


def entries(lang: str) -> dict[str, str | tuple[str, ...]]:
    """Every entry of a catalogue, translated or not (obsolete #~ entries are not entries)."""
    return {key(m.id): m.string if isinstance(m.string, str) else tuple(m.string)
            for m in po(lang) if m.id}


def translated(lang: str) -> dict[str, str | tuple[str, ...]]:
    """The entries a reader sees in the language: not fuzzy, and no form left empty; the
    others show in English."""
    fuzzy = {key(m.id) for m in po(lang) if m.id and m.fuzzy}
    return {k: v for k, v in entries(lang).items()
            if k not in fuzzy and all(forms(v)) and forms(v)}


def plural_keys(lang: str) -> set[str]:
    return {key(m.id) for m in po(lang) if m.id and m.pluralizable}
