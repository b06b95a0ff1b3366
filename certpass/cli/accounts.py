"""``certpass users ...`` and ``certpass tokens ...``: accounts and their API tokens."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from certpass.accounts import service
from certpass.calendar import parse_day
from certpass.cli import context
from certpass.cli.output import emit_json, err, table
from certpass.cli.words import english, say, text, word
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
        password = typer.prompt(say("users.password", "password"), hide_input=True,
                                confirmation_prompt=True if english() else
                                text("cli.users.repeat"))
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
        role_body = word("role", user.role) + (f", {body}" if body else "")
        err.print(text("cli.users.added", username=user.username, role=role_body),
                  markup=False)


@users.command("list")
def list_users(as_json: Json = False) -> None:
    """List users."""
    with context.database().read() as session:
        rows = service.list_users(session)
    if as_json:
        emit_json(rows)
        return
    table(say("users.title", "users"),
          [say("users.username", "username"), say("users.role", "role"),
           say("users.body", "body"), say("users.state", "disabled"),
           say("tokens.created", "created"),
           say("users.backdating_until", "back-dating until")],
          [[r["username"], word("role", r["role"]), r["body_id"], _disabled(r["disabled"]),
            r["created_at"], r["backdating_until"] or ""] for r in rows])


def _disabled(disabled: bool) -> bool | str:
    """The user's state: True or False in English (as ever), else the pages' words."""
    if english():
        return disabled
    return text("users.disabled" if disabled else "users.active")


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
    err.print(text("cli.users.backdating", username=username, until=until), markup=False)


@users.command("revoke-backdating")
def revoke_backdating(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """End a back-dating grant now."""
    with context.database().write() as session:
        service.grant_backdating(session, username, None, context.actor())
    err.print(text("cli.users.no_backdating", username=username), markup=False)


@users.command("disable")
def disable_user(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Disable a user: they cannot sign in, their sessions end, their tokens are refused."""
    with context.database().write() as session:
        service.set_disabled(session, username, True, context.actor())
    err.print(text("cli.users.disabled", username=username), markup=False)


@users.command("enable")
def enable_user(username: Annotated[str, typer.Argument(help="Login name.")]) -> None:
    """Enable a disabled user again."""
    with context.database().write() as session:
        service.set_disabled(session, username, False, context.actor())
    err.print(text("cli.users.enabled", username=username), markup=False)


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
    err.print(text("cli.users.password_set", username=username), markup=False)


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
    err.print(text("cli.tokens.created", key_id=issued.key_id, scope=word("tokens.scope", scope),
                   expires=f"{issued.expires_at:%Y-%m-%d}"), markup=False)


@tokens.command("revoke")
def revoke_token(key_id: Annotated[str, typer.Argument(help="The token's key id.")]) -> None:
    """Revoke a token at once."""
    with context.database().write() as session:
        service.revoke_token(session, key_id, context.actor())
    err.print(text("cli.tokens.revoked", key_id=key_id), markup=False)


@tokens.command("list")
def list_tokens(username: Annotated[str, typer.Argument(help="Owner.")], as_json: Json = False
                ) -> None:
    """List a user's tokens (never their secrets)."""
    with context.database().read() as session:
        rows = service.list_tokens(session, username, context.actor())
    if as_json:
        emit_json(rows)
        return
    table(text("cli.tokens.title", username=username),
          [say("tokens.key_id", "key id"), say("tokens.name", "name"),
           say("tokens.scope", "scope"), say("tokens.state", "state"),
           say("tokens.expires", "expires")],
          [[r["key_id"], r["name"], word("tokens.scope", r["scope"]),
            word("tokens.state", r["state"]), r["expires_at"]] for r in rows])


SUBCOMMANDS = {"users": users, "tokens": tokens}
