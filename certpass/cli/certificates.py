"""``certpass certificates ...`` and ``certpass import``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from pydantic import BaseModel, ValidationError
from rich.markup import escape
from rich.progress import Progress

from certpass.certificates import importer, service
from certpass.certificates.schemas import (
    AmendRequest,
    CertificateDetail,
    IssueRequest,
    TransitionRequest,
)
from certpass.cli import context
from certpass.cli.output import emit_json, err, out, table
from certpass.cli.words import english, say, t, text, word
from certpass.credentials import service as credentials
from certpass.errors import InvalidInput
from certpass.search import service as search

app = typer.Typer(help="List, show, issue, amend and change the status of certificates.",
                  no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _ctx(session: Any) -> service.IssuingContext:
    return credentials.issuing(session, context.settings())


def _load(path: Path, model: type[BaseModel]) -> Any:
    try:
        return model.model_validate(json.loads(path.read_text(encoding="utf-8")))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path.name} is not valid JSON: {exc}") from exc
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(f"{path.name}: {where}: {first['msg']}",
                           details=[{"field": ".".join(str(p) for p in e["loc"]),
                                     "reason": e["msg"]} for e in exc.errors()]) from exc


def _print(certificate: CertificateDetail, as_json: bool) -> None:
    detail = certificate.model_dump(by_alias=True)
    if as_json:
        emit_json(detail)
        return
    issue = say("cert.issue_n", f"issue {detail['issue']}", n=detail["issue"])
    out.print(f"[bold]{escape(detail['number'])}[/]  {escape(detail['scheme'])}  "
              f"{escape(issue)}  [bold]{escape(word('status', detail['status']))}[/] "
              f"({escape(detail['status_word'])})")
    holder = detail["holder"]
    lines = [f"{say('cert.issuer', 'issuer')}: {detail['issuer']['name_en']} "
             f"{detail['issuer']['name_zh']}",
             f"{say('cert.holder', 'holder')}: {holder.get('name')}  ({holder.get('economy')})"]
    lines += [f"{say('cert.product', 'product')}: {p['name']}  {say('cert.models', 'models')}: "
              f"{', '.join(p['models'])}  {say('cert.hs_code', 'HS')} {p.get('hs_code')}"
              for p in detail["products"]]
    lines += [f"{say('cert.standards', 'standards')}: {', '.join(detail['standards'])}",
              text("cli.cert.dates", issued=detail["issued_on"],
                   until=detail["valid_until"] or "—")]
    for line in lines:
        out.print(line, markup=False)
    if "history" in detail:
        table(say("cert.history", "history"),
              [say("hist.effective", "when"), say("hist.action", "action"),
               say("hist.status", "status"), say("hist.actor", "actor"),
               say("hist.reason", "reason")],
              [[h["effective_on"], word("action", h["action"]),
                f"{word('status', h['to'])} ({h['status_word']})", h["actor"], h["reason"]]
               for h in detail["history"]])


@app.command("list")
def list_(
    status: Annotated[str | None, typer.Option(help="valid, suspended, withdrawn, "
                                                     "cancelled or expired")] = None,
    scheme: Annotated[str | None, typer.Option()] = None,
    issuer: Annotated[str | None, typer.Option()] = None,
    holder: Annotated[str | None, typer.Option(help="Words of the holder's name.")] = None,
    economy: Annotated[str | None, typer.Option(help="The holder's economy.")] = None,
    q: Annotated[str | None, typer.Option("--q", help="Search text (best matches first).")
                 ] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 50,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Json = False,
) -> None:
    """List certificates, newest first (best matches first with --q)."""
    flt = search.CertificateQuery(status=status, scheme=scheme, issuer=issuer, holder=holder,
                                  economy=economy, q=q)
    with context.database().read() as session:
        found = search.search(session, flt, limit, offset)
        rows, total = found.items, found.total
        items = [service.to_summary(c).model_dump() for c in rows]
    if as_json:
        emit_json({"items": items, "total": total})
        return
    table(say("search.count_all", f"{total} certificates", n=total),
          [*summary_columns(), say("cert.valid_until", "until")],
          [[c["number"], c["scheme"], c["holder"].get("name"), c["products"][0]["name"],
            f"{word('status', c['status'])} ({c['status_word']})", c["valid_until"]]
           for c in items])


def summary_columns() -> list[str]:
    """The headers of a list of certificates (here and in ``certpass search``)."""
    return [say("cert.number", "number"), say("cert.scheme", "scheme"),
            say("cert.holder", "holder"), say("cert.product", "product"),
            say("cert.status", "status")]


# Numbers are unique per issuer: where several bodies hold one, --issuer says whose.
Issuer = Annotated[str | None, typer.Option(
    "--issuer", help="The issuing body's id, where several bodies hold the number.")]


@app.command()
def show(number: str, as_json: Json = False, issuer: Issuer = None) -> None:
    """Show one certificate with its issues and history."""
    with context.database().read() as session:
        detail = service.to_detail(service.get(session, number, issuer=issuer))
    _print(detail, as_json)


@app.command()
def issue(file: Annotated[Path, typer.Argument(help="Issue request (JSON).")],
          as_json: Json = False) -> None:
    """Issue a certificate from a JSON issue request."""
    request = _load(file, IssueRequest)
    with context.database().write() as session:
        issued = service.issue(_ctx(session), request, context.actor())
        detail = service.to_detail(service.get(session, issued.number, issuer=request.issuer))
    _print(detail, as_json)


@app.command()
def amend(number: str, file: Annotated[Path, typer.Argument(help="Amendment (JSON).")],
          as_json: Json = False, issuer: Issuer = None) -> None:
    """Make a new issue of a certificate; the former issue is superseded."""
    request = _load(file, AmendRequest)
    with context.database().write() as session:
        detail = service.to_detail(service.amend(_ctx(session), number, request,
                                                 context.actor(), issuer))
    _print(detail, as_json)


def _transition(action: str):  # type: ignore[no-untyped-def]
    def command(
        number: str,
        reason: Annotated[str, typer.Option(help="Why (recorded in the history and log).")],
        on: Annotated[dt.datetime | None, typer.Option(formats=["%Y-%m-%d"],
                                                       help="Effective date.")] = None,
        as_json: Json = False,
        issuer: Issuer = None,
    ) -> None:
        try:
            request = TransitionRequest(reason=reason, effective_on=on.date() if on else None)
        except ValidationError as exc:
            raise InvalidInput(exc.errors()[0]["msg"]) from exc
        with context.database().write() as session:
            certificate = service.transition(_ctx(session), number, action, request,
                                             context.actor(), issuer)
            detail = service.to_detail(certificate)
        _print(detail, as_json)

    command.__doc__ = f"{action.capitalize()} a certificate."
    return command


for _action in ("suspend", "restore", "withdraw", "cancel"):
    app.command(_action)(_transition(_action))


def import_(
    file: Annotated[Path, typer.Argument(help="CSV, XLSX or JSON file (see the README).")],
    as_json: Json = False,
) -> None:
    """Import certificates in bulk; each row is all-or-nothing, bad rows are reported."""
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task(escape(text("cli.import.progress")), total=None)
        report = importer.import_file(
            context.database(), context.settings(), file, context.actor(),
            lambda done: progress.update(task, completed=done), passports=credentials)
    if as_json:
        emit_json(report.as_dict())
    else:
        out.print(text("cli.import.summary", imported=report.imported,
                       present=report.already_present, failed=len(report.errors),
                       total=report.total), markup=False)
        if report.errors:
            table(say("portal.import_errors", "rows not imported"),
                  [say("portal.row", "row"), say("portal.field", "field"),
                   say("portal.why", "reason")],
                  [[e.row, *_row_error(e)] for e in report.errors])
    if report.errors:
        raise typer.Exit(1)


def _row_error(e: importer.RowError) -> list[str]:
    """A rejected row's field and reason: the importer's English, else as the upload page
    shows them (the field's label; the catalogue's words for the code, then the importer's)."""
    if english():
        return [e.field, e.reason]
    field = t().soft(f"issue.{e.field}", e.field)
    key = f"verr.{e.code}" if t().has(f"verr.{e.code}") and e.code != "value_error" \
        else f"importerr.{e.code}"
    return [field, f"{text(key)} — {e.reason}" if e.code and t().has(key) else e.reason]


COMMANDS = [{"function": import_, "options": {"name": "import"}}]
SUBCOMMANDS = {"certificates": app}
