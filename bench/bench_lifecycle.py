"""Lifecycle speed on SQLite: issuance rate through the service, and a filtered page.

Method: a fresh migrated SQLite file (WAL), the registry of the tests; 10,000 certificates
issued through ``certificates.service.issue_many`` (scope check, history, log entry, signed
credential, status slots) in transactions of 500 (``bench_issue.issue_many``), three runs;
then the database is grown to 100,000 certificates and a filtered page of 50 (status +
scheme, newest first, with its total) is fetched at 50 offsets. Medians; the first
page's time (which counts the matches; the total is then cached until the next write) too.
Run: .venv/bin/python bench/bench_lifecycle.py
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench_issue import issue_many

from certpass.certificates import service
from certpass.search import service as search
from certpass.store.database import Database
from tests.registry_fixture import seed


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.migrate()
        seed(db)
        issue_many(db, "W", 0, 500)  # warm-up
        runs = [10_000 / issue_many(db, f"R{r}-", 0, 10_000) for r in range(3)]
        issue_per_s = statistics.median(runs)
        print(f"issue through the service: runs {[round(r) for r in runs]} /s, "
              f"median {issue_per_s:.0f}/s (target >= 2000)")
        remaining = 100_000 - 30_500
        issue_many(db, "F", 0, remaining)
        flt = search.CertificateQuery(status="valid", scheme="CCC")
        times = []
        with db.read() as session:
            for k in range(50):
                t0 = time.perf_counter()
                rows, total = search.listing(session, flt, 50, k * 50)
                [service.to_summary(c) for c in rows]
                times.append((time.perf_counter() - t0) * 1000)
        page_ms = statistics.median(times)
        print(f"filtered page of 50 out of {total} matching (100,000 stored): "
              f"median {page_ms:.2f} ms (target < 20 ms); the first page, which also counts "
              f"the matches (cached until the next write), {times[0]:.2f} ms")
        print(json.dumps({"issue_per_s": round(issue_per_s), "page_ms": round(page_ms, 2),
                          "first_page_ms": round(times[0], 2), "certificates": 100_000}))


if __name__ == "__main__":
    main()
