"""``certpass users ...`` and ``certpass tokens ...``: accounts and their API tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from certpass.accounts import service
from certpass.calendar import parse_day
from certpass.cli import context
from certpass.cli.output import emit_json, err, table
from certpass.errors import InvalidInput

users = typer.Typer(help="Add, list, disable and enable users; set passwords; grant "
                    "back-dating for a register migration.",
                    no_args_is_help=True)
tokens = typer.Typer(help="Create, list and revoke API tokens.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise InvalidInput("no password given")
    return password


@users.command("add")
def add_user(
    username: Annotated[str, typer.Argument(help="Login name.")],
    role: Annotated[str, typer.Option(
        help="admin, accreditation-body, certification-body or relying-party.")],
    body: Annotated[str | None, typer.Option("--body", help="Body the user belongs to.")] = None,
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin.")] = False,
) -> None:
    """Add a user (prompts for the password without echo unless --password-stdin)."""
    password = _password(password_stdin)
    with context.database().write() as session:
        user = service.add_user(session, username, role, body, password, context.actor())
        err.print(f"added {user.username} ({user.role}{', ' + body if body else ''})")


@users.command("list")
def list_users(as_json: Json = False) -> None:
    """List users."""
    with context.database().read() as session:
        rows = service.list_users(session)
    if as_json:
        emit_json(rows)
        return
    table("users", ["username", "role", "body", "disabled", "created", "back-dating until"],
          [[r["username"], r["role"], r["body_id"], r["disabled"], r["created_at"],
            r["backdating_until"] or ""] for r in rows])


@users.command("grant-backdating")
def grant_backdating(
    username: Annotated[str, typer.Argument(help="Login name (a certification-body user).")],
    until: Annotated[str, typer.Option(
        "--until", help="Last day of the grant (YYYY-MM-DD), at most "
                        f"{service.MAX_BACKDATING_GRANT_DAYS} days ahead.")],
) -> None:
    """Let a certification body's user record dates beyond the back-dating window (a
    register migration) until a day; each such record is logged as back-dated."""
    with context.database().write() as session:
        service.grant_backdating(session, username, parse_day(until), context.actor())
    err.print(f"{username} may record back-dated certificates until {until}")


@users.command("revoke-backdating")
def revoke_backdating(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """End a back-dating grant now."""
    with context.database().write() as session:
        service.grant_backdating(session, username, None, context.actor())
    err.print(f"{username} may no longer record back-dated certificates")


@users.command("disable")
def disable_user(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user: they cannot sign in, their sessions end, their tokens are refused."""
    with context.database().write() as session:
        service.set_disabled(session, username, True, context.actor())
    err.print(f"disabled {username}")


@users.command("enable")
def enable_user(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Enable a disabled user again."""
    with context.database().write() as session:
        service.set_disabled(session, username, False, context.actor())
    err.print(f"enabled {username}")


@users.command("set-password")
def set_password(
    username: Annotated[str, typer.Argument(help="Login name.")],
    password_stdin: Annotated[bool, typer.Option(
        "--password-stdin", help="Read the password from the first line of stdin.")] = False,
) -> None:
    """Set a user's password (prompts without echo); every session of the user ends."""
    password = _password(password_stdin)
    with context.database().write() as session:
        service.set_password(session, username, password, context.actor())
    err.print(f"password of {username} set; their sessions have ended")


@tokens.command("create")
def create_token(
    username: Annotated[str, typer.Argument(help="Owner of the token.")],
    scope: Annotated[str, typer.Option(help="read or write.")] = "read",
    days: Annotated[int, typer.Option(help="Days until it expires (1-366).")] = 90,
    name: Annotated[str, typer.Option(help="A label to recognise it by.")] = "",
) -> None:
    """Create a token and print it once (only its hash is stored)."""
    with context.database().write() as session:
        issued = service.create_token(session, username, scope, days, name, context.actor())
    sys.stdout.write(issued.token + "\n")
    err.print(f"key id {issued.key_id}, {scope}, expires {issued.expires_at:%Y-%m-%d}; "
              "this is the only time the token is shown")


@tokens.command("revoke")
def revoke_token(key_id: Annotated[str, typer.Argument(help="The token's key id.")]) -> None:
    """Revoke a token at once."""
    with context.database().write() as session:
        service.revoke_token(session, key_id, context.actor())
    err.print(f"revoked {key_id}")


@tokens.command("list")
def list_tokens(username: Annotated[str, typer.Argument(help="Owner.")], as_json: Json = False
                ) -> None:
    """List a user's tokens (never their secrets)."""
    with context.database().read() as session:
        rows = service.list_tokens(session, username, context.actor())
    if as_json:
        emit_json(rows)
        return
    table(f"tokens of {username}", ["key id", "name", "scope", "state", "expires"],
          [[r["key_id"], r["name"], r["scope"], r["state"], r["expires_at"]] for r in rows])


SUBCOMMANDS = {"users": users, "tokens": tokens}
