"""Bulk import rate on SQLite: rows through ``certificates.importer.import_rows`` (the path of
`certpass certificates import` and `POST /api/import`): each row validated, issued in its own
savepoint (a bad row costs only itself), with its signed credential, status slots and log
entry; batches of 500 per transaction.

Method: a fresh migrated SQLite file seeded with the tests' registry; 500 rows of warm-up;
then 5,000 rows (one in 50 refused: a standard outside the issuer's scope), three runs,
median rate. Run: .venv/bin/python bench/bench_import.py
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

from certpass.accounts.actor import OPERATOR
from certpass.certificates import importer
from certpass.credentials import service as credentials
from certpass.store.database import Database
from tests.certificates.test_importer import GOOD
from tests.registry_fixture import SETTINGS, seed

ROWS = 5_000


def rows(prefix: str, count: int) -> list[dict]:
    out = [{**GOOD, "number": f"{prefix}{i:06d}"} for i in range(count)]
    for row in out[::50]:
        row["standards"] = "IEC 60079-0:2017"  # out of scope: refused, the rest land
    return out


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
        db.migrate()
        seed(db)
        importer.import_rows(db, SETTINGS, rows("W", 500), OPERATOR, passports=credentials)
        runs = []
        for r in range(3):
            batch = rows(f"R{r}-", ROWS)
            t0 = time.perf_counter()
            report = importer.import_rows(db, SETTINGS, batch, OPERATOR, passports=credentials)
            runs.append(ROWS / (time.perf_counter() - t0))
            assert report.imported == ROWS - ROWS // 50 and len(report.errors) == ROWS // 50
        db.dispose()
    rate = statistics.median(runs)
    print(f"bulk import, {ROWS} rows (1 in 50 refused): runs {[round(x) for x in runs]} "
          f"rows/s, median {rate:.0f} rows/s")
    print(json.dumps({"import_rows_per_s": round(rate), "rows": ROWS}))


if __name__ == "__main__":
    main()
