"""The transparency log page: the latest signed checkpoint, an entry browser (newest first)
and "prove this certificate's history": each of its entries with an inclusion proof against
the latest checkpoint, verified here with the ledger's Merkle functions and shown step by
step, plus the consistency proof from the previous checkpoint."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from certpass.certificates import service as certificates
from certpass.errors import CertpassError, InvalidInput
from certpass.ledger import browse, merkle
from certpass.ledger import service as ledger
from certpass.ledger.errors import InvalidProof
from certpass.ledger.models import LogCheckpoint
from certpass.web.deps import ReadSession
from certpass.web.downloads import csv_file, excel_csv
from certpass.web.pages.render import render

router = APIRouter(include_in_schema=False)
PER_PAGE = 25
# The event types people filter by (families such as "certificate" are offered too).
KINDS = ("certificate.issued", "certificate.amended", "certificate.suspended",
         "certificate.restored", "certificate.withdrawn", "certificate.cancelled",
         "accreditation.granted", "accreditation.changed", "accreditation.suspended",
         "body.registered", "key.added", "key.retired", "key.revoked",
         "arrangement.recorded", "arrangement.changed", "project.recorded", "project.changed",
         "scheme.recorded", "standard.recorded", "listing.recorded")


@dataclass
class Step:
    sibling: str  # hex
    side: str  # which side the sibling hash sits on: "left" or "right"
    result: str  # hex of the hash after this step


@dataclass
class EntryProof:
    index: int
    event: dict[str, Any]
    leaf_hash: str
    steps: list[Step] = field(default_factory=list)
    root: str = ""
    ok: bool = False
    problem: str = ""


def inclusion_steps(leaf: bytes, index: int, size: int, proof: list[bytes]) -> list[Step]:
    """The hashes RFC 9162 §2.1.3.2 computes, in order, for showing; the verdict itself comes
    from ``merkle.verify_inclusion``."""
    steps: list[Step] = []
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            break
        if fn & 1 or fn == sn:
            r = merkle.node_hash(p, r)
            steps.append(Step(p.hex(), "left", r.hex()))
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = merkle.node_hash(r, p)
            steps.append(Step(p.hex(), "right", r.hex()))
        fn >>= 1
        sn >>= 1
    return steps


def prove_entry(session: Session, index: int, checkpoint: LogCheckpoint) -> EntryProof:
    row = ledger.entry(session, index)
    leaf = bytes(row.leaf_hash)
    out = EntryProof(index, json.loads(bytes(row.entry)), leaf.hex(),
                     root=bytes(checkpoint.root).hex())
    if index >= checkpoint.size:
        out.problem = "log.not_covered"
        return out
    proof = ledger.inclusion_proof(session, index, checkpoint.size)
    out.steps = inclusion_steps(merkle.leaf_hash(bytes(row.entry)), index, checkpoint.size,
                                proof)
    try:
        if merkle.leaf_hash(bytes(row.entry)) != leaf:
            raise InvalidProof("the entry's bytes do not hash to its stored leaf hash")
        merkle.verify_inclusion(leaf, index, checkpoint.size, proof, bytes(checkpoint.root))
        out.ok = True
    except InvalidProof as exc:
        out.problem = exc.message
    return out


@dataclass
class Consistency:
    old: LogCheckpoint
    proof: list[str]
    ok: bool
    problem: str = ""


def prove_consistency(session: Session, latest: LogCheckpoint) -> Consistency | None:
    older = ledger.checkpoint_before(session, latest.size)
    if older is None:
        return None
    proof = ledger.consistency_proof(session, older.size, latest.size)
    try:
        merkle.verify_consistency(older.size, latest.size, proof, bytes(older.root),
                                  bytes(latest.root))
        return Consistency(older, [p.hex() for p in proof], True)
    except InvalidProof as exc:
        return Consistency(older, [p.hex() for p in proof], False, exc.message)


Kind = Annotated[str, Query(max_length=60, pattern=r"^[a-z]*(\.[a-z_]+)?$")]
BodyId = Annotated[str, Query(max_length=64)]
# A form sends an empty date box as "": that means no bound, not a bad date.
Day = Annotated[str, Query(max_length=10, pattern=r"^(\d{4}-\d{2}-\d{2})?$")]


def _day(value: str, name: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"{name}: {value!r} is not a date", hint="give YYYY-MM-DD") from exc
EXPORT_LIMIT = 100_000


def _filter(kind: str, body: str, since: str, until: str) -> browse.EntryFilter:
    return browse.EntryFilter(kind=kind, body=body.strip(), since=_day(since, "since"),
                              until=_day(until, "until"))


def subject(event: dict[str, Any]) -> str:
    """What an entry is about, in one word: a certificate number, a body, an accreditation."""
    for key, field_name in (("certificate", "number"), ("accreditation", "number"),
                            ("arrangement", "id"), ("project", "id"), ("body", "id"),
                            ("key", "id"), ("scheme", "code"), ("standard", "ref"),
                            ("economy", "code"), ("listing", "scheme_code")):
        value = event.get(key)
        if isinstance(value, dict) and value.get(field_name):
            return str(value[field_name])
        if isinstance(value, str):
            return value
    return ""


@router.get("/log/entries.csv")
def log_csv(session: ReadSession, kind: Kind = "", body: BodyId = "", since: Day = "",
            until: Day = "") -> Response:
    """The log's entries (as filtered on the page) as CSV, newest first."""
    rows: list[list[Any]] = [["index", "recorded_at", "type", "actor", "subject"]]
    rows += [[row.index, row.created_at.isoformat(), row.event_type, event.get("actor", ""),
              subject(event)]
             for row, event in browse.iterate(session, _filter(kind, body, since, until),
                                              EXPORT_LIMIT)]
    return csv_file(excel_csv(rows), "log-entries.csv")


