"""The transparency log over HTTP: checkpoint, key, entries, proofs and C2SP tiles."""

from __future__ import annotations

import base64
import json
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from fastapi.responses import PlainTextResponse, Response

from certpass.errors import NotFound
from certpass.ledger import service
from certpass.web.deps import DB, SettingsDep

router = APIRouter(tags=["log"])

Index = Annotated[int, Query(ge=0, le=2**62, description="entry index")]
Size = Annotated[int, Query(ge=0, le=2**62, description="tree size")]


def _b64(hashes: list[bytes]) -> list[str]:
    return [base64.b64encode(h).decode() for h in hashes]


@router.get("/log/checkpoint", response_class=PlainTextResponse)
def checkpoint(db: DB) -> PlainTextResponse:
    """The latest signed checkpoint (C2SP tlog-checkpoint signed note)."""
    with db.read() as session:
        latest = service.latest_checkpoint(session)
    if latest is None:
        raise NotFound("the log has no checkpoint yet", hint="one is signed after the first entry")
    return PlainTextResponse(latest.note, headers={"Cache-Control": "no-cache"})


@router.get("/log/checkpoints")
def checkpoints(db: DB, settings: SettingsDep) -> dict[str, Any]:
    """How many checkpoints are stored, their first and last numbers, the newest's size, the
    log's head and since when entries wait for a checkpoint, with the publishing policy: a
    monitor remembers the count, so checkpoints deleted behind the service show."""
    with db.read() as session:
        summary = service.checkpoint_summary(session).to_json()
    return {**summary, "every_entries": settings.checkpoint_every_entries,
            "every_seconds": settings.checkpoint_every_seconds}


@router.get("/log/key", response_class=PlainTextResponse)
def key(db: DB, settings: SettingsDep) -> PlainTextResponse:
    """The log's verifier key in vkey form: name+keyid+base64(0x01 || Ed25519 key)."""
    with db.read() as session:
        return PlainTextResponse(service.verifier(session, settings).vkey + "\n")


@router.get("/log/entries/{index}")
def entry(db: DB, index: Annotated[int, Path(ge=0, le=2**62)]) -> dict[str, Any]:
    with db.read() as session:
        row = service.entry(session, index)
        data = bytes(row.entry)
        return {
            "index": row.index,
            "entry": json.loads(data),
            "leaf_hash": bytes(row.leaf_hash).hex(),
            "created_at": row.created_at.isoformat(),
        }


@router.get("/log/proof/inclusion")
def inclusion(db: DB, index: Index, size: Size) -> dict[str, Any]:
    with db.read() as session:
        proof = service.inclusion_proof(session, index, size)
    return {"index": index, "size": size, "proof": _b64(proof)}


@router.get("/log/proof/consistency")
def consistency(
    db: DB,
    first: Annotated[int, Query(alias="from", ge=0, le=2**62)],
    second: Annotated[int, Query(alias="to", ge=0, le=2**62)],
) -> dict[str, Any]:
    with db.read() as session:
        proof = service.consistency_proof(session, first, second)
    return {"from": first, "to": second, "proof": _b64(proof)}


@router.get("/log/tile/{path:path}")
def tile(db: DB, path: str) -> Response:
    """C2SP tlog-tiles: ``/log/tile/<L>/<N>[.p/<W>]`` and ``/log/tile/entries/<N>[.p/<W>]``."""
    with db.read() as session:
        content = service.tile(session, "tile/" + path)
    # Full tiles never change; partial ones are superseded as the log grows.
    cache = "public, max-age=31536000, immutable" if ".p/" not in path else "no-cache"
    return Response(content, media_type="application/octet-stream",
                    headers={"Cache-Control": cache})  # fmt: skip
