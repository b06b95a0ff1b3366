"""Every difference between what the log says (``replay``) and what the tables hold, pure.

`observed` has the sections of the replayed state plus what only the tables have:

- ``certificates``: number -> {status, issue, valid_until, issuer, credentials: {issue no:
  {sha256, document_sha256, claims}}, issues: {issue no: {holder, models, issued_on,
  valid_until}}, slots: {purpose: [list url, index]}}. ``claims`` is what the stored
  credential says (``credential_claims``); ``document_sha256`` the hash of its stored bytes.
- ``status_lists``: list url -> the indexes whose bit is set.
- ``accreditations``, ``keys``, ``bodies``: as in the replay, read from the tables.
- ``did_documents``: controller DID -> the DID document as served.

The credential a log entry pins (by its hash) in turn pins the issue's content (holder,
models, dates) and the certificate's status-list slots, so editing an issue row, a slot or
a bit shows even though no event names them directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from typing import Any

from certpass.audit.replay import State, scope_form
from certpass.certificates.lifecycle import effective_status


@dataclass(frozen=True)
class Finding:
    """One difference: a stable code, what differs (the log's word against the table's),
    and where (the record, and the log entry that says otherwise)."""

    code: str
    what: str
    where: str

    def to_json(self) -> dict[str, str]:
        return asdict(self)

    def __str__(self) -> str:
        return f"[{self.code}] {self.where}: {self.what}"


def credential_claims(document: Mapping[str, Any]) -> dict[str, Any]:
    """What a stored conformity credential says about its issue: the holder's name, the
    certified models, the validity dates and its status entries (see credentials.dcc)."""
    subject = document.get("credentialSubject") or {}
    assessments = subject.get("assessment") or [{}]
    products = assessments[0].get("assessedProduct") or []
    models = [p["product"]["registeredId"] for p in products
              if isinstance(p, Mapping) and "registeredId" in (p.get("product") or {})]
    status = {e.get("statusPurpose"): [e.get("statusListCredential"),
                                       int(e.get("statusListIndex", -1))]
              for e in document.get("credentialStatus") or [] if isinstance(e, Mapping)}
    until = document.get("validUntil")
    return {"id": subject.get("id"), "holder": (subject.get("issuedToParty") or {}).get("name"),
            "models": models, "issued_on": str(document.get("validFrom", ""))[:10],
            "valid_until": str(until)[:10] if until else None, "status": status}


def compare(log: State, observed: Mapping[str, Any], *, on: dt.date | None = None
            ) -> list[Finding]:
    """Every difference. `on`: the tables give certificate statuses as on that day (an API
    serves `expired` once valid_until has passed), so the log's are computed for it too."""
    findings: list[Finding] = []
    certificates = log["certificates"]
    if on is not None:
        certificates = {n: {**c, "status": effective_status(
            c["status"], dt.date.fromisoformat(c["valid_until"]) if c.get("valid_until")
            else None, on)} for n, c in certificates.items()}
    findings += _certificates(certificates, observed.get("certificates", {}))
    findings += _status_bits(log["certificates"], observed.get("certificates", {}),
                             observed.get("status_lists", {}))
    findings += _records("accreditation", log["accreditations"],
                         observed.get("accreditations", {}),
                         {"status": "accreditation-status", "scope": "accreditation-scope",
                          "valid_from": "accreditation-validity",
                          "valid_until": "accreditation-validity",
                          "body": "accreditation-holder", "accreditor": "accreditation-holder",
                          "standard": "accreditation-standard"},
                         normalise={"scope": scope_form})
    findings += _accreditation_histories(log["accreditations"],
                                         observed.get("accreditations", {}))
    findings += _records("key", log["keys"], observed.get("keys", {}),
                         {"publicKeyMultibase": "key-public-key", "body": "key-owner",
                          "created": "key-dates", "retired": "key-dates",
                          "compromised_at": "key-revocation"},
                         normalise={"compromised_at": _xsd})
    findings += _did_documents(log["keys"], observed.get("did_documents", {}))
    findings += _records("body", log["bodies"], observed.get("bodies", {}),
                         {"roles": "body-roles", "economy": "body-economy",
                          "name_en": "body-name"}, normalise={"roles": sorted})
    return findings


