"""The command line in the reader's language: a private copy of the demo database per test
module, and ``certpass`` run on it under CliRunner in a clean language environment."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from certpass.cli import words
from certpass.cli.main import app
from certpass.web import i18n
from tests.conftest import sqlite_copy
from tests.registry_fixture import SETTINGS

MISSING = i18n.MISSING.split("{")[0]  # "⟦": a key absent from every catalogue
UNSET = dict.fromkeys((words.ENV, *words.LOCALE_VARIABLES))  # None: removed while running


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_file):
    db = sqlite_copy(demo_file, tmp_path_factory.mktemp("demo-languages"))
    yield db
    db.dispose()


@pytest.fixture
def cli(demo):
    """``certpass --database DEMO ARGS`` under CliRunner, in a clean language environment
    (with the secret the demo's keys were sealed with); ``input`` is its standard input."""
    runner = CliRunner()

    def run(*args: str, env: dict[str, str | None] | None = None, input: str | None = None):
        return runner.invoke(app, ["--database", demo.url, *args], input=input,
                             env={**UNSET, "CERTPASS_SECRET_KEY": SETTINGS.secret_key,
                                  **(env or {})}, prog_name="certpass")

    yield run
    words.use(i18n.DEFAULT)
