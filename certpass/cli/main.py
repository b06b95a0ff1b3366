"""The ``certpass`` command: each command parses, calls one service, prints."""

from __future__ import annotations

import importlib
import os
import sys
from typing import Annotated

import typer
from rich.markup import escape
from typer.exceptions import TyperException

from certpass.cli import context, words
from certpass.cli.output import err, error_line, show_error, warn
from certpass.config import DEFAULT_SECRET_KEY, DID_WEB_HINT, secret_file, write_secret_file
from certpass.errors import CertpassError
from certpass.store.database import Database

app = typer.Typer(
    help="certpass: quality certification as a verifiable passport for international trade.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _language(value: str | None) -> str | None:
    if value is None or value.lower() in words.LANGUAGES:
        return value.lower() if value else None
    raise typer.BadParameter(f"{value!r} is not a language certpass speaks; use one of "
                             f"{', '.join(words.LANGUAGES)}")


@app.callback()
def _options(
    database: Annotated[str | None, typer.Option(
        "--database", envvar="CERTPASS_DATABASE_URL",
        help="Database URL (default sqlite:///certpass.db).")] = None,
    lang: Annotated[str | None, typer.Option(
        "--lang", envvar=words.ENV, metavar="LANG", callback=_language,
        help=f"Language of the human output: {', '.join(words.LANGUAGES)} (default: "
             f"{words.ENV}, else the locale: {', '.join(words.LOCALE_VARIABLES)}, else en). "
             "--json and CSV output are never translated.")] = None,
) -> None:
    context.configure(database_url=database)
    words.use(lang or words.from_locale(os.environ))


@app.command()
def init(
    demo: Annotated[bool, typer.Option(help="Load the illustrative demo dataset.")] = False,
) -> None:
    """Create or upgrade the database schema (and optionally load the demo data)."""
    from certpass.credentials import keyring
    from certpass.ledger import service as ledger

    settings = context.settings()
    if demo and settings.secret_key == DEFAULT_SECRET_KEY:
        _give_demo_a_secret(settings.database_url)
        settings = context.settings()
    db = context.database()
    db.migrate()
    with db.write() as session:
        # The platform's DID and the log's first checkpoint exist from the start.
        keyring.signer(session, settings, None)
        ledger.checkpoint_now(session, settings)
    err.print(words.text("cli.init.schema", url=_url(db)), markup=False)
    if problem := settings.did_web_problem():
        warn(words.text("cli.init.serve_refuses", problem=problem, hint=DID_WEB_HINT))
    if demo:
        from certpass.demo.loader import load_demo

        with err.status(escape(words.text("cli.init.loading_demo"))):
            figures = load_demo(db, settings)
        err.print(words.text("cli.init.demo_loaded", figures=words.figures(figures)),
                  markup=False)
    from certpass.search import service as search

    with db.write() as session:
        if n := search.ensure(session):
            err.print(words.text("cli.init.search_built", n=n), markup=False)


def _url(db: Database) -> str:
    return db.engine.url.render_as_string(hide_password=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(
        min=1, max=64, help="Server processes sharing the port (each serves requests; "
        "their background jobs hold leases, so one publisher signs at a time).")] = 1,
    jobs: Annotated[bool, typer.Option(
        help="Run the background jobs in the server (--no-jobs: leave them to `certpass "
        "worker`).")] = True,
) -> None:
    """Serve the web application and the JSON API."""
    import os

    import uvicorn

    from certpass.web.app import create_app

    if not jobs:
        context.configure(log_publisher=False, alerts_worker=False, idempotency_janitor=False)
    settings = context.settings()
    settings.check_secret_for_serving(host)
    if warning := settings.check_did_web_for_serving(host):
        warn(warning)
    if workers > 1 and settings.rate_limit_storage.startswith("memory://"):
        warn(words.text("cli.serve.shared_limit", workers=workers))
    if workers == 1:
        uvicorn.run(create_app(settings, context.database()), host=host, port=port,
                    log_level="info")
        return
    # Each worker process builds the app from the environment: hand it what the flags set.
    os.environ["CERTPASS_DATABASE_URL"] = settings.database_url
    if not jobs:
        os.environ.update(CERTPASS_LOG_PUBLISHER="false", CERTPASS_ALERTS_WORKER="false",
                          CERTPASS_IDEMPOTENCY_JANITOR="false")
    # Each worker listens on a socket of its own (SO_REUSEPORT), so connections spread
    # evenly over the workers (see certpass.web.workers).
    import logging

    from certpass.web import workers as supervisor

    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    raise typer.Exit(supervisor.supervise(host, port, workers))


@app.command()
def worker() -> None:
    """Run the background jobs in this process until stopped (SIGTERM or Ctrl-C): the
    checkpoint publisher, webhook deliveries and the idempotency-key janitor. Run as many
    as you like, on any machine: each job works in one process at a time and another
    takes over within seconds when it stops."""
    import logging
    import signal
    import threading

    from certpass.web.app import background_jobs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s")

    settings, db = context.settings(), context.database()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    running = background_jobs(db, settings, every_job=True)
    for job in running:
        job.start()
    err.print(words.text("cli.worker.running", jobs=", ".join(job.name for job in running),
                         url=_url(db)), markup=False)
    stop.wait()
    for job in running:
        job.stop()
    err.print(words.text("cli.worker.stopped"), markup=False)


def _give_demo_a_secret(database_url: str) -> None:
    """A new SQLite demo database gets a random secret of its own (``<file>.secret``, read
    whenever CERTPASS_SECRET_KEY is unset). An existing database keeps the secret its keys
    were sealed with."""
    path = secret_file(database_url)
    if path is None:
        return
    database_file = path.with_name(path.name.removesuffix(".secret"))
    if not path.exists() and database_file.exists() and database_file.stat().st_size:
        warn(words.text("cli.init.secret_exists", file=str(database_file)))
        return
    write_secret_file(database_url)
    context.configure()  # load the settings again, now with the database's secret
    err.print(words.text("cli.init.secret_written", path=str(path)), markup=False)


def _add_commands() -> None:
    """Each module of certpass.cli offers ``SUBCOMMANDS`` (name → Typer app) and/or
    ``COMMANDS`` (top-level commands); a capability adds commands by adding a module."""
    import pkgutil

    import certpass.cli as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
        if info.name in ("main", "context", "output", "words"):
            continue
        module = importlib.import_module(f"certpass.cli.{info.name}")
        for name, sub in getattr(module, "SUBCOMMANDS", {}).items():
            app.add_typer(sub, name=name)
        for command in getattr(module, "COMMANDS", ()):
            app.command(**command.get("options", {}))(command["function"])


_add_commands()


def main(argv: list[str] | None = None) -> int:
    """Entry point: certpass errors become a message on stderr and exit code 1."""
    try:
        result = app(args=argv, prog_name="certpass", standalone_mode=False)
    except CertpassError as exc:
        show_error(exc)
        return 1
    except typer.Exit as exc:
        return exc.exit_code
    except typer.Abort:
        err.print(words.text("cli.aborted"), markup=False)
        return 130
    except TyperException as exc:
        # A usage error (unknown command, bad option): Typer's own message, no traceback.
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            error_line("usage", str(exc))
        return int(getattr(exc, "exit_code", 2))
    except OSError as exc:
        error_line("io", f"{exc.strerror or exc}: {getattr(exc, 'filename', '') or ''}")
        return 1
    return result if isinstance(result, int) else 0


def run() -> None:
    sys.exit(main())


if __name__ == "__main__":
    run()
