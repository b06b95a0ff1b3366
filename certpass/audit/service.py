"""The audit of this instance: replay its log and compare with its tables (read only).

``certpass log verify`` runs it after the log's own integrity check. Memory is O(records):
an audit, not a hot path.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session

from certpass.audit.compare import Finding, compare, credential_claims
from certpass.audit.replay import State, replay
from certpass.certificates.history import key
from certpass.certificates.models import Certificate, CertificateIssue
from certpass.config import Settings
from certpass.credentials import keyring, status
from certpass.credentials.models import IssuedCredential, SigningKey, StatusList, StatusSlot
from certpass.errors import NotFound
from certpass.ledger import checkpoints
from certpass.ledger import service as ledger
from certpass.registry.models import Accreditation, Body

STEP = 10_000


@dataclass
class AuditReport:
    findings: list[Finding] = field(default_factory=list)
    entries_replayed: int = 0
    checkpoints: int = 0

    @property
    def ok(self) -> bool:
        return not self.findings


def log_events(session: Session) -> Iterator[tuple[int, dict[str, Any]]]:
    size = ledger.tree_size(session)
    for start in range(0, size, STEP):
        for entry in ledger.entries_range(session, start, start + STEP):
            try:
                event = json.loads(bytes(entry.entry))
            except ValueError:
                continue  # ledger.verify_log reports it
            if isinstance(event, dict):
                yield entry.index, event


def audit(session: Session, settings: Settings, *, now: dt.datetime | None = None,
          previous_checkpoints: int | None = None) -> AuditReport:
    """Replay the whole log, compare it with the tables, check the checkpoint sequence."""
    report = AuditReport()
    events = list(log_events(session))
    report.entries_replayed = len(events)
    state = replay(events)
    report.findings += compare(state, observed(session, settings))
    summary = ledger.checkpoint_summary(session)
    report.checkpoints = summary.count
    report.findings += [
        Finding(code, message, "log checkpoints")
        for code, message in checkpoints.problems(
            summary, every_entries=settings.checkpoint_every_entries,
            every_seconds=settings.checkpoint_every_seconds, now=now or dt.datetime.now(dt.UTC),
            previous_count=previous_checkpoints)]
    return report


def _xsd(value: dt.datetime | None, *, up: bool = False) -> str | None:
    return keyring.public_time(value, up=up) if value else None


def observed(session: Session, settings: Settings) -> dict[str, Any]:
    """The tables in the shapes `compare` reads (see audit.compare)."""
    lists = {row.id: row for row in session.scalars(select(StatusList))}
    urls = {i: status.list_url(settings, row.body_id, row.purpose, i) for i, row in lists.items()}
    certificates: dict[str, dict[str, Any]] = {}
    by_id: dict[int, dict[str, Any]] = {}
    for c in session.execute(select(Certificate.id, Certificate.number, Certificate.status,
                                    Certificate.current_issue, Certificate.valid_until,
                                    Certificate.issuer_id)):
        by_id[c.id] = certificates[key(c.number, c.issuer_id)] = {
            "status": c.status, "issue": c.current_issue,
            "valid_until": c.valid_until.isoformat() if c.valid_until else None,
            "issuer": c.issuer_id, "credentials": {}, "issues": {}, "slots": {}}
    for i in session.execute(select(CertificateIssue.certificate_id, CertificateIssue.issue_no,
                                    CertificateIssue.holder, CertificateIssue.products,
                                    CertificateIssue.issued_on, CertificateIssue.valid_until)):
        if i.certificate_id in by_id:
            by_id[i.certificate_id]["issues"][str(i.issue_no)] = {
                "holder": (i.holder or {}).get("name"),
                "models": [m for p in i.products or [] for m in p.get("models") or []],
                "issued_on": i.issued_on.isoformat(),
                "valid_until": i.valid_until.isoformat() if i.valid_until else None}
    rows = session.execute(select(IssuedCredential.certificate_id, IssuedCredential.issue_no,
                                  IssuedCredential.sha256, IssuedCredential.document)
                           ).yield_per(2_000)
    for r in rows:
        if r.certificate_id not in by_id:
            continue
        data = bytes(r.document)
        try:
            claims = credential_claims(orjson.loads(data))
        except (orjson.JSONDecodeError, AttributeError, TypeError, ValueError, IndexError):
            claims = {"status": {}}
        by_id[r.certificate_id]["credentials"][str(r.issue_no)] = {
            "sha256": r.sha256, "document_sha256": hashlib.sha256(data).hexdigest(),
            "claims": claims}
    for s in session.scalars(select(StatusSlot)):
        if s.certificate_id in by_id and s.list_id in urls:
            by_id[s.certificate_id]["slots"][s.purpose] = [urls[s.list_id], s.index]
    keys: dict[str, dict[str, Any]] = {}
    owners: set[str | None] = set()
    for k in session.scalars(select(SigningKey).order_by(SigningKey.id)):
        owners.add(k.body_id)
        keys[keyring.verification_method(settings, k)] = {
            "body": k.body_id, "publicKeyMultibase": k.public_multibase,
            "created": _xsd(k.created_at), "retired": _xsd(k.retired_at, up=True),
            "compromised_at": k.compromised_at.astimezone(dt.UTC).isoformat()
            if k.compromised_at else None}
    documents = {}
    for owner in owners:
        try:
            documents[keyring.did(settings, owner)] = keyring.did_document(session, settings,
                                                                           owner)
        except NotFound:
            continue  # a key of a body no longer registered: the key check reports it
    return {
        "certificates": certificates,
        "status_lists": {urls[i]: set_bits(bytes(row.bits)) for i, row in lists.items()},
        "accreditations": {a.number: {
            "body": a.body_id, "accreditor": a.accreditor_id, "standard": a.standard,
            "scope": a.scope, "status": a.status, "valid_from": a.valid_from.isoformat(),
            "valid_until": a.valid_until.isoformat(),
            "history": [[h.get("at"), h.get("status")] for h in a.history or []]}
            for a in session.scalars(select(Accreditation))},
        "keys": keys,
        "did_documents": documents,
        "bodies": {b.id: {"name_en": b.name_en, "economy": b.economy_code,
                          "roles": sorted(b.roles or [])} for b in session.scalars(select(Body))},
    }


def set_bits(bits: bytes) -> list[int]:
    """The indexes whose bit is set (index 0 = most significant bit of byte 0)."""
    out: list[int] = []
    for byte_index, byte in enumerate(bits):
        if byte:
            out.extend(byte_index * 8 + b for b in range(8) if byte & (0x80 >> b))
    return out


__all__ = ["AuditReport", "State", "audit", "log_events", "observed", "set_bits"]
