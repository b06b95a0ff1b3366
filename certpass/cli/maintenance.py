"""``certpass backup FILE`` and ``certpass restore FILE``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from certpass.cli import context
from certpass.cli.output import err
from certpass.cli.words import text
from certpass.store import backup as backups


def backup(file: Annotated[Path, typer.Argument(help="Where to write the backup.")]) -> None:
    """Back up the database while it runs (SQLite backup API, or pg_dump -Fc)."""
    size = backups.backup(context.database(), file)
    err.print(text("cli.backup.written", file=str(file), size=size), markup=False)


def restore(
    file: Annotated[Path, typer.Argument(help="A file written by `certpass backup`.")],
    force: Annotated[bool, typer.Option(help="Overwrite a database that holds data.")] = False,
) -> None:
    """Restore a backup into the database (refuses a non-empty one without --force);
    check it afterwards with `certpass log verify`."""
    backups.restore(context.database(), file, force=force)
    err.print(text("cli.backup.restored", file=str(file)), markup=False)


COMMANDS = [{"function": backup, "options": {"name": "backup"}},
            {"function": restore, "options": {"name": "restore"}}]
