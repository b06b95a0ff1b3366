"""``certpass verify``: check a passport (credential file, JWT or number), online or offline."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from certpass.cli import context, words
from certpass.cli.output import emit_json, err, out
from certpass.credentials import verifier
from certpass.credentials.trust import LiveTrust
from certpass.credentials.trust_source import BundleTrust
from certpass.errors import InvalidInput
from certpass.recognition import service as recognition
from certpass.recognition.snapshot import load_snapshot


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
        "--trust", "--bundle",
        help="Verify offline against this trust bundle (`certpass trust export`); past "
             "bundle_max_age_hours it warns and exits 3."
    )] = None,
    number: Annotated[str | None, typer.Option(
        "--number", help="Look the certificate up by number (needs the database).")] = None,
    sha256: Annotated[str | None, typer.Option(
        "--sha256", help="With --number: the hash the QR code carries; picks that issue "
                         "(an earlier one is superseded; no such issue: no-match).")] = None,
    issuer: Annotated[str | None, typer.Option(
        "--issuer", help="With --number: the issuing body's id, where several bodies hold "
                         "the number (numbers are unique per issuer).")] = None,
    on: Annotated[str | None, typer.Option(
        "--on", "--date", help="Judge validity (and recognition) on this date (YYYY-MM-DD) "
                               "instead of today.")] = None,
    market: Annotated[str | None, typer.Option(
        "--market", help="Then decide recognition in this market (ISO 3166-1 alpha-2, e.g. "
                         "CN); needs the registry database.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Verify a certificate passport. Exit status 0 only when the verdict is `valid` (and,
    offline, the bundle is not older than bundle_max_age_hours: else 3)."""
    if (file is None) == (number is None):
        raise InvalidInput("give a credential FILE or --number, not both or neither")
    if sha256 is not None and (number is None or not _SHA256.match(sha256)):
        raise InvalidInput("--sha256 goes with --number and is 64 hexadecimal digits",
                           hint="copy it from the QR code's URL: ...&sha256=")
    if issuer is not None and number is None:
        raise InvalidInput("--issuer goes with --number")
    try:
        day = dt.date.fromisoformat(on) if on else None
    except ValueError:
        raise InvalidInput(f"--on must be a date YYYY-MM-DD, not {on!r}") from None
    decision = None
    stale = None
    if trust is not None:
        bundle = BundleTrust.load(str(trust))
        result = _run(bundle, file, number, sha256, issuer, day)
        stale = _stale(bundle, context.settings().bundle_max_age_hours)
        if market:  # a trust bundle carries no arrangements
            decision = recognition.for_verified(result, market, day or dt.date.today(), None)
    else:
        with context.database().read() as session:
            result = _run(LiveTrust(session, context.settings()), file, number, sha256, issuer,
                          day)
            if market:
                decision = recognition.for_verified(
                    result, market, day or dt.date.today(), load_snapshot(session))
    if as_json:
        extra = {"recognition": decision} if decision is not None else {}
        warning = {"warning": STALE.format(**stale)} if stale else {}
        emit_json(result.to_json() | extra | warning)
    else:
        _print(result)
        if decision is not None:
            _print_recognition(decision)
        if stale:
            said = words.say("cli.verify.stale", STALE.format(**stale), **stale)
            err.print(f"[bold yellow]{escape(words.text('cli.warning'))}:[/] {escape(said)}")
    raise typer.Exit(1 if not result.valid else 3 if stale else 0)


_SHA256 = re.compile(r"^(sha256:)?[0-9a-fA-F]{64}$")


# Why an offline result may be out of date (in --json always in English).
STALE = ("the trust bundle is {hours} hours old (status as of {created}), older than "
         "bundle_max_age_hours={max_hours}: a certificate withdrawn since would still look in "
         "force; export a fresh bundle")


