"""`certpass serve --workers N` (certpass.web.workers): each worker listens on a socket of
its own on the one port (SO_REUSEPORT), a worker killed with -9 is replaced, SIGTERM stops
them all, and a port another process holds is a clear error, not a second server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from certpass.web.workers import AddressInUse, check_port_free
from tests.waiting import free_port, wait_for

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(),
                                reason="reads the listening sockets from Linux /proc")


def _listeners(port: int) -> set[str]:
    """Inodes of the IPv4 sockets listening on `port` (state 0A: LISTEN)."""
    out = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
            out.add(fields[9])
    return out


def _owners(inodes: set[str]) -> dict[str, int]:
    """inode -> the pid that holds it, among this user's processes."""
    out: dict[str, int] = {}
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:[") and target[8:-1] in inodes:
                    out.setdefault(target[8:-1], int(pid))
        except OSError:
            continue  # gone, or not ours
    return out


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/health", timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


@pytest.fixture
def database(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    subprocess.run([sys.executable, "-m", "certpass.cli.main", "--database", url, "init"],
                   check=True, capture_output=True, env={**os.environ, "PYTHONPATH": os.getcwd()})
    return url


def _serve(url: str, port: int, log: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": os.getcwd(), "CERTPASS_DATABASE_URL": url,
           "CERTPASS_SECRET_KEY": "serve-workers-test-secret-0123456789"}
    with log.open("wb") as out:
        return subprocess.Popen([sys.executable, "-m", "certpass.cli.main", "serve",
                                 "--workers", "2", "--port", str(port), "--no-jobs"],
                                stdout=out, stderr=subprocess.STDOUT, env=env)


def test_each_worker_listens_on_its_own_socket_and_a_dead_one_is_replaced(
        database: str, tmp_path: Path) -> None:
    port = free_port()
    server = _serve(database, port, tmp_path / "serve.log")
    try:
        alive = lambda: server.poll() is None  # noqa: E731
        wait_for(lambda: len(_listeners(port)) == 2 and _healthy(port), "two workers",
                 alive=alive)
        owners = _owners(_listeners(port))
        # Two sockets, each held by a different worker: neither is the supervisor's.
        assert len(set(owners.values())) == 2 and server.pid not in owners.values()
        assert all(_healthy(port) for _ in range(10))  # each request on a new connection

        victim = next(iter(owners.values()))
        os.kill(victim, signal.SIGKILL)
        # Reaped by the supervisor (an exiting process's /proc is unreadable, its socket
        # still listed), then two sockets again, of two live workers.
        wait_for(lambda: not Path(f"/proc/{victim}").exists(), "the killed worker reaped",
                 alive=alive)
        wait_for(lambda: len(set(_owners(_listeners(port)).values()) - {victim}) == 2
                 and _healthy(port), "a worker in place of the killed one", alive=alive)

        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=60) == 0
        assert _listeners(port) == set()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(10)
    log = (tmp_path / "serve.log").read_text(errors="replace")
    assert f"worker [{victim}] died" in log and "stopped 2 worker(s)" in log


def test_a_port_held_by_another_process_is_refused(database: str, tmp_path: Path) -> None:
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # even one that shares
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        with pytest.raises(AddressInUse, match=f"cannot listen on 127.0.0.1:{port}"):
            check_port_free("127.0.0.1", port)
        server = _serve(database, port, tmp_path / "busy.log")
        assert server.wait(timeout=120) != 0
    log = (tmp_path / "busy.log").read_text(errors="replace")
    assert "error [address-in-use]" in log and "Traceback" not in log