@router.get("/log", response_class=HTMLResponse)
def log_page(request: Request, session: ReadSession,
             page: Annotated[int, Query(ge=1, le=10_000_000)] = 1,
             number: Annotated[str, Query(max_length=80)] = "",
             issuer: Annotated[str, Query(max_length=64)] = "",
             kind: Kind = "", body: BodyId = "", since: Day = "", until: Day = "",
             before: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> HTMLResponse:
    latest = ledger.latest_checkpoint(session)
    size = ledger.tree_size(session)
    flt = _filter(kind, body, since, until)
    older: int | None = None
    if flt.empty and before is None:
        stop = max(0, size - (page - 1) * PER_PAGE)
        start = max(0, stop - PER_PAGE)
        entries = [(e.index, e.event_type, e.created_at, json.loads(bytes(e.entry)))
                   for e in reversed(ledger.entries_range(session, start, stop))]
    else:
        found = browse.find(session, flt, before=before, limit=PER_PAGE)
        entries = [(e.index, e.event_type, e.created_at, ev) for e, ev in found.entries]
        older = found.older
    proofs: list[EntryProof] = []
    consistency = None
    problem = ""
    number = number.strip()
    if number:
        try:
            certificate = certificates.get(session, number, issuer=issuer.strip() or None)
        except CertpassError as exc:
            problem = exc.message
        else:
            indexes = [e.log_index for e in certificate.events if e.log_index is not None]
            if latest is not None:
                proofs = [prove_entry(session, i, latest) for i in indexes]
                consistency = prove_consistency(session, latest)
    pages = max(1, -(-size // PER_PAGE))
    kinds = sorted({k.split(".")[0] for k in KINDS} | set(KINDS))
    return render(request, "log.html", latest=latest, size=size, entries=entries, page=page,
                  pages=pages, number=number, proofs=proofs, consistency=consistency,
                  problem=problem, flt=flt, filtered=not flt.empty or before is not None,
                  older=older, kinds=kinds)
