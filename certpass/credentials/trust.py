"""The live trust source (`LiveTrust`: this instance's database) and what produces trust
for others: signed accreditation credentials and the exported trust bundle. The protocol,
its dataclasses and the offline `BundleTrust` live in `trust_source` (no database there).
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import weakref
from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast
from urllib.parse import unquote

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, selectinload

from certpass.certificates.changes import issue_changes
from certpass.certificates.lifecycle import AccreditedScope
from certpass.certificates.models import Certificate
from certpass.config import Settings
from certpass.credentials import keyring, status
from certpass.credentials.accreditation import (
    UNTP_STORED,
    AccreditationFacts,
    build_accreditation_credential,
    in_untp_version,
    sign_accreditation_credential,
)
from certpass.credentials.models import IssuedCredential, StatusList
from certpass.credentials.multikey import decode_public_key
from certpass.credentials.trust_source import (
    BodyInfo,
    CredentialRecord,
    IssueRecord,
    KeyInfo,
    LogProof,
    RegisteredCertificate,
    StatusListInfo,
    assemble_bundle,
    content_sha256,
    keys_of_did_document,
    signed_register,
    when,
)
from certpass.errors import CertpassError, NotFound
from certpass.ledger import service as ledger
from certpass.ledger.models import LogEntry
from certpass.registry.models import Accreditation, Body
from certpass.store.base import row_of
from certpass.store.session import READS_ONLY

# --- the live database ------------------------------------------------------------------

V = TypeVar("V")


class _Shared:
    """What LiveTrusts found in one database, for every LiveTrust of the process while the
    database is in the same state. Every change to what trust rests on (keys and their
    rotation or compromise, bodies, accreditations, certificates and their status bits)
    appends to the transparency log in its own transaction, and a new checkpoint changes
    what a receipt proves against: the log's version and newest checkpoint stamp the
    state. A verification then reads three small rows instead of about twenty. Only read
    sessions share (`store.session.READS_ONLY`): a unit of work sees its own writes before
    they commit, and they may never commit. (Not `ledger.stamped.StampedCache`: that reads
    the version on every lookup and computes under its lock, right for a few costly
    figures; these are many small lookups per request, so the stamp is read once per
    LiveTrust and a miss is computed outside the lock.)"""

    LIMIT = 4096  # values kept per state

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._stamp: tuple[Any, ...] | None = None
        self._values: dict[tuple[str, Any], Any] = {}

    def get(self, stamp: tuple[Any, ...], key: tuple[str, Any], compute: Callable[[], V]) -> V:
        with self._lock:
            if stamp == self._stamp and key in self._values:
                return cast(V, self._values[key])
        value = compute()
        with self._lock:
            if stamp != self._stamp:  # a new state: what was found before may be stale
                self._stamp, self._values = stamp, {}
            if len(self._values) < self.LIMIT:
                self._values[key] = value
        return value


_shared: weakref.WeakKeyDictionary[Engine, _Shared] = weakref.WeakKeyDictionary()
_shared_lock = threading.Lock()


def _shared_for(engine: Engine) -> _Shared:
    with _shared_lock:
        found = _shared.get(engine)
        if found is None:
            found = _shared[engine] = _Shared()
        return found


class LiveTrust:
    """Trust read from this instance's database: the registry, the keyring, the status
    lists and the ledger. Read once per state of the database for the whole process (see
    `_Shared`), and once per object (one request or one command) in any case."""

    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self._platform = keyring.did(settings, None)
        self._found: dict[tuple[str, Any], Any] = {}
        self._stamp: tuple[Any, ...] | None = None

    def _get(self, kind: str, key: Any, compute: Callable[[], V]) -> V:
        slot = (kind, key)
        if slot not in self._found:
            if self._stamp is None and self.session.info.get(READS_ONLY):
                self._stamp = ledger.checkpointed_version(self.session)
            if self._stamp is not None:
                engine = self.session.get_bind().engine
                self._found[slot] = _shared_for(engine).get(self._stamp, slot, compute)
            else:  # a unit of work may hold writes not committed (or never to be)
                self._found[slot] = compute()
        return cast(V, self._found[slot])

    def body_id(self, did: str) -> str | None:
        prefix = self._platform + ":bodies:"
        return unquote(did[len(prefix):]) if did.startswith(prefix) else None

    def key(self, verification_method: str) -> KeyInfo | None:
        def load() -> KeyInfo | None:
            row = keyring.key_for(self.session, self.settings, verification_method)
            return None if row is None \
                else KeyInfo(verification_method, keyring.did(self.settings, row.body_id),
                             decode_public_key(row.public_multibase), row.created_at,
                             row.retired_at, row.compromised_at)
        return self._get("key", verification_method, load)

    def body(self, did: str) -> BodyInfo | None:
        if did == self._platform:  # the platform signs VC-API credentials and nothing else
            return BodyInfo(did, "certpass", "certpass platform", roles=("platform",))

        def load() -> BodyInfo | None:
            body_id = self.body_id(did)
            row = self.session.get(Body, body_id) if body_id else None
            return None if row is None else body_info(self.settings, row)
        return self._get("body", did, load)

    def is_anchor(self, did: str) -> bool:
        body = self.body(did)
        return body is not None and "accreditation-body" in body.roles

    def accreditations(self, did: str) -> list[AccreditationFacts]:
        def load() -> tuple[AccreditationFacts, ...]:
            body_id = self.body_id(did)
            rows: Iterable[Accreditation] = self.session.scalars(
                select(Accreditation).where(Accreditation.body_id == body_id)
                .order_by(Accreditation.id)) if body_id else []
            return tuple(accreditation_facts(self.settings, a) for a in rows)
        return list(self._get("accreditations", did, load))

    def status_list(self, url: str) -> StatusListInfo | None:
        return self._get("status", url, lambda: self._load_status(url))

    def _load_status(self, url: str) -> StatusListInfo | None:
        prefix = self.settings.base_url.rstrip("/") + "/status/"
        if not url.startswith(prefix):
            return None
        parts = url[len(prefix):].split("/")
        if len(parts) != 3 or not parts[2].isdigit():
            return None
        body_id, purpose, list_id = unquote(parts[0]), parts[1], int(parts[2])
        row = self.session.get(StatusList, list_id)
        if row is None or row.body_id != body_id or row.purpose != purpose:
            return None
        return StatusListInfo(url, keyring.did(self.settings, body_id), purpose, bytes(row.bits))

    def log_vkey(self) -> str | None:
        def load() -> str | None:
            try:
                return ledger.verifier(self.session, self.settings).vkey
            except NotFound:
                return None
        return self._get("log-vkey", None, load)

    def credential(self, number: str, issuer: str, issue: int | None = None
                   ) -> CredentialRecord | None:
        cert = self.session.scalar(select(Certificate).where(
            Certificate.number == number, Certificate.issuer_id == issuer))
        if cert is None:
            return None
        query = select(IssuedCredential).where(IssuedCredential.certificate_id == cert.id)
        query = query.order_by(IssuedCredential.issue_no.desc()) if issue is None \
            else query.where(IssuedCredential.issue_no == issue)
        row = self.session.scalar(query.limit(1))
        if row is None:
            return CredentialRecord(number, None)
        registered = next((r for r in self.registers(number) if r.issuer == issuer), None)
        record = next((i for i in registered.issues if i.issue == row.issue_no), None) \
            if registered else None
        proof = self.log_proof(record.log_index) \
            if record is not None and record.log_index is not None else None
        return CredentialRecord(number, row.signed_document(),
                                proof.receipt if proof else None, proof.entry if proof else None)

    def registers(self, number: str) -> tuple[RegisteredCertificate, ...]:
        def load() -> tuple[RegisteredCertificate, ...]:
            found = self.session.scalars(select(Certificate).where(
                Certificate.number == number).order_by(Certificate.id))
            return tuple(registered_certificate(self.session, cert) for cert in found)
        return self._get("register", number, load)

    def log_proof(self, index: int) -> LogProof | None:
        def load() -> LogProof | None:
            try:
                entry = bytes(ledger.entry(self.session, index).entry)
            except NotFound:
                return None
            try:
                receipt: str | None = ledger.receipt(self.session, index)
            except CertpassError:
                receipt = None  # not under a checkpoint yet
            return LogProof(entry, receipt)
        return self._get("log-proof", index, load)

    def status_as_of(self) -> str | None:
        return None  # live


def registered_certificate(session: Session, cert: Certificate) -> RegisteredCertificate:
    """A certificate's issues as the register knows them: each issue's credential hashes,
    and its log entry (index and the entry's own time) from the issue/amend event."""
    rows = {r.issue_no: r for r in session.scalars(
        select(IssuedCredential).where(IssuedCredential.certificate_id == cert.id))}
    logged = _logged_issues(cert)
    return _registered(cert, rows, logged, {i: _logged_at(session, i) for i in logged.values()})


def registered_certificates(session: Session) -> list[RegisteredCertificate]:
    """Every certificate's register entry, read in a few queries (the bundle's register):
    the credentials, the events and the log entries' times in batches, not per certificate."""
    certs = session.scalars(select(Certificate).options(selectinload(Certificate.events))
                            .order_by(Certificate.number, Certificate.issuer_id)).unique().all()
    rows: dict[int, dict[int, IssuedCredential]] = {}
    for row in session.scalars(select(IssuedCredential)):
        rows.setdefault(row.certificate_id, {})[row.issue_no] = row
    logged = {c.id: _logged_issues(c) for c in certs}
    indexes = sorted({i for by_issue in logged.values() for i in by_issue.values()})
    times: dict[int, dt.datetime | None] = {}
    for start in range(0, len(indexes), 900):  # under SQLite's bound-parameter limit
        for entry in session.scalars(select(LogEntry).where(
                LogEntry.index.in_(indexes[start:start + 900]))):
            times[entry.index] = _entry_time(bytes(entry.entry))
    return [_registered(c, rows.get(c.id, {}), logged[c.id], times) for c in certs]


def _logged_issues(cert: Certificate) -> dict[int, int]:
    return {e.issue_no: e.log_index for e in cert.events
            if e.action in ("issue", "amend") and e.log_index is not None}


def _registered(cert: Certificate, rows: dict[int, IssuedCredential], logged: dict[int, int],
                times: dict[int, dt.datetime | None]) -> RegisteredCertificate:
    records = []
    previous: dict[str, Any] | None = None
    for issue in cert.issues:
        data = row_of(issue)
        changes = tuple(issue_changes(previous, data)) if previous is not None else ()
        previous = data
        row = rows.get(issue.issue_no)
        if row is None:
            continue
        index = logged.get(issue.issue_no)
        records.append(IssueRecord(
            issue.issue_no, row.sha256, content_sha256(row.signed_document()), index,
            times.get(index) if index is not None else None, changes,
            issue.change_note if changes else ""))
    return RegisteredCertificate(cert.number, tuple(records), cert.issuer_id)


def _logged_at(session: Session, index: int | None) -> dt.datetime | None:
    """The time a log entry records for itself (its `at`), hashed into the log."""
    if index is None:
        return None
    try:
        return _entry_time(bytes(ledger.entry(session, index).entry))
    except NotFound:
        return None


def _entry_time(entry: bytes) -> dt.datetime | None:
    try:
        event = json.loads(entry)
    except ValueError:
        return None
    return when(event.get("at")) if isinstance(event, dict) else None


def body_info(settings: Settings, row: Body) -> BodyInfo:
    return BodyInfo(did=keyring.did(settings, row.id), id=row.id, name_en=row.name_en,
                    name_zh=row.name_zh, roles=tuple(row.roles), economy=row.economy_code,
                    signatories=tuple(row.signatories))


def accreditation_facts(settings: Settings, row: Accreditation) -> AccreditationFacts:
    since = None
    for change in reversed(row.history or []):  # start of the current status's run
        if change.get("status") != row.status:
            break
        since = when(change.get("at"))
    return AccreditationFacts(
        number=row.number, accreditor_did=keyring.did(settings, row.accreditor_id),
        body_did=keyring.did(settings, row.body_id), standard=row.standard,
        scope=AccreditedScope.from_scope(row.number, row.status, row.valid_from, row.valid_until,
                                         row.scope, keyring.did(settings, row.accreditor_id)),
        status_since=since.astimezone(dt.UTC) if since else None,
    )


# --- producing trust: accreditation credentials and the bundle --------------------------


def signed_accreditations(session: Session, settings: Settings,
                          body_id: str | None = None, *, create: bool = True,
                          number: str | None = None, untp: str = UNTP_STORED
                          ) -> list[dict[str, Any]]:
    """Every accreditation (of `body_id`, the one numbered `number`, or all) as a DIA signed
    by its accreditation body's current key (made on first need, as the keyring does for
    issuers), in the UNTP version `untp` (the 0.7.0 form signed by the same key, with the
    same proof `created`). Deterministic: `created` is the accreditation's last change."""
    query = select(Accreditation).order_by(Accreditation.id)
    if body_id is not None:
        query = query.where(Accreditation.body_id == body_id)
    if number is not None:
        query = query.where(Accreditation.number == number)
    out = []
    signers: dict[str, keyring.Signer] = {}
    for row in session.scalars(query):
        facts = accreditation_facts(settings, row)
        unsigned = build_accreditation_credential(
            facts, accreditor_name=row.accreditor.name_en, body_name=row.body.name_en,
            base_url=settings.base_url)
        if row.accreditor_id not in signers:
            signers[row.accreditor_id] = keyring.signer(session, settings, row.accreditor_id,
                                                        create=create)
        signer = signers[row.accreditor_id]
        changed = when(row.history[-1]["at"]) if row.history else None
        created = max(changed or signer.row.created_at, signer.row.created_at)
        signed = sign_accreditation_credential(unsigned, signer.pair,
                                               signer.verification_method, created)
        out.append(in_untp_version(signed, signer.pair, signer.verification_method, untp))
    return out


def export_bundle(session: Session, settings: Settings,
                  now: dt.datetime | None = None, *, create_keys: bool = True) -> dict[str, Any]:
    """Everything an offline verifier needs (see module doc); run in a write transaction,
    since an accreditation body signing for the first time gets its key then (with
    `create_keys=False`, a read: such a body is NotFound instead)."""
    accreditations = signed_accreditations(session, settings, create=create_keys)
    bodies = [body_info(settings, b) for b in session.scalars(select(Body).order_by(Body.id))]
    documents: dict[str, dict[str, Any]] = {}
    dates: dict[str, dict[str, str | None]] = {}
    for b in bodies:
        try:
            documents[b.did] = keyring.did_document(session, settings, b.id)
        except NotFound:
            continue  # a body with no key has signed nothing
        dates |= keyring.key_dates(session, settings, b.id)
    anchors = [b for b in bodies if "accreditation-body" in b.roles and b.did in documents]
    anchor_keys = {a.did: [k for k in keys_of_did_document(documents[a.did])
                           if k.revoked is None] for a in anchors}
    lists = [status.list_credential(session, settings, row.body_id, row.purpose, row.id, now)
             for row in session.scalars(select(StatusList).order_by(StatusList.id))]
    log = register = None
    if create_keys or LiveTrust(session, settings).log_vkey() is not None:
        signer = ledger.note_signer(session, settings)  # the log's key signs the register
        checkpoint = ledger.latest_checkpoint(session)
        log = {"origin": signer.name, "vkey": signer.verifier.vkey,
               "checkpoint": checkpoint.note if checkpoint else None}
        register = signed_register(registered_certificates(session), signer)
    return assemble_bundle(
        created=now or dt.datetime.now(dt.UTC), anchors=anchors, anchor_keys=anchor_keys,
        bodies=bodies, did_documents=documents, accreditations=accreditations,
        status_lists=lists, log=log, register=register, key_dates=dates)
