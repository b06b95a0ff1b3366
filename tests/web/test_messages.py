"""The gettext workflow of the page catalogues: the compiled catalogue the pages read is the
.po a translator wrote (a .mo built at install, else the .po compiled in memory), every key
the templates and code use is in en.po, `make messages` has been run, and the build compiles
and ships the catalogues."""

from __future__ import annotations

import io
import os
import shutil
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po, write_po

from certpass.web import i18n, i18n_extract
from tests.web import catalogues

ROOT = Path(i18n_extract.__file__).resolve().parents[2]


def _compiled_texts(compiled) -> dict:
    return {catalogues.key(m.id): m.string if isinstance(m.string, str) else tuple(m.string)
            for m in compiled if m.id}


@pytest.mark.parametrize("lang", i18n.LANGUAGES)
def test_the_pages_read_what_the_po_says(lang):
    compiled = i18n.compiled_catalogue(lang)
    source = catalogues.po(lang)
    assert (compiled.num_plurals, compiled.plural_expr) == \
        (source.num_plurals, source.plural_expr)
    translated = catalogues.translated(lang)
    # every translated entry compiled as written (untranslated ones are not shown)
    assert {k: v for k, v in _compiled_texts(compiled).items() if k in translated} == translated
    assert i18n.catalogue(lang) == translated


def test_a_mo_is_read_unless_its_po_is_newer(tmp_path):
    po = i18n.po_path("ru", tmp_path)
    po.parent.mkdir(parents=True)
    shutil.copy(i18n.po_path("ru"), po)
    assert i18n.texts(i18n.compiled_catalogue("ru", tmp_path))["nav.home"] == "Главная"
    assert sorted(p.name for p in po.parent.iterdir()) == ["messages.po"]  # nothing written
    # a .mo built from an older text, newer than the .po: the install's, used as it is
    with po.open("rb") as f:
        older = read_po(f)
    older["nav.home"].string = "Домой"
    out = io.BytesIO()
    write_po(out, older)
    edited = tmp_path / "old.po"
    edited.write_bytes(out.getvalue())
    mo = po.with_suffix(".mo")
    mo.write_bytes(i18n.compile_po(edited))
    os.utime(po, (1_000_000, 1_000_000))
    assert i18n.texts(i18n.compiled_catalogue("ru", tmp_path))["nav.home"] == "Домой"
    # a translator edits the .po after the install: the edit shows, without reinstalling
    os.utime(mo, (500_000, 500_000))
    assert i18n.texts(i18n.compiled_catalogue("ru", tmp_path))["nav.home"] == "Главная"
    assert read_mo(io.BytesIO(mo.read_bytes()))["nav.home"].string == "Домой"  # not rewritten


def test_every_literal_key_in_templates_and_code_is_in_en_po():
    found = i18n_extract.extracted_keys()
    assert "nav.home" in found and "tokens.n_days" in found  # t("...") and t.plural("...")
    english = i18n.catalogue("en")
    missing = {key: where[:3] for key, where in found.items() if key not in english}
    assert not missing, missing


def test_the_extractors_find_each_call_form_with_a_literal_key():
    template = b"""{{ t('a.one') }} {{ t("a.two", n=3) }} {{ t.plural('a.three', d) }}
{{ t(name) }} {{ t('x.' ~ y) }} {{ t.code('role', r) }} {{ t.has('a.four') }}
{% macro m(t) %}{{ t('a.five') }}{% endmacro %} {{ other('a.six') }}"""
    found = [(line, key) for line, _, key, _ in i18n_extract.extract_templates(
        io.BytesIO(template), {}, [], {})]
    assert found == [(1, "a.one"), (1, "a.two"), (1, "a.three"), (3, "a.five")]
    code = b"""t("p.one")
self.t("p.two", n=2)
t.plural("p.three", 4)
t["cost"], t(key), t.code("role", r), str(t["days"]), other("p.four")
"""
    found = [(line, key) for line, _, key, _ in i18n_extract.extract_python(
        io.BytesIO(code), {}, [], {})]
    assert sorted(found) == [(1, "p.one"), (2, "p.two"), (3, "p.three")]


def test_make_messages_has_been_run():
    """messages.pot is en.po's keys plus the extracted ones with the English comments, and
    every catalogue has its keys with those comments: else run `make messages`."""
    built = i18n_extract.build_template(ROOT)
    template = catalogues.read(catalogues.TEMPLATE)
    assert i18n_extract._content(built) == i18n_extract._content(template), "make messages"
    wanted = [(m.id, m.auto_comments) for m in template if m.id]
    for lang in i18n.LANGUAGES:
        have = [(m.id, m.auto_comments) for m in catalogues.po(lang) if m.id]
        assert have == wanted, f"{lang}: run `make messages`"


def test_the_build_compiles_and_ships_the_catalogues(tmp_path, monkeypatch):
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert pyproject["tool"]["setuptools"]["cmdclass"]["build_py"] == "setup_hooks.BuildPy"
    assert any(r.startswith("babel") for r in pyproject["build-system"]["requires"])
    shipped = pyproject["tool"]["setuptools"]["package-data"]["certpass.web"]
    for lang in i18n.LANGUAGES:
        relative = catalogues.po_file(lang).relative_to(ROOT / "certpass" / "web").as_posix()
        assert any(fnmatch(relative, p) for p in shipped), relative
        assert any(fnmatch(relative[:-3] + ".mo", p) for p in shipped), relative
    assert "*.mo" in (ROOT / ".gitignore").read_text().splitlines()  # built, not committed
    # the build step itself, on the catalogues only (no package is built)
    from setuptools import Distribution

    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT))
    sys.modules.pop("setup_hooks", None)
    from setup_hooks import BuildPy

    command = BuildPy(Distribution({"name": "certpass", "packages": ["certpass.web"]}))
    command.build_lib = str(tmp_path)
    command.ensure_finalized()
    written = command.compile_catalogues()
    assert sorted(p.parts[-3] for p in written) == sorted(i18n.LANGUAGES)
    for mo in written:
        assert mo.is_relative_to(tmp_path)
        lang = mo.parts[-3]
        compiled = read_mo(io.BytesIO(mo.read_bytes()))
        assert i18n.texts(compiled) == i18n.catalogue(lang)
