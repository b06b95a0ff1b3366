"""Certificates as a remote certpass instance serves them, read over HTTP (for monitors)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import httpx

from certpass.certificates.history import Recorded, Served, compare

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
            out[item["number"]] = Served(item["status"], int(item["issue"]),
                                         item.get("valid_until"))
        offset += PAGE
        if offset >= body["total"] or not body["items"]:
            return out


def audit_over_http(client: httpx.Client, url: str, on: dt.date | None = None):  # type: ignore[no-untyped-def]
    """An audit for the log monitor: the state the log implies against what the API serves."""

    def audit(implied: dict[str, Any]) -> list[str]:
        recorded = {n: Recorded.from_json(v) for n, v in implied.items()}
        return compare(recorded, served(client, url), on or dt.date.today())

    return audit
