"""Crash safety: a real server (``certpass serve``, SQLite file) killed with SIGKILL at random
moments during a 10,000-row bulk import and during concurrent issuance with idempotency keys.

After every kill: each certificate is wholly present (certificate, issue, status event, log
entry, credential and status slot) or wholly absent, ``verify_log`` passes, and no
idempotency key is left half-claimed. Retrying (the import, or the same keys) completes the
work with no duplicate.
"""

from __future__ import annotations

import contextlib
import io
import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import inspect, text

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.ledger.service import verify_log
from certpass.store.database import Database
from tests.registry_fixture import request_data, seed
from tests.waiting import wait_for

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
IMPORT_ROWS = 10_000
IMPORT_KILLS = 12
ISSUE_KILLS = 10
ISSUES = 60


class Server:
    def __init__(self, url: str) -> None:
        self.url = url
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = ""

    def start(self) -> None:
        # A port found free can be taken by another test's process before the server binds
        # it (the server then exits with address-in-use): a fresh port, at most three times.
        for attempt in range(3):
            with socket.socket() as s:
                s.bind(("127.0.0.1", 0))
                port = s.getsockname()[1]
            # The seeded requests are dated 2024: the back-dating window is widened as for
            # the other web tests (tests/web/conftest.py), the rule itself has its own tests.
            env = {**os.environ, "CERTPASS_SECRET_KEY": "test-secret-key-0123456789",
                   "CERTPASS_VERIFY_RATE_PER_MINUTE": "100000", "PYTHONPATH": str(ROOT),
                   "CERTPASS_BACKDATE_DAYS": "36500"}
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "certpass.cli.main", "--database", self.url, "serve",
                 "--port", str(port)], env=env, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL)
            self.base = f"http://127.0.0.1:{port}"
            try:
                wait_for(self._healthy, "certpass serve", alive=lambda: self.proc is not None
                         and self.proc.poll() is None)
                return
            except AssertionError:
                if attempt == 2 or self.proc.poll() is None:
                    raise

    def _healthy(self) -> bool:
        try:
            return httpx.get(self.base + "/api/health", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None


def check_whole(db: Database) -> dict[str, int]:
    """Every certificate wholly present; nothing that belongs to an absent one."""
    with db.read() as s:
        tables = set(inspect(s.connection()).get_table_names())

        def one(sql: str) -> int:
            return int(s.execute(text(sql)).scalar() or 0)

        certs = one("SELECT count(*) FROM certificates")
        assert one("SELECT count(*) FROM certificates c WHERE NOT EXISTS "
                   "(SELECT 1 FROM certificate_issues i WHERE i.certificate_id = c.id)") == 0
        assert one("SELECT count(*) FROM certificates c WHERE NOT EXISTS "
                   "(SELECT 1 FROM status_events e WHERE e.certificate_id = c.id)") == 0
        assert one("SELECT count(*) FROM status_events e WHERE NOT EXISTS "
                   "(SELECT 1 FROM log_entries l WHERE l.\"index\" = e.log_index)") == 0
        issued_entries = one("SELECT count(*) FROM log_entries "
                             "WHERE event_type = 'certificate.issued'")
        assert issued_entries == certs, (issued_entries, certs)
        if "credentials" in tables:
            assert one("SELECT count(*) FROM certificate_issues i WHERE NOT EXISTS "
                       "(SELECT 1 FROM credentials c WHERE c.certificate_id = i.certificate_id"
                       " AND c.issue_no = i.issue_no)") == 0
        if "status_slots" in tables:
            assert one("SELECT count(*) FROM certificates c WHERE NOT EXISTS "
                       "(SELECT 1 FROM status_slots t WHERE t.certificate_id = c.id)") == 0
        assert one("SELECT count(*) FROM idempotency_records WHERE status = 0") == 0
        report = verify_log(s)
        assert report.ok, report.problems
        return {"certificates": certs}


def _csv(n: int) -> bytes:
    out = io.StringIO()
    out.write("number,scheme,issuer,holder_name,holder_economy,product_name,models,standards,"
              "issued_on,category\n")
    for i in range(n):
        out.write(f"IMP{i:07d},CCC,cqc,Holder {i % 97},CN,Kettle,EK-{i % 13},GB 4706.1-2005,"
                  "2024-03-01,HOUS\n")
    return out.getvalue().encode()


@pytest.fixture
def server_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    db = Database(url)
    db.migrate()
    seed(db)
    with db.write() as s:
        accounts.add_user(s, "cqc", "certification-body", "cqc", "correct horse battery",
                          OPERATOR)
        token = accounts.create_token(s, "cqc", "write", 5, "crash", OPERATOR).token
    server = Server(url)
    yield db, server, {"Authorization": f"Bearer {token}"}
    server.kill()
    db.dispose()


def _in_background(fn) -> threading.Thread:  # type: ignore[no-untyped-def]
    def guarded() -> None:
        with contextlib.suppress(httpx.HTTPError):  # the server died under the request
            fn()

    t = threading.Thread(target=guarded, daemon=True)
    t.start()
    return t


def test_kill_during_bulk_import(server_db):
    db, server, auth = server_db
    data = _csv(IMPORT_ROWS)
    rng = random.Random(20240107)
    seen = []
    for _ in range(IMPORT_KILLS):
        server.start()
        _in_background(lambda: httpx.post(server.base + "/api/import", headers=auth,
                                          files={"file": ("c.csv", data)}, timeout=600))
        time.sleep(rng.uniform(1.0, 8.0))
        server.kill()
        seen.append(check_whole(db)["certificates"])
    assert seen == sorted(seen)  # committed batches never disappear
    server.start()
    r = httpx.post(server.base + "/api/import", headers=auth, files={"file": ("c.csv", data)},
                   timeout=900)
    server.stop()
    report = r.json()
    assert r.status_code == 200 and report["failed"] == 0, report
    assert report["imported"] + report["already_present"] == IMPORT_ROWS
    assert report["already_present"] == seen[-1]
    assert check_whole(db)["certificates"] == IMPORT_ROWS


def test_kill_during_concurrent_issuance_with_idempotency_keys(server_db):
    db, server, auth = server_db
    numbers = [f"2024010702{i:06d}" for i in range(ISSUES)]
    rng = random.Random(7)
    answered: dict[str, dict] = {}
    lock = threading.Lock()

    def worker(mine: list[str]) -> None:
        with httpx.Client(timeout=60) as c:
            for n in mine:
                if n in answered:
                    continue
                r = c.post(server.base + "/api/certificates", json=request_data(n),
                           headers={**auth, "Idempotency-Key": f"issue-{n}"})
                assert r.status_code == 201, r.text
                with lock:
                    answered[n] = r.json()

    for _ in range(ISSUE_KILLS):
        server.start()
        threads = [_in_background(lambda k=k: worker(numbers[k::4])) for k in range(4)]
        time.sleep(rng.uniform(0.2, 1.5))
        server.kill()
        for t in threads:
            t.join(5)
        check_whole(db)
    server.start()
    worker(numbers)  # retry everything with the same keys: replays or completes
    first_answers = dict(answered)
    answered.clear()
    worker(numbers)  # and once more: every answer is the stored first one
    server.stop()
    assert answered == first_answers
    assert check_whole(db)["certificates"] == ISSUES
