"""A per-client limit on the public verify endpoints → 429 with ``Retry-After``.

Verification is public and unauthenticated, so it is what a scraper or a flood would hit.
The counting is the `limits` library's moving window: ``rate_per_minute`` requests in any
60 seconds. Where it counts is ``rate_limit_storage``: ``memory://`` is this process alone;
``redis://host:port/db`` is shared by every server process and machine using that Redis, so
``serve --workers N`` gives each client one budget, not N. If that store cannot be reached,
requests are let through (verification stays up) and the failure is logged, once a minute.
"""

from __future__ import annotations

import logging
import math
import re
import time

from limits import RateLimitItemPerMinute
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter
from limits.errors import StorageError
from starlette.types import ASGIApp, Receive, Scope, Send

from certpass.errors import InvalidInput, error_body
from certpass.web.idempotency import _send_json

log = logging.getLogger("certpass.ratelimit")

# The public verify endpoints and the certificate look-up by number the verify page uses.
LIMITED = re.compile(r"^(/api/verify|/credentials/verify|/presentations/verify|/verify)(/|$)"
                     r"|^/api/certificates/[^/]+$")
NAMESPACE = "certpass-verify"  # the keys' prefix in a shared store


def storage_for(uri: str) -> Storage:
    """The async store behind a ``memory://`` or ``redis://`` URI (a settings error if it is
    neither, so `serve` stops at start rather than at the first request)."""
    scheme = uri.partition("://")[0]
    if scheme not in ("memory", "redis", "rediss"):
        raise InvalidInput(f"rate_limit_storage is {scheme}://…, not memory:// or redis://",
                           hint="CERTPASS_RATE_LIMIT_STORAGE=redis://127.0.0.1:6379/0 shares the "
                           "limit between server processes; memory:// keeps it in each")
    if scheme == "memory":
        return MemoryStorage()
    # Short timeouts: a store that hangs must not hold every verification up for long.
    return RedisStorage(f"async+{uri}", key_prefix=NAMESPACE, wrap_exceptions=True,
                        connect_timeout=0.5, stream_timeout=0.5)


class VerifyLimiter:
    """``rate_per_minute`` requests in any minute per client, counted in `storage`."""

    def __init__(self, rate_per_minute: int, storage: Storage) -> None:
        self.item = RateLimitItemPerMinute(max(1, rate_per_minute))
        self.storage = storage
        self._window = MovingWindowRateLimiter(storage)
        self._unreachable_logged = 0.0

    async def take(self, client: str) -> float:
        """0 if allowed, else the seconds until a request would be allowed."""
        try:
            if await self._window.hit(self.item, client):
                return 0.0
            reset, _ = await self._window.get_window_stats(self.item, client)
        except StorageError as exc:  # connection, timeout, protocol: the store's errors
            now = time.monotonic()
            if now - self._unreachable_logged > 60:
                self._unreachable_logged = now
                log.warning("verify rate limit not applied: its store is unreachable (%s)", exc)
            return 0.0
        return max(1.0, reset - time.time())


class VerifyRateLimit:
    def __init__(self, app: ASGIApp, limiter: VerifyLimiter) -> None:
        self.app, self.limiter = app, limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (scope["type"] == "http" and scope["method"] in ("GET", "POST", "HEAD")
                and LIMITED.match(scope["path"])):
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = await self.limiter.take(client)
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
