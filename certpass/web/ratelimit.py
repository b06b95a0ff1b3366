"""A per-client token bucket on the public verify endpoints → 429 with ``Retry-After``.

Verification is public and unauthenticated, so it is what a scraper or a flood would hit.
Buckets live in this process: a deployment with several server processes divides the
budget between them and needs a shared store (e.g. the reverse proxy's limiter) instead.
"""

from __future__ import annotations

import math
import re
import threading
import time

from starlette.types import ASGIApp, Receive, Scope, Send

from certpass.errors import error_body
from certpass.web.idempotency import _send_json

# The public verify endpoints and the certificate look-up by number the verify page uses.
LIMITED = re.compile(r"^(/api/verify|/credentials/verify|/presentations/verify|/verify)(/|$)"
                     r"|^/api/certificates/[^/]+$")
_MAX_CLIENTS = 100_000  # forget idle buckets beyond this many clients


class TokenBuckets:
    """``rate_per_minute`` requests per minute per client; a full bucket holds a minute's
    worth plus ``burst``."""

    def __init__(self, rate_per_minute: int, burst: int = 0) -> None:
        self.refill_per_second = max(1, rate_per_minute) / 60.0
        self.capacity = float(max(1, rate_per_minute) + max(0, burst))
        self._clock = time.monotonic
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def take(self, client: str, now: float | None = None) -> float:
        """0 if allowed, else the seconds until a request would be allowed."""
        now = self._clock() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(client, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.refill_per_second)
            if tokens >= 1.0:
                self._buckets[client] = (tokens - 1.0, now)
                return 0.0
            self._buckets[client] = (tokens, now)
            if len(self._buckets) > _MAX_CLIENTS:
                self._forget_full(now)
            return (1.0 - tokens) / self.refill_per_second

    def _forget_full(self, now: float) -> None:
        full = [c for c, (t, last) in self._buckets.items()
                if t + (now - last) * self.refill_per_second >= self.capacity]
        for client in full:
            del self._buckets[client]


class VerifyRateLimit:
    def __init__(self, app: ASGIApp, rate_per_minute: int, burst: int = 0) -> None:
        self.app = app
        self.buckets = TokenBuckets(rate_per_minute, burst)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["method"] in ("GET", "POST", "HEAD")
                and LIMITED.match(scope["path"])):
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.buckets.take(client)
            if wait > 0:
                seconds = max(1, math.ceil(wait))
                await _send_json(send, 429, error_body(
                    "rate-limited",
                    "too many verification requests from this client",
                    f"wait {seconds} s and try again; for bulk checks use the trust bundle "
                    "or the certificate list API", {"retry_after": seconds}),
                    headers=[(b"retry-after", str(seconds).encode())])
                return
        await self.app(scope, receive, send)
