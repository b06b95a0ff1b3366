"""Several processes issuing at once, while the checkpoint publisher is killed (-9) and a
standby takes over: one gap-free, fork-free log whose entries match the registry, and
`certpass log verify` passes (SQLite file and PostgreSQL)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

from sqlalchemy import func, select

from certpass.certificates.models import Certificate
from certpass.ledger.models import LogEntry
from certpass.store.database import Database
from tests.cli.test_worker import TAKEN, Worker, checkpointed
from tests.conftest import cli_runner
from tests.registry_fixture import SETTINGS, seed

WRITERS, EACH = 3, 6

_WRITER = textwrap.dedent("""
    import sys
    from certpass.accounts.actor import OPERATOR
    from certpass.certificates import service as certificates
    from certpass.store.database import Database
    from tests.registry_fixture import ctx, request
    db, writer, each = Database(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    for j in range(each):  # one transaction per certificate, as the CLI and the API do
        with db.write() as s:
            certificates.issue(ctx(s), request(f"2024010701{writer}{j:05d}"), OPERATOR)
    print("done", flush=True)
""")


def test_concurrent_issuers_and_a_killed_publisher_give_one_log(db: Database, capsys):
    seed(db)
    with db.read() as s:
        before = s.scalar(select(func.count()).select_from(LogEntry))
    secret = SETTINGS.secret_key  # the writers' settings seal the keys with it
    first = Worker(db.url, secret)
    second = None
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    writers = [subprocess.Popen([sys.executable, "-c", _WRITER, db.url, str(w), str(EACH)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=env) for w in range(WRITERS)]
    try:
        assert first.saw(TAKEN, 60)
        first.proc.send_signal(signal.SIGKILL)  # mid-run: the writers are still issuing
        first.proc.wait(10)
        second = Worker(db.url, secret)
        assert second.saw(TAKEN, 60), "the standby publisher takes over"
        for w in writers:
            out, errors = w.communicate(timeout=300)
            assert w.returncode == 0 and out.strip() == "done", errors[-2000:]
        with db.read() as s:
            size = s.scalar(select(func.count()).select_from(LogEntry))
            indexes = list(s.scalars(select(LogEntry.index).order_by(LogEntry.index)))
            issued = [json.loads(e)["certificate"]["number"] for e in s.scalars(
                select(LogEntry.entry).where(LogEntry.event_type == "certificate.issued"))]
            numbers = set(s.scalars(select(Certificate.number)))
        assert indexes == list(range(size)), "gap-free: every index once, in order"
        assert size >= before + WRITERS * EACH
        assert sorted(issued) == sorted(numbers) and len(numbers) == WRITERS * EACH
        assert checkpointed(db, size, 60), "the new publisher covers the head"
    finally:
        for w in writers:
            w.kill()
        first.stop()
        if second is not None:
            second.stop()
    code, out, err = cli_runner(db, capsys)("log", "verify")
    assert code == 0, out + err
