"""The verify rate limit: a moving minute per client, in this process or shared through
Redis by every server process (CERTPASS_TEST_REDIS_URL; CI starts Redis on loopback)."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
import textwrap
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest

from certpass.errors import InvalidInput
from certpass.web.ratelimit import VerifyLimiter, storage_for

REDIS_URL = os.environ.get("CERTPASS_TEST_REDIS_URL", "")
needs_redis = pytest.mark.skipif(not REDIS_URL, reason="set CERTPASS_TEST_REDIS_URL")


def _takes(limiter: VerifyLimiter, client: str, n: int) -> list[float]:
    """`n` takes on a loop of their own, in a thread of their own (another test in this
    process, e.g. a sync Playwright one, may have left an event loop running here)."""
    async def run() -> list[float]:
        return [await limiter.take(client) for _ in range(n)]
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result(timeout=60)


def test_a_minute_s_budget_per_client_in_memory():
    limiter = VerifyLimiter(3, storage_for("memory://"))
    waits = _takes(limiter, "198.51.100.7", 4)
    assert waits[:3] == [0.0, 0.0, 0.0] and 1.0 <= waits[3] <= 60.0
    assert _takes(limiter, "198.51.100.8", 1) == [0.0]  # another client, its own budget


_OTHER_PROCESS = textwrap.dedent("""
    import asyncio, sys
    from certpass.web.ratelimit import VerifyLimiter, storage_for
    limiter = VerifyLimiter(3, storage_for(sys.argv[1]))
    async def run():
        return [await limiter.take(sys.argv[2]) for _ in range(2)]
    print(asyncio.run(run()))
""")


@needs_redis
def test_server_processes_share_one_budget_through_redis():
    """Two requests in another process and two here: the fourth of a 3-a-minute budget is
    refused, as it would be in one process (with memory:// each would allow three)."""
    client = f"203.0.113.{uuid.uuid4()}"  # a key no other run uses
    out = subprocess.run([sys.executable, "-c", _OTHER_PROCESS, REDIS_URL, client],
                         capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert out.returncode == 0 and out.stdout.strip() == "[0.0, 0.0]", out.stderr[-2000:]
    waits = _takes(VerifyLimiter(3, storage_for(REDIS_URL)), client, 2)
    assert waits[0] == 0.0 and 1.0 <= waits[1] <= 60.0


def test_an_unreachable_store_lets_verification_through_and_says_so(caplog):
    limiter = VerifyLimiter(1, storage_for("redis://127.0.0.1:9/0"))  # discard port: closed
    with caplog.at_level(logging.WARNING, logger="certpass.ratelimit"):
        assert _takes(limiter, "198.51.100.9", 3) == [0.0, 0.0, 0.0]
    assert [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(caplog.records) == 1  # once a minute, not once a request


def test_a_store_that_is_neither_memory_nor_redis_is_refused():
    with pytest.raises(InvalidInput, match="memory:// or redis://"):
        storage_for("memcached://127.0.0.1:11211")
