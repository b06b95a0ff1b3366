"""How the CLI prints: JSON for machines, Rich tables for people, errors on stderr."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from certpass.cli import words
from certpass.errors import CertpassError

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


def _default(value: Any) -> Any:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return str(value)


def emit_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False, indent=2, default=_default) + "\n")


def table(title: str, columns: list[str], rows: list[list[Any]]) -> None:
    """A table of plain text (no Rich markup in titles, names or translations)."""
    t = Table(title=escape(title), title_justify="left")
    for c in columns:
        t.add_column(escape(c), overflow="fold")
    for r in rows:
        t.add_row(*("" if v is None else escape(str(v)) for v in r))
    out.print(t)


def error_line(code: str, message: str) -> None:
    """``error [code]: message`` on stderr, the word "error" in the reader's language."""
    err.print(f"[bold red]{escape(words.text('cli.error'))}[/] {escape(f'[{code}]: {message}')}")


def warn(message: str) -> None:
    """``warning: message`` on stderr, the word "warning" in the reader's language."""
    err.print(f"[yellow]{escape(words.text('cli.warning'))}[/]: {escape(message)}")


def show_error(exc: CertpassError) -> None:
    error_line(exc.code, words.error_label(exc.code, exc.http_status) + exc.message)
    if exc.hint:
        err.print(f"  {escape(words.say('error.hint', 'hint:'))} {escape(exc.hint)}")
    if exc.details:
        details = json.dumps(exc.details, ensure_ascii=False, default=_default)
        err.print(f"  {escape(words.say('error.detail', 'details:'))} {escape(details)}")
