"""The identity resolver and the UNTP 0.7.0 form on the demo.

Method: the demo dataset loaded through the services into a fresh migrated SQLite file; an
in-process client asks for the linkset of the certificate 2024010711900001, for the GS1
Digital Link of the demo kettle (three certificates), and for a browser's redirect, and
downloads and verifies (POST /api/verify) its UNTP 0.7.0 credential; each request 30
times, median in milliseconds. The pure 0.7.0 mapping (from_061 and the read_070 check) of
every demo credential is timed once, per credential.
Run: .venv/bin/python bench/bench_resolver.py
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

from fastapi.testclient import TestClient
from sqlalchemy import select

from certpass.credentials import dcc070
from certpass.credentials.models import IssuedCredential
from certpass.demo.loader import load_demo
from certpass.store.database import Database
from certpass.web.app import create_app
from tests.registry_fixture import SETTINGS

RUNS = 30


def _median_ms(step) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return round(statistics.median(times) * 1000, 2)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        db = Database(f"sqlite:///{Path(folder) / 'demo.db'}")
        db.migrate()
        load_demo(db, SETTINGS)
        client = TestClient(create_app(SETTINGS, db))
        linkset = {"Accept": "application/linkset+json"}
        credential = client.get("/api/certificates/2024010711900001/credential",
                                params={"untp": "0.7.0"}).json()
        figures = {
            "certificate_linkset_ms": _median_ms(lambda: client.get(
                "/id/certificates/2024010711900001", headers=linkset)),
            "gtin_linkset_ms": _median_ms(lambda: client.get(
                "/01/06951234001704", headers=linkset)),
            "browser_redirect_ms": _median_ms(lambda: client.get(
                "/id/certificates/2024010711900001", headers={"Accept": "text/html"},
                follow_redirects=False)),
            "credential_070_download_ms": _median_ms(lambda: client.get(
                "/api/certificates/2024010711900001/credential", params={"untp": "0.7.0"})),
            "verify_070_ms": _median_ms(lambda: client.post("/api/verify", json=credential)),
        }
        with db.read() as s:
            rows = [r.signed_document() for r in s.scalars(select(IssuedCredential))]
        start = time.perf_counter()
        for doc in rows:
            dcc070.read_070(dcc070.from_061(doc))
        figures["map_070_us_per_credential"] = round(
            (time.perf_counter() - start) / len(rows) * 1e6, 1)
        figures["credentials"] = len(rows)
        db.dispose()
    for key, value in figures.items():
        print(f"{key}: {value}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