def _entry(record: Mapping[str, Any] | None) -> str:
    return f" (log entry {record['entry']})" if record and "entry" in record else ""


def _records(kind: str, log: Mapping[str, Any], tables: Mapping[str, Any],
             fields: Mapping[str, str], normalise: Mapping[str, Any] | None = None
             ) -> list[Finding]:
    normalise = normalise or {}
    out = []
    for key in sorted(log.keys() | tables.keys()):
        said, held = log.get(key), tables.get(key)
        where = f"{kind} {key}"
        if held is None:
            out.append(Finding(f"{kind}-missing", f"the log records it{_entry(said)} but the "
                               "table has no such row", where))
            continue
        if said is None:
            out.append(Finding(f"{kind}-unlogged", "the table has it but no log entry "
                               "records it", where))
            continue
        for field, code in fields.items():
            norm = normalise.get(field, lambda v: v)
            a, b = norm(said.get(field)), norm(held.get(field))
            if a != b:
                out.append(Finding(code, f"{field}: the log says {a!r}{_entry(said)}; the "
                                   f"table has {b!r}", where))
    return out


# The history row and the log event of one change are stamped by two clock readings.
_SAME_MOMENT = dt.timedelta(seconds=5)


def _moment(value: Any) -> dt.datetime | None:
    try:
        t = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return t if t.tzinfo else t.replace(tzinfo=dt.UTC)


def _accreditation_histories(log: Mapping[str, Any], tables: Mapping[str, Any]
                             ) -> list[Finding]:
    """Each accreditation's status history (which the verifier reads for since when a
    status holds) against the changes the log recorded, in order and time."""
    out = []
    for number in sorted(log.keys() & tables.keys()):
        said = log[number].get("history") or []
        held = tables[number].get("history")
        if held is None:
            continue  # this reader does not see the history
        statuses = ([s for _, s in said], [s for _, s in held])
        times = [(_moment(a), _moment(b)) for (a, _), (b, _) in zip(said, held, strict=False)]
        if statuses[0] != statuses[1] or any(
                a is None or b is None or abs(a - b) > _SAME_MOMENT for a, b in times):
            out.append(Finding("accreditation-history", f"the log records the changes "
                               f"{[list(x) for x in said]}; the table's history has "
                               f"{[list(x) for x in held]}", f"accreditation {number}"))
    return out


def _certificates(log: Mapping[str, Any], tables: Mapping[str, Any]) -> list[Finding]:
    out = _records("certificate", log, tables,
                   {"status": "certificate-status", "issue": "certificate-issue",
                    "valid_until": "certificate-validity", "issuer": "certificate-issuer"})
    for number in sorted(log.keys() & tables.keys()):
        said, held = log[number], tables[number]
        for issue, digest in sorted(said["credentials"].items(), key=lambda kv: int(kv[0])):
            where = f"certificate {number} issue {issue}"
            stored = held.get("credentials", {}).get(str(issue))
            if stored is None:
                out.append(Finding("credential-missing", f"the log records credential "
                                   f"sha256:{digest}{_entry(said)}; none is stored", where))
                continue
            if stored["sha256"] != digest or stored["document_sha256"] != digest:
                out.append(Finding(
                    "credential-hash", f"the log records sha256:{digest}; the stored "
                    f"credential's bytes hash to sha256:{stored['document_sha256']} (its "
                    f"hash column says {stored['sha256']})", where))
                continue
            row = held.get("issues", {}).get(str(issue))
            if row is None:
                if held.get("issues_complete", True):  # a reader that sees every issue
                    out.append(Finding("issue-missing", "the logged credential's issue row "
                                       "is gone", where))
                continue
            claims = stored["claims"]
            for field in ("holder", "models", "issued_on", "valid_until"):
                if claims.get(field) != row.get(field):
                    out.append(Finding("issue-content", f"{field}: the logged credential says "
                                       f"{claims.get(field)!r}; the issue row has "
                                       f"{row.get(field)!r}", where))
        if said["credentials"]:
            for issue in sorted(held.get("credentials", {}).keys() - said["credentials"].keys(),
                                key=int):
                out.append(Finding("credential-unlogged", "a credential is stored for this "
                                   "issue but the log records none", f"certificate {number} "
                                   f"issue {issue}"))
        current = held.get("credentials", {}).get(str(held.get("issue")))
        if current is not None and said["credentials"]:
            pinned = current["claims"]["status"]
            for purpose, slot in sorted((held.get("slots") or {}).items()):
                if purpose in pinned and list(slot) != list(pinned[purpose]):
                    out.append(Finding("status-slot", f"{purpose}: the logged credential "
                                       f"points at {pinned[purpose][0]} index "
                                       f"{pinned[purpose][1]}; the slot table says {slot[0]} "
                                       f"index {slot[1]}", f"certificate {number}"))
    return out


