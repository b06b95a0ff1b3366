"""The FastAPI application factory: one app serves the JSON API, the log and the pages."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from certpass import __version__
from certpass.background import RecurringJob
from certpass.config import Settings
from certpass.errors import Busy, CertpassError, RateLimited, error_body
from certpass.store.database import Database
from certpass.web import session as web_session
from certpass.web.deps import DOCUMENTED_MODELS, ERROR_TEXT, WRITE_ERRORS
from certpass.web.edge import HostileInput
from certpass.web.headers import SecurityHeaders
from certpass.web.idempotency import Idempotency
from certpass.web.pages import docs
from certpass.web.ratelimit import VerifyLimiter, VerifyRateLimit, storage_for
from certpass.web.replica import ReplicaReads

log = logging.getLogger("certpass.web")


class BodyLimit:
    """Refuse request bodies over the limit with 413, before they reach a handler."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit
        if scope["path"].startswith(("/api/import", "/portal/import")):
            limit = scope["app"].state.settings.max_upload_bytes if "app" in scope else limit
        elif scope["path"] == "/verify" and "app" in scope:  # a QR photo, and the form around it
            limit = max(limit, scope["app"].state.settings.photo_max_bytes + 65_536)
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                await self._refuse(send, limit)
                return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _TooLarge
            return message

        try:
            await self.app(scope, counted, send)
        except _TooLarge:
            await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        response = JSONResponse(
            error_body("too-large", f"the request body is over {limit} bytes",
                       "send a smaller request; split bulk uploads"), status_code=413)
        await response({"type": "http"}, _empty_receive, send)


class _TooLarge(Exception):
    pass


async def _empty_receive() -> Message:
    return {"type": "http.disconnect"}


def background_jobs(db: Database, settings: Settings, *, every_job: bool = False
                    ) -> list[RecurringJob]:
    """The jobs that run beside the server, each when its setting enables it (`certpass
    worker`: all of them): the checkpoint publisher, the webhook delivery worker and the
    idempotency-key janitor. The first two hold leases, so however many processes run
    them, one of each works at a time."""
    from certpass.accounts.jobs import IdempotencyKeyJanitor
    from certpass.alerts.worker import DeliveryWorker
    from certpass.ledger.publisher import CheckpointPublisher

    return [job for job, on in (
        (CheckpointPublisher(db, settings), settings.log_publisher),
        (DeliveryWorker(db, settings), settings.alerts_worker),
        (IdempotencyKeyJanitor(db, settings),
         settings.idempotency_janitor and settings.idempotency_keep_hours > 0),
    ) if on or every_job]


def app_from_environment() -> FastAPI:
    """The app each `serve --workers N` process builds (settings from the environment)."""
    return create_app()


@asynccontextmanager
async def _background_jobs(app: FastAPI) -> AsyncIterator[None]:
    settings, db = app.state.settings, app.state.db
    jobs = background_jobs(db, settings)
    for job in jobs:
        job.start()
    if settings.warm_caches:
        threading.Thread(target=_warm_caches, args=(db,), name="certpass-warm-up",
                         daemon=True).start()
    yield
    for job in jobs:
        job.stop()


def _warm_caches(db: Database) -> None:
    """Compute the heavy derived figures (recognition snapshot, project outcomes) once at
    start, so the first visitor of a dashboard doesn't wait for them."""
    from certpass.projects import service as projects
    from certpass.recognition.snapshot import load_snapshot

    try:
        with db.read() as session:
            load_snapshot(session)
            projects.all_outcomes(session)
    except Exception:  # a cold cache is slower, not wrong
        log.exception("warming the caches failed")


def create_app(settings: Settings | None = None, db: Database | None = None) -> FastAPI:
    settings = settings or Settings.load()
    db = db or Database(settings.database_url, settings.read_database_url,
                        settings.read_replica_max_lag_seconds)
    app = FastAPI(
        title="certpass",
        version=__version__,
        summary="Quality certification as a verifiable passport for international trade.",
        description="Certificates, accreditations, arrangements and their recognition; "
        "signed credentials; a public transparency log. Reads are public; writes need a "
        "bearer token (`certpass tokens create`).",
        lifespan=_background_jobs,
        docs_url=None,  # served by certpass.web.pages.docs from packaged assets, no CDN
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.db = db
    _install_error_handlers(app)
    # Last added runs first: size limit, then rate limit, then the idempotent transaction.
    app.add_middleware(Idempotency)
    # The store is opened here, so a wrong URI stops `serve` before it listens.
    app.add_middleware(VerifyRateLimit, limiter=VerifyLimiter(
        settings.verify_rate_per_minute, storage_for(settings.rate_limit_storage)))
    app.add_middleware(HostileInput)  # NUL, surrogates, deep JSON, 1e400: 400 (web/edge.py)
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    web_session.install(app, settings)  # signed session cookie for the web pages
    app.add_middleware(SecurityHeaders, https=settings.base_url.startswith("https://"))
    if db.replica is not None:  # outermost: every request reads within its route
        app.add_middleware(ReplicaReads, window_seconds=db.replica.window_seconds(),
                           https=settings.base_url.startswith("https://"))

    _include_routers(app)
    _document_errors(app)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    docs.mount_assets(app)
    return app


def _include_routers(app: FastAPI) -> None:
    """Every ``router`` of certpass.web.api and certpass.web.pages, in module-name order:
    a capability adds its routes by adding a module, without touching the factory."""
    import importlib
    import pkgutil

    from certpass.web import api, pages

    # A route ending in a {...:path} parameter (a certificate number may hold "/") also
    # matches the longer routes below it, so those routes are tried after all the others.
    last = APIRouter()
    for package in (api, pages):
        for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda m: m.name):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            router = getattr(module, "router", None)
            if router is None:
                continue
            first = APIRouter()
            for route in router.routes:
                tail = getattr(route, "path", "").endswith(":path}")
                (last if tail else first).routes.append(route)
            app.include_router(first)
    app.include_router(last)


