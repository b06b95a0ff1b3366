"""A mistyped command or option gets Typer's usage message and exit code 2, never a
traceback."""

from __future__ import annotations

import pytest

from certpass.cli.main import main


@pytest.mark.parametrize("argv, words", [
    (["credentials", "--help"], "No such command 'credentials'"),
    (["certificates", "list", "--bogus"], "No such option: --bogus"),
])
def test_usage_errors(argv, words, capsys):
    assert main(argv) == 2
    out = capsys.readouterr()
    assert words in out.err and "Traceback" not in out.err + out.out
