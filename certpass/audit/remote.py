"""The registry as a remote certpass instance serves it, read over HTTP in the shapes
`audit.compare` reads, for ``certpass log monitor``.

What the API does not publish is not compared: status-list slots (the served credential's
``credentialStatus`` is what a verifier follows, and it is compared), raw certificate
statuses (the API serves the status on a day, so the log's is computed for that day too),
credential rows of issues that do not exist, and the content of earlier issues (the
certificate's own page is rate limited; their credentials are compared by hash).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import orjson

from certpass.audit.compare import compare, credential_claims
from certpass.audit.replay import State, empty, replay
from certpass.certificates.history import key
from certpass.credentials import service as credentials
from certpass.credentials import status_list

PAGE = 500


def _pages(client: httpx.Client, url: str) -> Iterator[dict[str, Any]]:
    offset = 0
    while True:
        page = client.get(url, params={"limit": PAGE, "offset": offset})
        page.raise_for_status()
        body = page.json()
        yield from body["items"]
        offset += PAGE
        if offset >= body["total"] or not body["items"]:
            return


def observed(client: httpx.Client, base: str) -> dict[str, Any]:
    base = base.rstrip("/")
    certificates: dict[str, dict[str, Any]] = {}
    lists: dict[str, list[int]] = {}
    for item in _pages(client, f"{base}/api/certificates"):
        # The listing gives the current issue's content; a certificate's own page is rate
        # limited (it is what the public verify page reads), so earlier issues are checked by
        # their credentials' hashes only.
        number, current = item["number"], str(item["issue"])
        issuer = item["issuer"]["id"]
        path = f"{base}/api/certificates/{quote(number, safe='')}"
        record: dict[str, Any] = {
            "status": item["status"], "issue": item["issue"],
            "valid_until": item.get("valid_until"), "issuer": item["issuer"]["id"],
            "credentials": {}, "issues_complete": False, "issues": {current: {
                "holder": item["holder"].get("name"),
                "models": [m for p in item["products"] for m in p.get("models") or []],
                "issued_on": item["issued_on"], "valid_until": item.get("valid_until")}}}
        for n in range(int(current) + 1):
            # The registered form: the bytes whose hash the log holds.
            got = client.get(f"{path}/credential", params={
                "issue": n, "issuer": issuer, "untp": credentials.UNTP_STORED})
            if got.status_code == 404:
                continue
            got.raise_for_status()
            claims = credential_claims(orjson.loads(got.content))
            digest = hashlib.sha256(got.content).hexdigest()
            record["credentials"][str(n)] = {"sha256": digest, "document_sha256": digest,
                                             "claims": claims}
            if str(n) == current:
                for url, _ in claims["status"].values():
                    if url and url not in lists:
                        lists[url] = _set_bits(client, url)
        certificates[key(number, issuer)] = record
    bodies, documents, keys = {}, {}, {}
    for b in _pages(client, f"{base}/api/bodies"):
        bodies[b["id"]] = {"name_en": b["name_en"], "economy": b["economy_code"],
                           "roles": sorted(b.get("roles") or [])}
    for body_id in [None, *bodies]:
        url = f"{base}/.well-known/did.json" if body_id is None else \
            f"{base}/bodies/{quote(body_id, safe='')}/did.json"
        got = client.get(url)
        if got.status_code == 404:
            continue
        got.raise_for_status()
        doc = got.json()
        documents[doc["id"]] = doc
        # A DID document says nothing of when a key was made or retired (no `created`, and
        # `expires` would disown what it signed): the public key list does.
        listed = client.get(f"{base}/api/platform/keys" if body_id is None else
                            f"{base}/api/bodies/{quote(body_id, safe='')}/keys")
        dates = {k["id"]: k for k in listed.json()} if listed.status_code == 200 else {}
        for vm in doc.get("verificationMethod") or []:
            known = dates.get(vm["id"]) or {}
            keys[vm["id"]] = {"body": body_id, "publicKeyMultibase": vm["publicKeyMultibase"],
                              "created": known.get("created", vm.get("created")),
                              "retired": known.get("retired", vm.get("expires")),
                              "compromised_at": vm.get("revoked")}
    accreditations = {a["number"]: {
        "body": a["body_id"], "accreditor": a["accreditor_id"], "standard": a["standard"],
        "scope": a["scope"], "status": a["status"], "valid_from": a["valid_from"],
        "valid_until": a["valid_until"],
        "history": [[h.get("at"), h.get("status")] for h in a.get("history") or []]
        if "history" in a else None} for a in _pages(client, f"{base}/api/accreditations")}
    return {"certificates": certificates, "status_lists": lists,
            "accreditations": accreditations, "keys": keys, "did_documents": documents,
            "bodies": bodies}


def _set_bits(client: httpx.Client, url: str) -> list[int]:
    got = client.get(url)
    got.raise_for_status()
    bits = status_list.decode(got.json()["credentialSubject"]["encodedList"])
    return [i for i in range(len(bits) * 8) if bits[i // 8] & (0x80 >> (i % 8))]


def fold(state: dict[str, Any], events: list[tuple[int, dict[str, Any]]]) -> dict[str, Any]:
    """The monitor's fold: the audit's replay, carried in the state file."""
    return replay(events, state or empty())


def inspector(client: httpx.Client, base: str, on: dt.date | None = None):  # type: ignore[no-untyped-def]
    """The monitor's inspection: the folded log against what the instance serves."""

    def inspect(state: dict[str, Any]) -> list[tuple[str, str]]:
        log: State = {**empty(), **state}
        return [(f.code, f"{f.where}: {f.what}")
                for f in compare(log, observed(client, base), on=on or dt.date.today())]

    return inspect
