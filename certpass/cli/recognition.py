"""``certpass recognise``, ``certpass plan`` and ``certpass arrangements ...``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from certpass.calendar import parse_day
from certpass.cli import context
from certpass.cli.certificates import Issuer
from certpass.cli.output import emit_json, out, table
from certpass.errors import InvalidInput
from certpass.recognition import codes, service
from certpass.recognition.engine import Decision
from certpass.recognition.plan_pdf import plan_pdf
from certpass.recognition.planner import plan_rows
from certpass.web.downloads import excel_csv

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
DateOpt = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")]


def print_decision(d: Decision) -> None:
    """The decision in words (English and Chinese), its conditions or reasons, the
    arrangements used and the trace as a numbered list."""
    label = codes.decision(d.decision)
    out.print(f"[bold]{escape(d.certificate)}[/] in [bold]{d.market}[/] on {d.date}: "
              f"[bold]{label.en}[/] / {label.zh}")
    for heading, items in (("conditions / 条件:", d.conditions), ("reasons / 理由:", d.reasons)):
        if items:
            out.print(heading)
        for item in items:
            out.print(f"  - {item.code}: {escape(item.text_en)} / {escape(item.text_zh)}")
            if item.detail:
                out.print(f"      {escape(item.detail)}")
    if d.arrangements:
        out.print("arrangements / 依据安排:")
        for a in d.arrangements:
            out.print(f"  - {a.id}: {escape(a.title_en)} / {escape(a.title_zh)} ({a.decision})")
    if d.considered:
        out.print("also considered / 另行考虑:")
        for a in d.considered:
            out.print(f"  - {a.id} ({a.decision})")
    out.print("trace / 判定过程:")
    for i, t in enumerate(d.trace, 1):
        where = f"{t.arrangement}: " if t.arrangement else ""
        out.print(escape(f"  {i}. {where}{t.rule} [{t.outcome}] {t.detail}"))


def recognise(
    number: Annotated[str, typer.Argument(help="Certificate number.")],
    market: Annotated[str, typer.Option("--market", help="ISO 3166-1 alpha-2, e.g. CN.")],
    date: DateOpt = None,
    as_json: Json = False,
    issuer: Issuer = None,
) -> None:
    """Is this certificate accepted in that market on that date, and why."""
    on = parse_day(date)
    with context.database().read() as session:
        d = service.recognise(session, number, market, on, issuer)
    if as_json:
        emit_json(d.to_json())
    else:
        print_decision(d)


def plan(
    hs: Annotated[str, typer.Option("--hs", help="HS code, e.g. 8516.60.")],
    standard: Annotated[list[str], typer.Option("--standard", help="Repeat: IEC 60335-1:2020.")],
    origin: Annotated[str, typer.Option("--origin", help="Where the goods are made.")],
    markets: Annotated[str, typer.Option("--markets", help="Comma-separated: NZ,HK,EU.")],
    category: Annotated[str, typer.Option("--category", help="Scheme category, e.g. HOUS.")] = "",
    date: DateOpt = None,
    as_json: Json = False,
    csv_path: Annotated[Path | None, typer.Option(
        "--csv", help="Also write the plan and its comparison with testing separately "
                      "for each market as CSV to this file ('-': print it).")] = None,
    pdf_path: Annotated[Path | None, typer.Option(
        "--pdf", help="Also write the plan and its comparison as a bilingual PDF "
                      "(English / 简体中文) to this file.")] = None,
) -> None:
    """The cheapest route to several markets: which certificates, in what order, and why;
    and what testing separately for each market would cost instead."""
    wanted = [m.strip() for m in markets.split(",") if m.strip()]
    with context.database().read() as session:
        result = service.plan_route(session, hs=hs, standards=standard, origin=origin,
                                    markets=wanted, on=parse_day(date), category=category)
    if pdf_path is not None:
        pdf_path.write_bytes(plan_pdf(result))
    if csv_path is not None:
        data = excel_csv(plan_rows(result))
        if str(csv_path) == "-":
            typer.echo(data.decode("utf-8-sig"), nl=False)
            return
        csv_path.write_bytes(data)
    if as_json:
        emit_json(result)
        return
    out.print(f"plan for HS {hs} ({', '.join(standard)}), made in {result['product']['origin']}, "
              f"on {result['date']}: total {result['total_cost']} {result['currency']}, "
              f"about {result['lead_time_days']} days ({result['estimate_note']})")
    for s in result["steps"]:
        after = f" after {', '.join(map(str, s['after']))}" if s["after"] else ""
        out.print(escape(f"  {s['order']}. [{s['kind']}] {s['scheme']} {s['body']} "
                         f"{s['cost']} {result['currency']}, {s['days']} d{after}: {s['why']}"))
    for m, reasons in result["unopened"].items():
        out.print(f"  not opened: {m}: {', '.join(reasons)}")
    c = result["comparison"]
    if c:
        out.print(f"one test, several certificates: {c['together']['cost']} {result['currency']}, "
                  f"{c['together']['days']} d, {c['together']['tests']} test campaign(s); "
                  f"each market separately: {c['separately']['cost']} {result['currency']}, "
                  f"{c['separately']['days']} d, {c['separately']['tests']} test campaign(s); "
                  f"difference {c['saving']} {result['currency']}")
    if pdf_path is not None:
        out.print(f"PDF written to {escape(str(pdf_path))}")
    if csv_path is not None:
        out.print(f"CSV written to {escape(str(csv_path))}")


arrangements = typer.Typer(help="List, show, record and amend arrangements.",
                           no_args_is_help=True)


@arrangements.command("list")
def list_(market: Annotated[str | None, typer.Option("--market")] = None,
          status: Annotated[str | None, typer.Option("--status")] = None,
          kind: Annotated[str | None, typer.Option("--kind")] = None,
          as_json: Json = False) -> None:
    with context.database().read() as session:
        rows, total = service.list_arrangements(session, market=market, status=status,
                                                kind=kind, limit=1000)
        items = [service.arrangement_summary(r) for r in rows]
    if as_json:
        emit_json({"items": items, "total": total})
        return
    table(f"{total} arrangements", ["id", "kind", "status", "markets", "version"],
          [[a["id"], a["kind"], a["status"], ",".join(a["markets"]), a["version"]]
           for a in items])


@arrangements.command("show")
def show(id: str, as_json: Json = False) -> None:
    with context.database().read() as session:
        detail = service.arrangement_detail(session, service.get_arrangement(session, id))
    if as_json:
        emit_json(detail)
        return
    out.print(f"[bold]{escape(detail['id'])}[/] v{detail['version']} {detail['status']}: "
              f"{escape(detail['title_en'])} / {escape(detail['title_zh'])}")
    for h in detail["history"]:
        out.print(f"  v{h['version']} {h['change']} {h['changed_at']:%Y-%m-%d} by "
                  f"{escape(h['changed_by'])} {escape(h['reason'])}")


def _read(path: Path) -> dict[str, Any]:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path.name} is not valid JSON: {exc}") from exc


@arrangements.command("record")
def record(path: Path, as_json: Json = False) -> None:
    """Record a new arrangement from a JSON file."""
    with context.database().write() as session:
        rec = service.record_arrangement(session, _read(path), context.actor())
        detail = service.arrangement_detail(session, rec)
    emit_json(detail) if as_json else out.print(f"recorded {rec.id} v{rec.version}")


@arrangements.command("amend")
def amend(id: str, path: Path, reason: Annotated[str, typer.Option("--reason")],
          as_json: Json = False) -> None:
    """Replace an arrangement's rules from a JSON file (version bumped, history kept)."""
    with context.database().write() as session:
        rec = service.amend_arrangement(session, id, _read(path), context.actor(), reason)
        detail = service.arrangement_detail(session, rec)
    emit_json(detail) if as_json else out.print(f"amended {rec.id} to v{rec.version}")


@arrangements.command("status")
def status(id: str, new_status: Annotated[str, typer.Argument(metavar="STATUS")],
           reason: Annotated[str, typer.Option("--reason")], date: DateOpt = None) -> None:
    """Suspend, terminate or put an arrangement back in force from a date."""
    with context.database().write() as session:
        rec = service.change_arrangement_status(session, id, new_status, parse_day(date),
                                                context.actor(), reason)
        out.print(f"{rec.id} is {rec.status} (v{rec.version})")


COMMANDS = [
    {"function": recognise, "options": {"name": "recognise"}},
    {"function": plan, "options": {"name": "plan"}},
]
SUBCOMMANDS = {"arrangements": arrangements}
