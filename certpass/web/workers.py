"""`certpass serve --workers N`: N server processes on one port, each with a listening socket
of its own (SO_REUSEPORT), so the kernel spreads new connections evenly over them.

uvicorn's own `--workers` shares one listening socket: the first worker to wake accepts a
burst of connections and keeps them alive, so under load one worker served nearly all of
them (bench_http: 8.4 against 0.3 CPU-seconds). With a socket per worker the kernel hashes
each connection to one socket, the split is even, and a worker that dies takes only its
own socket (and its queued connections) with it.

The supervisor restarts a worker that dies (at most `MAX_RESTARTS` in `RESTART_WINDOW`
seconds: a worker that cannot start the same way every time would only spin), stops every
worker on SIGINT/SIGTERM, and stops itself when a worker fails at startup (the app, the
database or the address is broken: a restart would fail the same way).
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from multiprocessing.process import BaseProcess

import uvicorn
from uvicorn.config import STARTUP_FAILURE

from certpass.errors import CertpassError

log = logging.getLogger("certpass.serve")

APP = "certpass.web.app:app_from_environment"  # built from the environment in each worker
MAX_RESTARTS = 10
RESTART_WINDOW = 60.0  # seconds
STOP_TIMEOUT = 30.0  # seconds a worker has to finish its requests when stopped


class AddressInUse(CertpassError):
    """The port is taken by another process."""

    code = "address-in-use"


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def listening_socket(host: str, port: int) -> socket.socket:
    """A socket bound to (host, port) that other sockets with SO_REUSEPORT, of the same
    user, may bind too: the kernel balances connections among those listening."""
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    return sock


def check_port_free(host: str, port: int) -> None:
    """Refuse a port another process listens on, even one that set SO_REUSEPORT (a second
    certpass, say): binding without it fails whenever any socket holds the port."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise AddressInUse(f"cannot listen on {host}:{port}: {exc.strerror}",
                               hint="stop the server that holds the port, or choose "
                               "another --port") from None


def _worker(host: str, port: int) -> None:  # the body of each worker process
    config = uvicorn.Config(APP, factory=True, host=host, port=port, log_level="info")
    config.configure_logging()
    try:
        sock = listening_socket(host, port)
    except OSError as exc:
        log.error("worker %d cannot listen on %s:%d: %s", os.getpid(), host, port, exc)
        sys.exit(STARTUP_FAILURE)
    with contextlib.suppress(KeyboardInterrupt):  # Ctrl-C: the supervisor stops it too
        uvicorn.Server(config).run(sockets=[sock])


def supervise(host: str, port: int, workers: int) -> int:
    """Run `workers` worker processes until SIGINT or SIGTERM; the exit status."""
    check_port_free(host, port)
    spawn = multiprocessing.get_context("spawn")  # no fork of a process holding threads
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())

    def start() -> BaseProcess:
        process = spawn.Process(target=_worker, args=(host, port), name="certpass-worker")
        process.start()
        log.info("started worker process [%s]", process.pid)
        return process

    processes = [start() for _ in range(workers)]
    restarts: list[float] = []
    status = 0
    while not stop.wait(0.5):
        for i, process in enumerate(processes):
            if process.is_alive():
                continue
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                log.error("worker [%s] failed to start: stopping", process.pid)
                stop.set()
                status = STARTUP_FAILURE
                break
            now = time.monotonic()
            restarts = [t for t in restarts if now - t < RESTART_WINDOW] + [now]
            if len(restarts) > MAX_RESTARTS:
                log.error("%d workers died within %.0f s: stopping", len(restarts),
                          RESTART_WINDOW)
                stop.set()
                status = 1
                break
            log.warning("worker [%s] died (exit %s): starting another", process.pid,
                        process.exitcode)
            processes[i] = start()
    for process in processes:
        if process.is_alive():
            process.terminate()  # SIGTERM: uvicorn finishes the requests it holds
    deadline = time.monotonic() + STOP_TIMEOUT
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            log.warning("worker [%s] did not stop in %.0f s: killed", process.pid,
                        STOP_TIMEOUT)
            process.kill()
            process.join()
    log.info("stopped %d worker(s)", len(processes))
    return status
