"""``certpass trust export``: the trust bundle an offline verifier needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from certpass.cli import context
from certpass.cli.output import err
from certpass.cli.words import text
from certpass.credentials import bundle
from certpass.credentials.trust import export_bundle

app = typer.Typer(help="Export what offline verifiers trust.", no_args_is_help=True)


@app.command("export")
def export(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="Write the bundle here (default: standard output).")] = None,
) -> None:
    """Write the trust bundle: anchors, DID documents, signed accreditations and status
    lists, and the log's key and latest checkpoint."""
    with context.database().write() as session:
        bundle = export_bundle(session, context.settings())
    document = json.dumps(bundle, ensure_ascii=False, indent=1) + "\n"
    if output is None:
        typer.echo(document, nl=False)
    else:
        output.write_text(document, encoding="utf-8")
        err.print(text("cli.trust.written", path=str(output), bodies=len(bundle["bodies"]),
                       accreditations=len(bundle["accreditations"]),
                       status_lists=len(bundle["status_lists"])), markup=False)


@app.command("prepare")
def prepare() -> None:
    """Give each accreditation body its signing key if it has none yet (logged), so the web
    serves the trust bundle (GET /api/trust-bundle) without writing."""
    with context.database().write() as session:
        made = bundle.prepare(session, context.settings())
    err.print(text("cli.trust.keys_made", bodies=", ".join(made)) if made
              else text("cli.trust.keys_present"), markup=False)


SUBCOMMANDS = {"trust": app}
