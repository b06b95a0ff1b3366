"""Waiting for something that runs beside a test (a server, a background import, the
checkpoint publisher) without a wall-clock budget that fails on a busy machine.

``wait_for`` polls with a growing interval. It gives up early only when the thing waited for
can no longer happen (``alive()`` turns false: the server process or thread ended), else
after a budget scaled by the machine's load (``os.getloadavg`` per core) and by
CERTPASS_TEST_TIME_SCALE, so two loaded cores get the time they need.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def scaled(seconds: float) -> float:
    """`seconds` on an idle machine, stretched by the load per core and the env factor."""
    try:
        load = os.getloadavg()[0] / (os.cpu_count() or 1)
    except OSError:  # not available on this platform
        load = 1.0
    factor = float(os.environ.get("CERTPASS_TEST_TIME_SCALE", "1") or 1)
    return seconds * max(1.0, load) * max(1.0, factor)


def wait_for(probe: Callable[[], T | None], what: str, *, seconds: float = 60.0,
             alive: Callable[[], bool] = lambda: True) -> T:
    """The first true result of `probe()`; AssertionError naming `what` if `alive()` turns
    false first, or the scaled budget passes."""
    give_up = time.monotonic() + scaled(seconds)
    pause = 0.01
    while True:
        result = probe()
        if result:
            return result
        if not alive():
            result = probe()  # it may have finished as it ended
            if result:
                return result
            raise AssertionError(f"{what}: it stopped before it was ready")
        if time.monotonic() > give_up:
            raise AssertionError(f"{what}: not ready after {scaled(seconds):.0f} s")
        time.sleep(pause)
        pause = min(pause * 1.5, 0.5)


def free_port() -> int:
    """A loopback port nothing listens on now, for a server a test starts beside it."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