def _document_errors(app: FastAPI) -> None:
    """Every documented operation lists the error statuses it can give, with the one error
    shape: 400 from the edge (NUL, lone surrogates, deep JSON; web/edge.py), 404 where a
    path names something, 409 where it names a certificate number (several issuers may hold
    it: numbers are unique per issuer), and a write's 401/403/404/409/413/422/429/503;
    FastAPI's default 422 shape is replaced by the one certpass sends. An operation's own
    `responses=` win.
    Added to the generated document, however the routers are included."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        schema = generate()
        schema.setdefault("components", {}).setdefault("schemas", {}).update(
            _components(*DOCUMENTED_MODELS.values()))
        for path, operations in schema.get("paths", {}).items():
            for method, operation in operations.items():
                for media in operation.get("requestBody", {}).get("content", {}).values():
                    if "$ref" in media.get("schema", {}):  # a documented model, not `dict`
                        media["schema"] = {"$ref": media["schema"]["$ref"]}
                statuses = {400}
                if "{" in path:
                    statuses.add(404)
                if "{number}" in path and "certificates" in path:
                    statuses.add(409)  # a number several issuers hold, asked without ?issuer=
                if method in ("post", "put", "patch", "delete"):
                    statuses |= {int(status) for status in WRITE_ERRORS}
                responses = operation.setdefault("responses", {})
                if "HTTPValidationError" in str(responses.get("422", "")):
                    del responses["422"]  # FastAPI's default; certpass answers ErrorResponse
                    statuses.add(422)
                for status in sorted(statuses):
                    responses.setdefault(str(status), {
                        "description": ERROR_TEXT.get(status, "Error"),
                        "content": {"application/json": {"schema": {
                            "$ref": "#/components/schemas/ErrorResponse"}}}})
        return schema

    app.openapi = openapi  # type: ignore[method-assign]


def _components(*models: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schemas of models that bodies read by hand are documented with."""
    out: dict[str, Any] = {}
    for model in models:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        out.update(schema.pop("$defs", {}))
        out[model.__name__] = schema
    return out


def _install_error_handlers(app: FastAPI) -> None:
    from certpass.web.pages.errors import render_error
    from certpass.web.pages.render import wants_html

    @app.exception_handler(CertpassError)
    async def _certpass_error(_request: Request, exc: CertpassError) -> Response:
        if wants_html(_request):
            return render_error(_request, exc.http_status, exc.code, exc.message, exc.hint)
        headers = ({"Retry-After": str(exc.retry_after)}
                   if isinstance(exc, RateLimited | Busy) else None)
        return JSONResponse({"error": exc.diagnostics()}, status_code=exc.http_status,
                            headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> Response:
        if wants_html(_request):
            first_error = exc.errors()[0] if exc.errors() else {}
            where = ".".join(str(p) for p in first_error.get("loc", ()))
            return render_error(_request, 422, "invalid-input",
                                f"{where}: {first_error.get('msg', '')}".strip(": "))
        problems = [
            {"field": ".".join(str(p) for p in e["loc"] if p != "body"),
             "reason": str(e["msg"]).removeprefix("Value error, ")}
            for e in exc.errors()
        ]
        first = problems[0] if problems else {"field": "", "reason": "invalid request"}
        return JSONResponse(
            error_body("invalid-input", f"{first['field'] or 'request'}: {first['reason']}",
                       "correct the fields listed in details and send again", problems),
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not-found", 405: "method-not-allowed"}.get(exc.status_code, "http-error")
        if wants_html(_request):
            return render_error(_request, exc.status_code, code)
        return JSONResponse(error_body(code, str(exc.detail)), status_code=exc.status_code,
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> Response:
        log.exception("unexpected error", exc_info=exc)
        if wants_html(_request):
            return render_error(_request, 500, "internal-error")
        return JSONResponse(
            error_body("internal-error", "certpass could not complete this request",
                       "nothing was written; try again, and report it if it persists"),
            status_code=500,
        )
