"""The audit's cost on the demo: ``certpass log verify`` = the log's integrity check
(``ledger.verify_log``) then the replay against the tables (``audit.service.audit``).

Method: the demo dataset loaded through the services into a fresh migrated SQLite file
(1,268 certificates, about 3,000 log entries); each step timed three times, median.
Run: .venv/bin/python bench/bench_audit.py
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from certpass.audit import service as audit
from certpass.demo.loader import load_demo
from certpass.ledger import service as ledger
from certpass.store.database import Database
from tests.registry_fixture import SETTINGS


def _median(step) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(3):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'demo.db'}")
        db.migrate()
        figures = load_demo(db, SETTINGS)
        with db.read() as session:
            report = audit.audit(session, SETTINGS)
            assert report.ok, [str(f) for f in report.findings[:5]]
            integrity = _median(lambda: ledger.verify_log(session))
            replay = _median(lambda: audit.audit(session, SETTINGS))
        db.dispose()
    entries = report.entries_replayed
    print(f"demo: {figures['certificates']} certificates, {entries} log entries")
    print(f"integrity (verify_log): {integrity:.2f} s; replay and compare: {replay:.2f} s "
          f"({entries / replay:,.0f} entries/s)")
    print(json.dumps({"certificates": figures["certificates"], "entries": entries,
                      "verify_log_s": round(integrity, 3), "audit_s": round(replay, 3),
                      "audit_entries_per_s": round(entries / replay)}))


if __name__ == "__main__":
    main()
