"""``certpass search QUERY`` and ``certpass search rebuild``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from certpass.certificates import service as certificates
from certpass.cli import context
from certpass.cli.certificates import summary_columns
from certpass.cli.output import emit_json, err, table
from certpass.cli.words import say, text, word
from certpass.search import service as search

app = typer.Typer(help="Search certificates; rebuild the search index.", no_args_is_help=True)


@app.command("find")
def find(
    q: Annotated[str, typer.Argument(help="Words, names (Chinese or English), a number, a "
                                          "model, an HS code or a standard.")],
    status: Annotated[str | None, typer.Option(help="valid, suspended, withdrawn, "
                                                     "cancelled or expired")] = None,
    scheme: Annotated[str | None, typer.Option()] = None,
    issuer: Annotated[str | None, typer.Option(help="The issuing body's id.")] = None,
    economy: Annotated[str | None, typer.Option(help="The holder's economy.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=10_000)] = 20,
    offset: Annotated[int, typer.Option(min=0)] = 0,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Certificates matching QUERY, best first."""
    flt = search.CertificateQuery(q=q, status=status, scheme=scheme, issuer=issuer,
                                  economy=economy)
    with context.database().read() as session:
        found = search.search(session, flt, limit, offset)
        items = [certificates.to_summary(c).model_dump() for c in found.items]
    if as_json:
        emit_json({"items": items, "total": found.total, "limit": limit, "offset": offset})
        return
    table(say("search.count", f"{found.total} certificates match {q!r}", n=found.total, q=q),
          summary_columns(),
          [[c["number"], c["scheme"],
            " ".join(filter(None, [c["holder"].get("name"), c["holder"].get("name_zh")])),
            c["products"][0]["name"] if c["products"] else "", word("status", c["status"])]
           for c in items])


@app.command("rebuild")
def rebuild() -> None:
    """Recompute the search index from the certificates (after a restore, or to check it)."""
    with context.database().write() as session, \
            err.status(escape(text("cli.search.indexing"))):
        n = search.rebuild(session)
    err.print(text("cli.search.rebuilt", n=n), markup=False)


SUBCOMMANDS = {"search": app}
