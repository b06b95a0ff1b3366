"""``certpass trust export``: the trust bundle an offline verifier needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from certpass.cli import context
from certpass.cli.output import err
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
    text = json.dumps(bundle, ensure_ascii=False, indent=1) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        output.write_text(text, encoding="utf-8")
        err.print(f"wrote {output} ({len(bundle['bodies'])} bodies, "
                  f"{len(bundle['accreditations'])} accreditations, "
                  f"{len(bundle['status_lists'])} status lists)")


@app.command("prepare")
def prepare() -> None:
    """Give each accreditation body its signing key if it has none yet (logged), so the web
    serves the trust bundle (GET /api/trust-bundle) without writing."""
    with context.database().write() as session:
        made = bundle.prepare(session, context.settings())
    err.print(f"made keys for {', '.join(made)}" if made else "every accreditation body "
              "already has a key")


SUBCOMMANDS = {"trust": app}
