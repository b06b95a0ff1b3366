"""``certpass keys``: list issuers' public keys, rotate a body's (or the platform's) key,
revoke a compromised one."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from certpass.cli import context
from certpass.cli.output import emit_json, out, table
from certpass.cli.words import say, text
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
    table(text("cli.keys.title", owner=body_id or text("cli.keys.platform")),
          [say("regportal.id", "id"), "publicKeyMultibase", say("tokens.created", "created"),
           text("cli.keys.retired"), text("cli.keys.compromised")],
          [[r["id"], r["publicKeyMultibase"], r["created"], r["retired"] or "",
            r["compromised_at"] or ""] for r in rows])


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
        _new_key(info)


def _new_key(info: dict[str, Any]) -> None:
    out.print(text("cli.keys.new", id=info["id"], multibase=info["publicKeyMultibase"]),
              markup=False)


def _moment(text: str) -> dt.datetime:
    """An ISO 8601 time with its zone (Z or an offset); a bare date is its first instant."""
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(), dt.UTC)
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"--compromised-at {text!r} is not an ISO 8601 time",
                           hint="e.g. --compromised-at 2026-03-01T09:30:00Z") from None
    if value.tzinfo is None:
        raise InvalidInput(f"--compromised-at {text!r} has no time zone",
                           hint="add Z for UTC (2026-03-01T09:30:00Z) or an offset (+08:00)")
    return value


@app.command()
def revoke(
    body_id: Annotated[str, typer.Argument(help="Body id (with --platform: the key).")],
    key: Annotated[str | None, typer.Argument(help="Key fragment (key-1) or its full id.")]
    = None,
    compromised_at: Annotated[str, typer.Option(
        "--compromised-at", help="ISO 8601 time from which the key may be in other hands "
                                 "(Z or an offset); not in the future.")] = "",
    platform: Annotated[bool, typer.Option("--platform", help="Revoke a platform key.")]
    = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Revoke a compromised key: nothing it signed counts unless the log recorded it before
    --compromised-at. A current key is also replaced by a new one."""
    if platform:
        if key is not None:
            raise InvalidInput("with --platform give only the KEY",
                               hint="certpass keys revoke --platform key-1 --compromised-at T")
        body, key = None, body_id
    elif key is None:
        raise InvalidInput("give the BODY_ID and the KEY",
                           hint="certpass keys revoke cqc key-1 --compromised-at "
                                "2026-03-01T09:30:00Z")
    else:
        body = body_id
    if not compromised_at:
        raise InvalidInput("--compromised-at is required",
                           hint="the earliest time the key may have been in other hands, "
                                "e.g. --compromised-at 2026-03-01T09:30:00Z")
    settings = context.settings()
    with context.database().write() as session:
        done = keyring.revoke(session, settings, body, key, _moment(compromised_at),
                              context.actor())
        info = keyring.public_info(settings, done.key)
        new = keyring.public_info(settings, done.replacement) if done.replacement else None
    if as_json:
        emit_json({"revoked": info, "replacement": new})
        return
    out.print(text("cli.keys.revoked", id=info["id"], time=info["compromised_at"]),
              markup=False)
    if new:
        _new_key(new)


SUBCOMMANDS = {"keys": app}
