"""``certpass keys``: list issuers' public keys, rotate a body's (or the platform's) key."""

from __future__ import annotations

from typing import Annotated

import typer

from certpass.cli import context
from certpass.cli.output import emit_json, out, table
from certpass.credentials import keyring
from certpass.errors import InvalidInput

app = typer.Typer(help="Issuer signing keys (public information only; seeds never leave "
                       "the database).")


@app.command("list")
def list_(
    body_id: Annotated[str | None, typer.Argument(help="Body id; the platform if omitted.")]
    = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Every key of a body (or of the platform), retired ones included."""
    settings = context.settings()
    with context.database().read() as session:
        rows = [keyring.public_info(settings, k) for k in keyring.keys(session, body_id)]
    if as_json:
        emit_json(rows)
        return
    table(f"signing keys of {body_id or 'the platform'}",
          ["id", "publicKeyMultibase", "created", "retired"],
          [[r["id"], r["publicKeyMultibase"], r["created"], r["retired"] or ""] for r in rows])


@app.command()
def rotate(
    body_id: Annotated[str | None, typer.Argument(help="Body id.")] = None,
    platform: Annotated[bool, typer.Option("--platform", help="Rotate the platform key.")]
    = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Retire the current key (it keeps verifying what it signed) and make a new one."""
    if (body_id is None) == (not platform):
        raise InvalidInput("give a BODY_ID, or --platform (not both)",
                           hint="certpass keys rotate cqc  |  certpass keys rotate --platform")
    settings = context.settings()
    with context.database().write() as session:
        row = keyring.rotate(session, settings, None if platform else body_id, context.actor())
        info = keyring.public_info(settings, row)
    if as_json:
        emit_json(info)
    else:
        out.print(f"new key {info['id']} ({info['publicKeyMultibase']})")


SUBCOMMANDS = {"keys": app}
