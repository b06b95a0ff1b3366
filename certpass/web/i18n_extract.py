"""The page catalogues' keys as Babel extracts them, and the template ``make messages`` builds.

``babel.cfg`` (at the project root) maps the Jinja2 templates to ``extract_templates`` and the
Python code to ``extract_python``: the literal key of every ``t("key", ...)`` and
``t.plural("key", n)`` call, found in the parsed template or module. (Jinja2's extractor sees
only calls of a plain name, ``t(...)`` but not ``t.plural(...)``; Babel's Python extractor
reads tokens and takes ``t["cost"]`` after ``t`` for a call.) Keys built at run time
(``t.code(prefix, code)``, ``t.soft("rule." ~ name, name)``, ``t(title_key)``) cannot be
extracted: en.po, the list of record, has them.

``python -m certpass.web.i18n_extract [ROOT]`` (the first step of ``make messages``) writes
``certpass/web/locales/messages.pot``: every key of en.po (so an update never drops a key
built at run time) plus every extracted key en.po does not have yet, each with its English
text as an extracted comment (``#. en: ...``) that ``pybabel update`` then copies into every
language's catalogue. The .pot keeps its date unless its messages changed.
"""

from __future__ import annotations

import ast
import datetime as dt
import io
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po, write_po
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "certpass"
LOCALES = Path(PACKAGE, "web", "locales")
MAPPING = "babel.cfg"
DOMAIN = "messages"
# The translator's calls with a literal key: t("key", ...) and t.plural("key", n). Both
# extractors return the key as the first argument of "t" (pybabel: -k t).
KEYWORDS: dict[str, Any] = {"t": None}
_TRANSLATOR = "t"
_COUNTED = "plural"
_Found = Iterator[tuple[int, str, str, list[str]]]
HEADER = """\
# certpass page texts, one gettext catalogue per language.
# msgid is the key the templates use (t("nav.home")), "#. en:" the
# English text; en.po is the list of record (README.md, "Languages")."""


def extract_templates(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Any,
                      options: Mapping[str, Any]) -> _Found:
    """Babel extraction method for the Jinja2 templates: (line, "t", key, []) for every
    ``t("key", ...)`` and ``t.plural("key", ...)`` whose key is a literal string."""
    source = fileobj.read().decode(options.get("encoding", "utf-8"))
    tree = Environment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"]).parse(source)
    for call in tree.find_all(nodes.Call):
        callee = call.node
        translator = isinstance(callee, nodes.Name) and callee.name == _TRANSLATOR
        counted = (isinstance(callee, nodes.Getattr) and callee.attr == _COUNTED
                   and isinstance(callee.node, nodes.Name) and callee.node.name == _TRANSLATOR)
        if (translator or counted) and call.args and isinstance(call.args[0], nodes.Const) \
                and isinstance(call.args[0].value, str):
            yield call.lineno, _TRANSLATOR, call.args[0].value, []


def extract_python(fileobj: IO[bytes], keywords: Mapping[str, Any], comment_tags: Any,
                   options: Mapping[str, Any]) -> _Found:
    """Babel extraction method for Python code: the same calls, from the module's syntax tree
    (``t`` a name or an attribute, ``self.t("key")``)."""
    tree = ast.parse(fileobj.read())
    for call in ast.walk(tree):
        if not isinstance(call, ast.Call):
            continue
        callee = call.func
        if isinstance(callee, ast.Attribute) and callee.attr == _COUNTED:
            callee = callee.value
        name = callee.id if isinstance(callee, ast.Name) else \
            callee.attr if isinstance(callee, ast.Attribute) else None
        if name == _TRANSLATOR and call.args and isinstance(call.args[0], ast.Constant) \
                and isinstance(call.args[0].value, str):
            yield call.lineno, _TRANSLATOR, call.args[0].value, []


def extracted_keys(root: Path = ROOT) -> dict[str, list[tuple[str, int]]]:
    """Every literal key the templates and code use, with where: {key: [(file, line)]}."""
    root = root.resolve()
    with (root / MAPPING).open(encoding="utf-8") as mapping:
        method_map, options_map = parse_mapping_cfg(mapping, str(root / MAPPING))
    def package_only(dirpath: str) -> bool:  # not .venv, node_modules, build...
        path = Path(dirpath)
        return not path.name.startswith((".", "_")) and (
            path.parent != root or path.name == PACKAGE)

    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
            root, method_map, options_map, keywords=KEYWORDS, directory_filter=package_only):
        key = message if isinstance(message, str) else message[0]
        found.setdefault(key, []).append((filename, lineno))
    return found


def english_comments(text: str | tuple[str, ...] | list[str]) -> list[str]:
    """The ``#. en:`` comment of a message from its English text (each form if they differ)."""
    if isinstance(text, str):
        return [f"en: {text}"] if text else []
    forms = list(text)
    if not any(forms):
        return []
    if len(set(forms)) == 1:
        return [f"en: {forms[0]}"]
    return [f"en: {forms[0]}", *(f"en[{i}]: {f}" for i, f in enumerate(forms) if i)]


def _read(path: Path) -> Catalog:
    with path.open("rb") as source:
        return read_po(source)


def _serialise(catalog: Catalog, omit_header: bool = False) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, no_location=True, omit_header=omit_header)
    return out.getvalue()


def _content(catalog: Catalog) -> bytes:
    """The messages as written (a comment read back is split at its wrapped lines)."""
    return _serialise(catalog, omit_header=True)


def build_template(root: Path = ROOT) -> Catalog:
    """messages.pot: en.po's keys and the extracted ones, sorted, with the English text."""
    locales = root / LOCALES
    english = _read(locales / "en" / "LC_MESSAGES" / f"{DOMAIN}.po")
    pot = locales / f"{DOMAIN}.pot"
    if pot.exists():
        template = _read(pot)  # its header and date
    else:
        template = Catalog(domain=DOMAIN, header_comment=HEADER, project="certpass",
                           copyright_holder="certpass")
    before = _content(template)
    for old in list(template):
        if old.id:
            del template[old.id]
    keys = {(m.id if isinstance(m.id, str) else m.id[0]) for m in english if m.id}
    for key in sorted(keys | set(extracted_keys(root))):
        message = english.get(key)
        if message is None:
            template.add(key)
        else:
            template.add(message.id, auto_comments=english_comments(message.string or ""))
    if _content(template) != before:
        template.creation_date = dt.datetime.now(dt.UTC).replace(second=0, microsecond=0)
    return template


def write_template(root: Path = ROOT) -> Path:
    """Build messages.pot and write it if it changed."""
    data = _serialise(build_template(root))
    pot = root / LOCALES / f"{DOMAIN}.pot"
    if not pot.exists() or pot.read_bytes() != data:
        pot.write_bytes(data)
    return pot


if __name__ == "__main__":
    print(f"wrote {write_template(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT)}")
