"""``certpass log``: audit the local transparency log or monitor a remote one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import httpx
import typer

from certpass.audit import remote as audit_remote
from certpass.audit import service as audit
from certpass.certificates import history
from certpass.cli import context
from certpass.cli.output import emit_json, err, out
from certpass.cli.words import text
from certpass.errors import InvalidInput
from certpass.ledger import service
from certpass.ledger.monitor import run_monitor

app = typer.Typer(help="The transparency log: verify it, monitor it, sign checkpoints.")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print a JSON report.")]


def _finish(report: dict, as_json: bool, title: str) -> None:
    if as_json:
        emit_json(report)
    else:
        size = report.get("size", report.get("new_size"))
        result = text("cli.log.ok" if report["ok"] else "cli.log.problems")
        out.print(text("cli.log.summary", title=title, result=result, size=size), markup=False)
    for problem in report["problems"]:
        said = problem if isinstance(problem, str) else f"[{problem['kind']}] {problem['message']}"
        err.print(text("cli.log.problem", text=said), markup=False)
    if not report["ok"]:
        raise typer.Exit(1)


@app.command()
def verify(
    as_json: JsonFlag = False,
    state: Annotated[Path | None, typer.Option(
        help="File remembering the checkpoint count between runs (a drop is a problem).")]
    = None,
) -> None:
    """Recompute the whole log from the local database and check every checkpoint, then
    replay it against the tables: certificates and their status-list bits, each issue's
    credential and content, accreditations, keys and DID documents, bodies."""
    previous = _remembered(state)
    settings = context.settings()
    with context.database().read() as session:
        report = service.verify_log(session).to_dict()
        if report["ok"]:  # a sound log: does the registry match what it says happened?
            found = audit.audit(session, settings, previous_checkpoints=previous)
            report["problems"] += [{"kind": f.code, "message": f"{f.where}: {f.what}"}
                                   for f in found.findings]
            report["ok"] = found.ok
            report["entries_replayed"] = found.entries_replayed
            if found.ok and state is not None:
                state.write_text(json.dumps({"checkpoints": found.checkpoints}))
    _finish(report, as_json, "log verify")


def _remembered(state: Path | None) -> int | None:
    if state is None or not state.exists():
        return None
    try:
        return int(json.loads(state.read_text())["checkpoints"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(f"{state} is not a log verify state file",
                           hint="delete it to start afresh (the next run writes it)") from exc


@app.command()
def monitor(
    url: Annotated[str, typer.Option(help="Base URL of the certpass instance.")],
    state: Annotated[Path, typer.Option(help="State file kept between runs.")],
    as_json: JsonFlag = False,
) -> None:
    """Check a remote log: consistency with the last run, the checkpoints all still there,
    new entries against the root, and what the API serves (certificates, credentials and
    their status lists, accreditations, DID documents, bodies) against the whole log."""
    with httpx.Client(timeout=30.0) as client:
        report = run_monitor(url, state, client=client, replay=_replay, fold=audit_remote.fold,
                             inspect=audit_remote.inspector(client, url))
    _finish(report.to_dict(), as_json, "log monitor")


def _replay(events: list[dict]) -> dict:
    return {number: rec.to_json() for number, rec in history.replay(events).items()}


@app.command()
def checkpoint(as_json: JsonFlag = False) -> None:
    """Sign a checkpoint of the current tree now (unless the latest covers it)."""
    with context.database().write() as session:
        row = service.checkpoint_now(session, context.settings())
        note = row.note
    if as_json:
        emit_json({"size": row.size, "note": note})
    else:
        out.print(note, end="", markup=False)


@app.command()
def receipt(index: int) -> None:
    """Print an offline receipt (C2SP tlog-proof) for a log entry."""
    with context.database().read() as session:
        text = service.receipt(session, index)
    out.print(text, end="", markup=False)

SUBCOMMANDS = {"log": app}
