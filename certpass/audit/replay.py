"""What the transparency log says the registry holds: a pure fold over its events.

The state is plain JSON (the monitor keeps it in its state file between runs), one section
per kind of record:

- ``certificates``: ``number@issuer`` (certificates.history.key) -> {status, issue,
  valid_until, issuer, credentials: {issue no: sha256 hex}, bits: {purpose: bool}, entry}.
  ``bits`` replays the status-list bits the lifecycle changes write
  (``status_list.bits_after``); which list and index they live at is pinned by the
  credential itself (its ``credentialStatus``), whose hash the log holds.
- ``accreditations``: number -> {body, accreditor, standard, scope, status, valid_from,
  valid_until, history: [[at, status]...], entry} (each accreditation event carries the
  whole record; the history's times say since when a status holds, which verdicts use).
- ``keys``: verification method id -> {body, publicKeyMultibase, created, retired,
  compromised_at, entry} from key.added / key.retired / key.revoked.
- ``bodies``: id -> {name_en, economy, roles, entry} from body.registered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from certpass.certificates.history import key
from certpass.credentials.status_list import bits_after

State = dict[str, dict[str, Any]]
SECTIONS = ("certificates", "accreditations", "keys", "bodies")


def empty() -> State:
    return {section: {} for section in SECTIONS}


def replay(events: Iterable[tuple[int, Mapping[str, Any]]], state: State | None = None
           ) -> State:
    """Fold (entry index, event) pairs, oldest first, into `state` (a new one if None)."""
    out = empty() if state is None else {s: dict(state.get(s, {})) for s in SECTIONS}
    out["certificates"] = _named_by_issuer(out["certificates"])
    for index, event in events:
        kind = str(event.get("type", ""))
        try:
            if kind.startswith("certificate."):
                _certificate(out["certificates"], index, event)
            elif kind.startswith("accreditation."):
                _accreditation(out["accreditations"], index, event["accreditation"],
                               event.get("at"))
            elif kind in ("key.added", "key.retired", "key.revoked"):
                _key(out["keys"], index, kind, event["key"])
            elif kind == "body.registered":
                body = event["body"]
                out["bodies"][str(body["id"])] = {
                    "name_en": body.get("name_en"), "economy": body.get("economy"),
                    "roles": sorted(body.get("roles") or []), "entry": index}
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # not an event of ours; the log's own checks cover its form
    return out


def _named_by_issuer(certificates: dict[str, Any]) -> dict[str, Any]:
    """A state kept before numbers were unique per issuer names a certificate by its number
    alone (then unique): its records carry their issuer, which names them now."""
    return {key(number, r.get("issuer")) if "@" not in number else number: r
            for number, r in certificates.items()}


def _certificate(certificates: dict[str, Any], index: int, event: Mapping[str, Any]) -> None:
    cert = event["certificate"]
    number = key(str(cert["number"]), cert.get("issuer"))
    before = certificates.get(number)
    record = dict(before) if before else {"credentials": {}, "bits": {}}
    old_status = before["status"] if before else ""
    record.update(status=str(cert["status"]), issue=int(cert["issue"]),
                  valid_until=cert.get("valid_until"), issuer=cert.get("issuer"), entry=index)
    record["bits"] = {**record["bits"], **bits_after(old_status, record["status"])}
    documents = event.get("documents") or {}
    digest = documents.get("credential") if isinstance(documents, Mapping) else None
    if isinstance(digest, str) and digest.startswith("sha256:"):
        record["credentials"] = {**record["credentials"], str(record["issue"]): digest[7:]}
    certificates[number] = record


def _accreditation(accreditations: dict[str, Any], index: int, acc: Mapping[str, Any],
                   at: Any) -> None:
    number = str(acc["number"])
    history = list((accreditations.get(number) or {}).get("history") or [])
    accreditations[number] = {
        "body": acc["body"], "accreditor": acc["accreditor"], "standard": acc["standard"],
        "scope": _scope(acc.get("scope")), "status": acc["status"],
        "valid_from": acc["valid_from"], "valid_until": acc["valid_until"],
        "history": [*history, [at, acc["status"]]], "entry": index}


def _key(keys: dict[str, Any], index: int, kind: str, key: Mapping[str, Any]) -> None:
    vm = str(key["id"])
    record = dict(keys.get(vm) or {"body": key.get("body"), "retired": None,
                                   "compromised_at": None})
    record["publicKeyMultibase"] = key.get("publicKeyMultibase", record.get("publicKeyMultibase"))
    if kind == "key.added":
        record["created"] = key["created"]
    elif kind == "key.retired":
        record["retired"] = key["retired"]
    else:
        record["compromised_at"] = key["compromised_at"]
    record["entry"] = index
    keys[vm] = record


def _scope(scope: Any) -> dict[str, list[str]]:
    """An accreditation scope in one order, so equal scopes compare equal."""
    if not isinstance(scope, Mapping):
        return {}
    return {str(k): sorted(str(x) for x in v) for k, v in sorted(scope.items())
            if isinstance(v, list)}


scope_form = _scope