def _status_bits(log: Mapping[str, Any], tables: Mapping[str, Any],
                 lists: Mapping[str, Iterable[int]]) -> list[Finding]:
    """Every bit of every list against the bits the log's transitions wrote, at the slots the
    logged credentials carry."""
    expected: dict[str, set[int]] = {url: set() for url in lists}
    owner: dict[tuple[str, int], str] = {}
    for number, said in log.items():
        held = tables.get(number) or {}
        current = (held.get("credentials") or {}).get(str(held.get("issue")))
        logged = said["credentials"].get(str(held.get("issue")))
        if current is None or logged is None or current["document_sha256"] != logged:
            continue  # reported above; a credential the log does not pin pins no slot
        for purpose, (url, index) in current["claims"]["status"].items():
            owner[(url, index)] = f"certificate {number} ({purpose})"
            if said["bits"].get(purpose):
                expected.setdefault(url, set()).add(index)
    out = []
    for url in sorted(expected.keys() | lists.keys()):
        held_bits = set(lists.get(url, ()))
        if url not in lists:
            out.append(Finding("status-list-missing", "a logged credential points at this "
                               "list; it is not stored", url))
            continue
        for index in sorted(expected[url] ^ held_bits):
            said_set = index in expected[url]
            out.append(Finding(
                "status-bit", f"the log's transitions leave this bit "
                f"{'set' if said_set else 'clear'}; the list has it "
                f"{'clear' if said_set else 'set'}",
                f"{url} index {index}, {owner.get((url, index), 'no certificate')}"))
    return out


def _xsd(value: str | None) -> str | None:
    if not value:
        return None
    t = dt.datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(dt.UTC)
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _did_documents(keys: Mapping[str, Any], documents: Mapping[str, Any]) -> list[Finding]:
    """Each served DID document against the keys the log added, retired and revoked."""
    expected: dict[str, dict[str, Any]] = {}
    for vm, key in keys.items():
        controller = vm.partition("#")[0]
        doc = expected.setdefault(controller, {"methods": {}, "assert": set()})
        # Retirement is not in a DID document (key-dates compares it with the key list).
        doc["methods"][vm] = (key.get("publicKeyMultibase"), _xsd(key.get("compromised_at")))
        if not key.get("compromised_at"):
            doc["assert"].add(vm)
    out = []
    for did in sorted(expected.keys() | documents.keys()):
        want, served = expected.get(did), documents.get(did)
        if served is None:
            out.append(Finding("did-document-missing", "the log records keys for it; no DID "
                               "document is served", did))
            continue
        if want is None:
            out.append(Finding("did-document-unlogged", "a DID document is served but the "
                               "log records none of its keys", did))
            continue
        have = {m.get("id"): (m.get("publicKeyMultibase"), m.get("revoked"))
                for m in served.get("verificationMethod") or []}
        for vm in sorted(want["methods"].keys() | have.keys()):
            if want["methods"].get(vm) != have.get(vm):
                out.append(Finding("did-document", f"verification method {vm}: the log says "
                                   f"(key, revoked) = {want['methods'].get(vm)}; "
                                   f"the document has {have.get(vm)}", did))
        asserted = {a if isinstance(a, str) else a.get("id")
                    for a in served.get("assertionMethod") or []}
        if asserted != want["assert"]:
            out.append(Finding("did-document", f"assertionMethod: the log allows "
                               f"{sorted(want['assert'])}; the document lists "
                               f"{sorted(asserted)}", did))
    return out
