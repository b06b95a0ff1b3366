"""Issuance with credentials on SQLite: certificates issued through the certificate service,
each with its signed UNTP DCC (eddsa-jcs-2022; the VC-JOSE JWT is signed when downloaded),
status-list slots and log entry.

Method: a fresh migrated SQLite file (WAL) seeded with the tests' registry
(tests/registry_fixture.py); a 500-certificate warm-up; then 10,000 issues through
``certificates.service.issue_many`` (one number look-up per batch, then ``issue`` for each)
in transactions of 500, three runs, median rate. In the same
process, the same is measured with the credential hook replaced by one that does nothing
(``credentials.service.on_issue`` → ``{}``; measurement only), so the cost of the credential
work shows as a ratio; the time inside the credential hook alone is reported as a rate.
Batches run in ``importer.bulk_mode()`` (fewer garbage collections), as bulk imports do.
A profile of one run is printed with --profile.
Run: .venv/bin/python bench/bench_issue.py [--count 10000] [--profile]
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service
from certpass.certificates.importer import bulk_mode
from certpass.credentials import service as credentials
from certpass.store.database import Database
from tests.registry_fixture import SETTINGS, request, seed

BATCH = 500


def issue_many(db: Database, prefix: str, start: int, count: int) -> float:
    """Seconds to issue `count` certificates in transactions of BATCH."""
    template = request("TEMPLATE")
    t0 = time.perf_counter()
    with bulk_mode():
        for base in range(start, start + count, BATCH):
            batch = [template.model_copy(update={"number": f"{prefix}{i:08d}"})
                     for i in range(base, min(base + BATCH, start + count))]
            with db.write() as session:
                service.issue_many(credentials.issuing(session, SETTINGS), batch, OPERATOR)
    return time.perf_counter() - t0


def measure(db: Database, prefix: str, count: int) -> list[float]:
    issue_many(db, prefix + "W", 0, 500)  # warm-up
    return [count / issue_many(db, f"{prefix}{r}-", 0, count) for r in range(3)]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.migrate()
        seed(db)
        spent = [0.0]
        hook = credentials.on_issue

        def timed(ctx, certificate, issue):  # type: ignore[no-untyped-def]
            t0 = time.perf_counter()
            try:
                return hook(ctx, certificate, issue)
            finally:
                spent[0] += time.perf_counter() - t0

        credentials.on_issue = timed  # measurement only: time the credential work alone
        try:
            with_credentials = measure(db, "C", args.count)
        finally:
            credentials.on_issue = hook
        credential_work = (3 * args.count + 500) / spent[0]
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            issue_many(db, "P", 0, 2_000)
            profiler.disable()
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
        credentials.on_issue = lambda ctx, certificate, issue: {}  # measurement only
        try:
            without = measure(db, "N", args.count)
        finally:
            credentials.on_issue = hook
        db.dispose()
    rate, base = statistics.median(with_credentials), statistics.median(without)
    print(f"issue with credentials (sign eddsa-jcs-2022, status slots, store): runs "
          f"{[round(r) for r in with_credentials]} /s, median {rate:.0f}/s (target >= 2000)")
    print(f"issue without credential work: runs {[round(r) for r in without]} /s, "
          f"median {base:.0f}/s; ratio {rate / base:.2f}")
    print(f"credential work alone (build DCC, allocate status slots, sign, buffer rows): "
          f"{credential_work:.0f} credentials/s")
    print(json.dumps({"issue_with_credentials_per_s": round(rate),
                      "credential_work_per_s": round(credential_work),
                      "issue_without_credentials_per_s": round(base),
                      "ratio": round(rate / base, 2), "count": args.count, "batch": BATCH}))


if __name__ == "__main__":
    main()
