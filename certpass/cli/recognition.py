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
from certpass.cli.words import markup, names, pair, say, text, word
from certpass.errors import InvalidInput
from certpass.recognition import codes, service
from certpass.recognition.engine import Decision
from certpass.recognition.plan_pdf import plan_pdf
from certpass.recognition.planner import plan_rows
from certpass.web.downloads import excel_csv

Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
DateOpt = Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD (default: today).")]


def print_decision(d: Decision) -> None:
    """The decision in words (English output: English and Chinese), its conditions or reasons,
    the arrangements used and the trace as a numbered list."""
    label = codes.decision(d.decision)
    decision = pair("decision", d.decision, label.en, label.zh)
    out.print(markup("cli.rec.decided", certificate=f"[bold]{escape(d.certificate)}[/]",
                     market=f"[bold]{escape(d.market)}[/]", date=escape(str(d.date)),
                     decision=f"[bold]{escape(decision)}[/]"))
    for heading, items, prefix in (
            (say("rec.conditions", "conditions / 条件"), d.conditions, "rec.condition"),
            (say("rec.reasons", "reasons / 理由"), d.reasons, "rec.reason")):
        if items:
            out.print(f"{escape(heading)}:")
        for item in items:
            out.print(escape(f"  - {item.code}: "
                             f"{pair(prefix, item.code, item.text_en, item.text_zh)}"))
            if item.detail:
                out.print(f"      {escape(item.detail)}")
    if d.arrangements:
        out.print(f"{escape(say('rec.arrangements', 'arrangements / 依据安排'))}:")
        for a in d.arrangements:
            out.print(escape(f"  - {a.id}: {names(a.title_en, a.title_zh)} "
                             f"({word('decision', a.decision)})"))
    if d.considered:
        out.print(f"{escape(say('cli.rec.considered', 'also considered / 另行考虑'))}:")
        for a in d.considered:
            out.print(escape(f"  - {a.id} ({word('decision', a.decision)})"))
    out.print(f"{escape(say('rec.trace', 'trace / 判定过程'))}:")
    for i, t in enumerate(d.trace, 1):
        where = f"{t.arrangement}: " if t.arrangement else ""
        out.print(escape(f"  {i}. {where}{word('rule', t.rule, soft=True)} "
                         f"[{word('outcome', t.outcome)}] {t.detail}"))


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
    _print_plan(result, hs, standard)
    for what, path in (("PDF", pdf_path), ("CSV", csv_path)):
        if path is not None:
            out.print(escape(text("cli.written", what=what, path=str(path))))


def _print_plan(result: dict[str, Any], hs: str, standard: list[str]) -> None:
    currency = result["currency"]
    out.print(escape(text(
        "cli.plan.summary", hs=hs, standards=", ".join(standard),
        origin=result["product"]["origin"], date=result["date"], cost=result["total_cost"],
        currency=currency, days=result["lead_time_days"],
        note=say("plan.estimate_note", result["estimate_note"]))))
    for s in result["steps"]:
        steps = ", ".join(map(str, s["after"]))
        after = " " + say("plan.after", f"after {steps}", steps=steps) if steps else ""
        days = say("plan.days", f"{s['days']} d", n=s["days"])
        out.print(escape(f"  {s['order']}. [{word('stepkind', s['kind'])}] {s['scheme']} "
                         f"{s['body']} {s['cost']} {currency}, {days}{after}: {s['why']}"))
    for m, reasons in result["unopened"].items():
        why = ", ".join(word("rec.reason", r, soft=True) for r in reasons)
        out.print(escape("  " + text("cli.plan.not_opened", market=m, reasons=why)))
    c = result["comparison"]
    if c:
        together, separately = c["together"], c["separately"]
        out.print(escape(text(
            "cli.plan.comparison", currency=currency, saving=c["saving"],
            together_cost=together["cost"], together_days=together["days"],
            together_tests=together["tests"], separately_cost=separately["cost"],
            separately_days=separately["days"], separately_tests=separately["tests"])))


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
    table(text("cli.arr.count", n=total),
          [say("regportal.id", "id"), say("arr.kind", "kind"), say("arr.status", "status"),
           say("arr.markets", "markets"), say("regportal.version", "version")],
          [[a["id"], word("akind", a["kind"]), word("astatus", a["status"]),
            ",".join(a["markets"]), a["version"]] for a in items])


@arrangements.command("show")
def show(id: str, as_json: Json = False) -> None:
    with context.database().read() as session:
        detail = service.arrangement_detail(session, service.get_arrangement(session, id))
    if as_json:
        emit_json(detail)
        return
    out.print(f"[bold]{escape(detail['id'])}[/] v{detail['version']} "
              f"{escape(word('astatus', detail['status']))}: "
              f"{escape(names(detail['title_en'], detail['title_zh']))}")
    for h in detail["history"]:
        change = word("cli.arr.change" if h["change"] in ("recorded", "amended") else
                      "astatus", h["change"])
        out.print("  " + text("cli.arr.history", version=h["version"], change=change,
                              date=f"{h['changed_at']:%Y-%m-%d}", actor=h["changed_by"],
                              reason=h["reason"]), markup=False)


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
    emit_json(detail) if as_json else out.print(
        text("cli.arr.recorded", id=rec.id, version=rec.version), markup=False)


@arrangements.command("amend")
def amend(id: str, path: Path, reason: Annotated[str, typer.Option("--reason")],
          as_json: Json = False) -> None:
    """Replace an arrangement's rules from a JSON file (version bumped, history kept)."""
    with context.database().write() as session:
        rec = service.amend_arrangement(session, id, _read(path), context.actor(), reason)
        detail = service.arrangement_detail(session, rec)
    emit_json(detail) if as_json else out.print(
        text("cli.arr.amended", id=rec.id, version=rec.version), markup=False)


@arrangements.command("status")
def status(id: str, new_status: Annotated[str, typer.Argument(metavar="STATUS")],
           reason: Annotated[str, typer.Option("--reason")], date: DateOpt = None) -> None:
    """Suspend, terminate or put an arrangement back in force from a date."""
    with context.database().write() as session:
        rec = service.change_arrangement_status(session, id, new_status, parse_day(date),
                                                context.actor(), reason)
        out.print(text("cli.arr.status", id=rec.id, status=word("astatus", rec.status),
                       version=rec.version), markup=False)


COMMANDS = [
    {"function": recognise, "options": {"name": "recognise"}},
    {"function": plan, "options": {"name": "plan"}},
]
SUBCOMMANDS = {"arrangements": arrangements}
