"""Webhook signatures: HMAC-SHA256 over ``timestamp.body`` (pure; no I/O).

Header: ``Certpass-Signature: t=<unix seconds>,v1=<hex digest>``. A receiver recomputes the
digest with the subscription's secret, compares in constant time, and rejects old
timestamps to stop replays.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Certpass-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = 300) -> bool:
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    try:
        timestamp = int(parts.get("t", ""))
    except ValueError:
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))
