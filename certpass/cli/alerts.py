"""``certpass alerts ...``: run the webhook delivery worker, list and resume subscriptions."""

from __future__ import annotations

from typing import Annotated

import typer

from certpass.alerts import service
from certpass.alerts.worker import DeliveryWorker
from certpass.cli import context
from certpass.cli.output import emit_json, err, table
from certpass.cli.words import figures, say, text, word

app = typer.Typer(help="Status alerts: deliver webhooks, list and resume subscriptions.",
                  no_args_is_help=True)


@app.command("deliver")
def deliver(once: Annotated[bool, typer.Option(
        "--once", help="Deliver what is due now, then exit.")] = False) -> None:
    """Deliver due alerts (signed, retried with backoff); runs until interrupted."""
    db, settings = context.database(), context.settings()
    if once:
        err.print(figures(service.deliver_until_idle(db, settings)), markup=False)
        return
    err.print(text("cli.alerts.delivering"), markup=False)
    DeliveryWorker(db, settings).run_forever()


@app.command("list")
def list_subscriptions(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every subscription, with its state (paused ones need attention)."""
    with context.database().read() as session:
        rows = [service.to_dict(s) for s in service.list_subscriptions(session,
                                                                        context.actor())]
    if as_json:
        emit_json(rows)
        return
    table(say("watch.title", "subscriptions"),
          [say("regportal.id", "id"), say("watch.kind", "watches"), say("watch.url", "url"),
           say("watch.state", "state"), text("cli.alerts.failures"),
           text("cli.alerts.last_error")],
          [[r["id"], f"{word('watch.kind', r['target_kind'])} {r['target']}", r["url"],
            word("watch.state", r["state"]), r["consecutive_failures"], r["last_error"]]
           for r in rows])


@app.command("resume")
def resume(subscription_id: Annotated[str, typer.Argument()]) -> None:
    """Resume a paused subscription."""
    with context.database().write() as session:
        service.resume(session, context.actor(), subscription_id)
    err.print(text("cli.alerts.resumed", id=subscription_id), markup=False)


SUBCOMMANDS = {"alerts": app}
