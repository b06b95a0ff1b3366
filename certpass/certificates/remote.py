"""Certificates as a remote certpass instance serves them, read over HTTP (for monitors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from certpass.certificates.history import Recorded, Served, compare, key

PAGE = 500


def served(client: httpx.Client, url: str) -> dict[str, Served]:
    """Every certificate the instance lists, page by page."""
    out: dict[str, Served] = {}
    offset = 0
    while True:
        page = client.get(f"{url.rstrip('/')}/api/certificates",
                          params={"limit": PAGE, "offset": offset})
        page.raise_for_status()
        body = page.json()
        for item in body["items"]:
            out[key(item["number"], item["issuer"]["id"])] = Served(
                item["status"], int(item["issue"]), item.get("valid_until"))
        offset += PAGE
        if offset >= body["total"] or not body["items"]:
            return out


def audit_over_http(client: httpx.Client, url: str, on: dt.date | None = None):  # type: ignore[no-untyped-def]
    """An audit for the log monitor: the state the log implies against what the API serves."""

    def audit(implied: dict[str, Any]) -> list[str]:
        listed = served(client, url)
        names = _named(implied, listed)
        recorded = {names[n]: Recorded.from_json(v) for n, v in implied.items()}
        return compare(recorded, listed, on or dt.date.today())

    return audit


def _named(names: Any, listed: dict[str, Served]) -> dict[str, str]:
    """A monitor state kept before numbers were unique per issuer names a certificate by its
    number alone (then unique): the one certificate listed with that number is it."""
    by_number: dict[str, list[str]] = {}
    for name in listed:
        by_number.setdefault(name.rpartition("@")[0], []).append(name)
    return {n: n if "@" in n or len(by_number.get(n, ())) != 1 else by_number[n][0]
            for n in names}
