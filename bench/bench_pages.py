"""Server time and weight of every page type on the demo data.

Method: build the demo database once in a temporary directory with the demo loader (plus a
signed checkpoint, a later change and a second checkpoint, as the page tests do), then hit
each page type 50 times in-process with FastAPI's TestClient after one warm-up request
(caches such as the recognition snapshot are the services' own). Reports p50/p95 server
time (wall time of the in-process request) and the page size; the last line is one JSON
object. Run: .venv/bin/python bench/bench_pages.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from sqlalchemy import select

from certpass.certificates.models import Certificate, CertificateIssue
from certpass.web.app import create_app
from tests.web.pages import demo_site

BUDGET_MS, LIMIT_BYTES = 100.0, 200_000


def pages(db) -> dict[str, str]:
    with db.read() as s:
        valid = s.scalar(select(Certificate.number).where(Certificate.status == "valid"))
        revoked = s.scalar(select(Certificate.number).where(Certificate.status == "withdrawn"))
        amended = s.scalar(select(Certificate.number).join(CertificateIssue)
                           .where(CertificateIssue.issue_no == 1))
    return {
        "home": "/", "search": "/search?q=cqc", "certificate": f"/certificates/{amended}",
        "verify-form": "/verify", "verify-number": f"/verify?number={valid}",
        "verify-market": f"/verify?number={revoked}&market=CN",
        "bodies": "/bodies", "body": "/bodies/cqc", "schemes": "/schemes",
        "scheme": "/schemes/CCC", "standards": "/standards",
        "standard": "/standards/IEC%2060335-1:2010", "arrangements": "/arrangements",
        "arrangement": "/arrangements/iecee-cb-to-ccc", "projects": "/projects",
        "project": "/projects/iecee-cb-for-ccc", "plan-form": "/plan",
        "plan": "/plan?hs=8516.79&standards=IEC+60335-1:2010;IEC+60335-2-15:2012&origin=CN"
                "&markets=CN&markets=NZ&markets=DE",
        "log": "/log", "log-prove": f"/log?number={demo_site.SUSPENDED_LATER}",
        "login": "/login", "not-found": "/certificates/NO-SUCH-NUMBER",
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        settings, db = demo_site.build(Path(tmp))
        # The public verify pages are rate-limited per client; one benchmark client is many.
        settings = settings.replace(verify_rate_per_minute=1_000_000)
        print(f"demo database built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
        results = {}
        with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
            for name, path in pages(db).items():
                first = time.perf_counter()
                client.get(path)  # warm-up: first use fills the services' caches
                cold = (time.perf_counter() - first) * 1000
                times, size, status = [], 0, 0
                for _ in range(args.runs):
                    start = time.perf_counter()
                    r = client.get(path)
                    times.append((time.perf_counter() - start) * 1000)
                    size, status = len(r.content), r.status_code
                times.sort()
                p95 = times[max(0, int(len(times) * 0.95) - 1)]
                results[name] = {"status": status, "bytes": size, "cold_ms": round(cold, 1),
                                 "p50_ms": round(statistics.median(times), 2),
                                 "p95_ms": round(p95, 2)}
                print(f"{name:16} {status} {size:>8} B  cold {cold:7.1f} ms  "
                      f"p50 {results[name]['p50_ms']:6.2f} ms  p95 {p95:6.2f} ms")
        db.dispose()
    over_time = [k for k, v in results.items() if v["p95_ms"] > BUDGET_MS]
    over_size = [k for k, v in results.items() if v["bytes"] > LIMIT_BYTES]
    print(json.dumps({"runs": args.runs, "pages": results, "p95_budget_ms": BUDGET_MS,
                      "over_time_budget": over_time, "over_size_limit": over_size}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
