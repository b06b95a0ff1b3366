"""How the CLI prints: JSON for machines, Rich tables for people, errors on stderr."""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

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
    t = Table(title=title, title_justify="left")
    for c in columns:
        t.add_column(c)
    for r in rows:
        t.add_row(*("" if v is None else str(v) for v in r))
    out.print(t)


def show_error(exc: CertpassError) -> None:
    err.print(f"[bold red]error[/] {escape(f'[{exc.code}]: {exc.message}')}")
    if exc.hint:
        err.print(f"  hint: {escape(exc.hint)}")
    if exc.details:
        details = json.dumps(exc.details, ensure_ascii=False, default=_default)
        err.print(f"  details: {escape(details)}")