def _stale(bundle: BundleTrust, max_hours: float) -> dict[str, str] | None:
    """The values of STALE when the bundle is older than allowed, else None."""
    created = dt.datetime.fromisoformat(bundle.created.replace("Z", "+00:00"))
    age = dt.datetime.now(dt.UTC) - created
    if age <= dt.timedelta(hours=max_hours):
        return None
    return {"hours": f"{age.total_seconds() / 3600:.0f}", "created": bundle.created,
            "max_hours": f"{max_hours:g}"}


def _run(trust: Any, file: Path | None, number: str | None, sha256: str | None,
         issuer: str | None, day: dt.date | None) -> verifier.VerificationResult:
    if number is not None:
        return verifier.verify_number(number, trust, on=day, sha256=sha256, issuer=issuer)
    assert file is not None
    return verifier.verify(_read(file), trust, on=day)


def _print(result: verifier.VerificationResult) -> None:
    verdict = result.verdict
    for c in result.checks:
        mark = {True: "[green]✓[/]", False: "[red]✗[/]", None: "[dim]–[/]"}[c.ok]
        if words.english():
            out.print(f"{mark} {c.name:<10} {escape(c.detail)}")
        else:  # the catalogue's sentence for the check's outcome, then the service's detail
            state = {True: "pass", False: "fail", None: "skip"}[c.ok]
            said = words.t().soft(f"checkmsg.{c.name}.{state}.{verdict}",
                                  words.t().soft(f"checkmsg.{c.name}.{state}", ""))
            out.print(f"{mark} [bold]{escape(words.word('check', c.name, soft=True))}[/]"
                      + (f" — {escape(said)}" if said else ""))
            out.print(f"    [dim]{escape(c.detail)}[/]")
    cert = result.certificate or {}
    if cert.get("number"):
        holder = (cert.get("holder") or {}).get("name") or ""
        issuer = (cert.get("issuer") or {}).get("name") or ""
        # What a credential that did not verify says is its claim, not a fact.
        claim = (words.say("verify.claims", "the document claims") + ": "
                 if result.claims_only else "")
        line = claim + words.text("cli.verify.certificate", number=str(cert["number"]))
        if holder:
            line += f": {holder}"
        if issuer:  # a number with no matching issue has neither: say only the number
            by = "cli.verify.claimed_issuer" if claim else "cli.verify.issued_by"
            line += f" ({words.text(by, issuer=issuer)})"
        out.print(escape(line))
    colour = "green" if result.valid else "red"
    text = words.say(f"verdict_text.{verdict}", result.message)
    out.print(f"{escape(words.text('cli.verify.verdict'))}: "
              f"[bold {colour}]{escape(words.word('verdict', verdict))}[/] — {escape(text)}")
    if result.status_as_of:
        out.print(escape(words.text("cli.verify.status_as_of", time=result.status_as_of)))


def _print_recognition(decision: dict[str, Any]) -> None:
    market = decision["market"]
    if decision["decision"] is None:
        why = decision["skipped"]
        out.print(escape(words.say("cli.verify.recognition_skipped",
                                   f"recognition in {market} / 市场认可: skipped — {why}",
                                   market=market, why=why)))
        return
    label = decision["decision_label"]
    word = words.pair("decision", decision["decision"], label["en"], label["zh"])
    out.print(words.markup("cli.verify.recognition", market=escape(market),
                           date=decision["date"], decision=f"[bold]{escape(word)}[/]"))
    for heading, key, prefix in (("conditions / 条件", "conditions", "rec.condition"),
                                 ("reasons / 理由", "reasons", "rec.reason")):
        if decision[key]:
            out.print(f"{escape(words.say(f'rec.{key}', heading))}:")
        for item in decision[key]:
            text = words.pair(prefix, item["code"], item["text_en"], item["text_zh"])
            out.print(f"  - {escape(item['code'])}: {escape(text)}"
                      + (f" ({escape(item['detail'])})" if item["detail"] else ""))


COMMANDS = [{"function": verify, "options": {"name": "verify"}}]
