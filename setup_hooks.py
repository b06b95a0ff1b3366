"""The install's build step for the page catalogues, declared in pyproject.toml
(``[tool.setuptools.cmdclass]``): ``build_py`` also compiles every
``certpass/web/locales/<code>/LC_MESSAGES/messages.po`` to ``messages.mo``.

A wheel gets the ``.mo`` files in its build directory (so they ship beside the ``.po``); an
editable install (``pip install -e .``, which runs ``build_py`` in editable mode) gets them
written next to the ``.po`` in the source tree. The ``.mo`` files are build products, never
committed (.gitignore). When one is missing or older than its ``.po``, the pages compile the
``.po`` in memory instead (certpass.web.i18n), so an edited translation shows without
reinstalling. Not part of the package: setuptools loads this file from the project root.
"""

from __future__ import annotations

from pathlib import Path

from setuptools.command.build_py import build_py

PACKAGE = "certpass.web"
CATALOGUES = "locales/*/LC_MESSAGES/*.po"


class BuildPy(build_py):
    """``build_py``, then ``.po`` → ``.mo`` for every page language (Babel, fuzzy left out)."""

    def run(self) -> None:
        super().run()
        self.compile_catalogues()

    def compile_catalogues(self) -> list[Path]:
        """Write every catalogue's ``.mo``; their paths."""
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        written = []
        for po, mo in self._catalogues():
            with po.open("rb") as source:
                catalog = read_po(source)
            for message, errors in catalog.check():
                for error in errors:
                    self.warn(f"{po}: {message.id!r}: {error}")
            mo.parent.mkdir(parents=True, exist_ok=True)
            with mo.open("wb") as target:
                write_mo(target, catalog)
            self.announce(f"compiled {po} -> {mo}", level=2)
            written.append(mo)
        return written

    def _catalogues(self) -> list[tuple[Path, Path]]:
        source = Path(self.get_package_dir(PACKAGE))
        built = Path(self.build_lib, *PACKAGE.split("."))
        return [(po, po.with_suffix(".mo") if self.editable_mode
                 else built / po.relative_to(source).with_suffix(".mo"))
                for po in sorted(source.glob(CATALOGUES))]

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if not self.editable_mode:
            outputs += [str(mo) for _, mo in self._catalogues() if str(mo) not in outputs]
        return outputs
