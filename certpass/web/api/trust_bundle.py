"""GET /api/trust-bundle: the signed trust bundle an offline verifier loads
(`certpass verify FILE --trust BUNDLE`), the same as `certpass trust export` writes.

A read: building it makes no key and appends nothing to the log (see credentials.bundle).
Cached by the log's state — every change to what the bundle holds appends to the log — but
rebuilt at most every `trust_bundle_refresh_seconds` while the log moves (building reads the
whole register), and at least every CACHE_SECONDS, so the status lists inside stay well
within their `validUntil`; clients get an ETag (304 on If-None-Match) and Cache-Control."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Header, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from certpass.config import Settings
from certpass.credentials import bundle
from certpass.ledger import service as ledger
from certpass.web.deps import ReadSession, SettingsDep, error_responses
from certpass.web.downloads import content_disposition

router = APIRouter(tags=["verify"])
CACHE_SECONDS = 300
MEDIA_TYPE = "application/json"


@dataclass(frozen=True)
class _Built:
    stamp: tuple[int, bytes | None]
    at: float  # time.monotonic() of the build
    created: str
    body: bytes
    etag: str


class _Cache:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.built: _Built | None = None


def _cache(request: Request) -> _Cache:
    found = getattr(request.app.state, "trust_bundle_cache", None)
    if found is None:
        found = _Cache()
        request.app.state.trust_bundle_cache = found
    return found


def _fresh(built: _Built | None, stamp: tuple[int, bytes | None], refresh: float) -> bool:
    """Served as is: built for this log state, or younger than `refresh` seconds (the log
    moves with every certificate event; a bundle is a dated snapshot anyway) — and never
    older than CACHE_SECONDS."""
    if built is None:
        return False
    age = time.monotonic() - built.at
    return age <= CACHE_SECONDS and (built.stamp == stamp or age < refresh)


def _build(session: Session, settings: Settings, stamp: tuple[int, bytes | None]) -> _Built:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    data = bundle.build(session, settings, now)
    body = (json.dumps(data, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    return _Built(stamp, time.monotonic(), data["created"], body,
                  '"' + hashlib.sha256(body).hexdigest()[:32] + '"')


def _headers(built: _Built) -> dict[str, str]:
    day = built.created[:10]
    return {"ETag": built.etag, "Cache-Control": f"public, max-age={CACHE_SECONDS}",
            "Content-Disposition": content_disposition(f"certpass-trust-bundle-{day}.json")}


@router.get("/api/trust-bundle", responses=error_responses(409))
def trust_bundle(request: Request, session: ReadSession, settings: SettingsDep,
                 if_none_match: Annotated[str | None, Header()] = None) -> Response:
    """The signed trust bundle: anchors, DID documents, signed accreditations and status
    lists (each with its `validUntil`), the log's key and latest checkpoint. 409 with a hint
    on a registry whose accreditation bodies have no keys yet (`certpass trust prepare`)."""
    cache = _cache(request)
    stamp = ledger.version(session)
    built = cache.built
    # One build at a time; while one runs, others get the bundle already built.
    if (not _fresh(built, stamp, settings.trust_bundle_refresh_seconds)
            and cache.lock.acquire(blocking=built is None)):
        try:
            built = cache.built
            if not _fresh(built, stamp, settings.trust_bundle_refresh_seconds):
                built = _build(session, settings, stamp)
                cache.built = built
        finally:
            cache.lock.release()
    assert built is not None
    if if_none_match and built.etag in {t.strip() for t in if_none_match.split(",")}:
        return Response(status_code=304, headers=_headers(built))
    return Response(built.body, media_type=MEDIA_TYPE, headers=_headers(built))
