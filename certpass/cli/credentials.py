"""``certpass verify``: check a passport (credential file, JWT or number), online or offline."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from certpass.cli import context
from certpass.cli.output import emit_json, out
from certpass.credentials import verifier
from certpass.credentials.trust import BundleTrust, LiveTrust
from certpass.errors import InvalidInput

# What runs after verification, e.g. "is it accepted in market XX?" (the recognition
# engine's `--market`): each gets the result and the parsed options, and may add a section
# to the JSON output (returned dict) and print its own lines. Register with `after_verify`.
AfterVerify = Callable[[verifier.VerificationResult, dict[str, Any]], dict[str, Any] | None]
AFTER_VERIFY: list[AfterVerify] = []


def after_verify(hook: AfterVerify) -> AfterVerify:
    AFTER_VERIFY.append(hook)
    return hook


def _read(path: Path) -> bytes:
    if str(path) == "-":
        return sys.stdin.buffer.read()
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InvalidInput(f"cannot read {path}: {exc.strerror}") from None


def verify(
    file: Annotated[Path | None, typer.Argument(help="Credential: JSON-LD or a VC-JOSE JWT "
                                                     "('-' for stdin).")] = None,
    trust: Annotated[Path | None, typer.Option(
        "--trust", help="Verify offline against this trust bundle (`certpass trust export`)."
    )] = None,
    number: Annotated[str | None, typer.Option(
        "--number", help="Look the certificate up by number (needs the database).")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", help="Judge validity on this date (YYYY-MM-DD) instead of now.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Verify a certificate passport. Exit status 0 only when the verdict is `valid`."""
    if (file is None) == (number is None):
        raise InvalidInput("give a credential FILE or --number, not both or neither")
    try:
        day = dt.date.fromisoformat(on) if on else None
    except ValueError:
        raise InvalidInput(f"--on must be a date YYYY-MM-DD, not {on!r}") from None
    if trust is not None:
        result = _run(BundleTrust.load(str(trust)), file, number, day)
    else:
        with context.database().read() as session:
            result = _run(LiveTrust(session, context.settings()), file, number, day)
    options = {"trust": trust, "number": number, "on": day}
    extra: dict[str, Any] = {}
    for hook in AFTER_VERIFY:
        extra |= hook(result, options) or {}
    if as_json:
        emit_json(result.to_json() | extra)
    else:
        _print(result)
    raise typer.Exit(0 if result.valid else 1)


def _run(trust: Any, file: Path | None, number: str | None,
         day: dt.date | None) -> verifier.VerificationResult:
    if number is not None:
        return verifier.verify_number(number, trust, on=day)
    assert file is not None
    return verifier.verify(_read(file), trust, on=day)


def _print(result: verifier.VerificationResult) -> None:
    for c in result.checks:
        mark = {True: "[green]✓[/]", False: "[red]✗[/]", None: "[dim]–[/]"}[c.ok]
        out.print(f"{mark} {c.name:<10} {escape(c.detail)}")
    cert = result.certificate or {}
    if cert.get("number"):
        holder = (cert.get("holder") or {}).get("name") or ""
        issuer = (cert.get("issuer") or {}).get("name") or ""
        out.print(f"certificate {escape(str(cert['number']))}: {escape(holder)} "
                  f"(issued by {escape(issuer)})")
    colour = "green" if result.valid else "red"
    out.print(f"verdict: [bold {colour}]{result.verdict}[/] — {escape(result.message)}")


COMMANDS = [{"function": verify, "options": {"name": "verify"}}]
