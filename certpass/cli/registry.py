"""``certpass bodies``: the bodies in the registry."""

from __future__ import annotations

from typing import Annotated

import typer
from sqlalchemy import select

from certpass.cli import context
from certpass.cli.output import emit_json, table
from certpass.cli.words import say, text, word
from certpass.registry.models import Body
from certpass.store.base import as_dict


def bodies(
    role: Annotated[str | None, typer.Option(help="e.g. certification-body")] = None,
    economy: Annotated[str | None, typer.Option(help="ISO 3166-1 code")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the registered bodies."""
    with context.database().read() as session:
        query = select(Body).order_by(Body.id)
        if economy:
            query = query.where(Body.economy_code == economy.upper())
        rows = [b for b in session.scalars(query) if not role or role in b.roles]
        items = [as_dict(b) for b in rows]
    if as_json:
        emit_json({"items": items, "total": len(items)})
        return
    table(text("cli.bodies.count", n=len(items)),
          [say("body.id", "id"), say("body.name", "name"), "名称",
           say("body.economy", "economy"), say("body.roles", "roles")],
          [[b["id"], b["name_en"], b["name_zh"], b["economy_code"],
            ", ".join(word("role", r, soft=True) for r in b["roles"])] for b in items])


COMMANDS = [{"function": bodies, "options": {"name": "bodies"}}]
