"""Search at scale on SQLite: index build rate, index size, query latency, write overhead.

Method: a fresh migrated SQLite file (WAL) seeded with the tests' registry; N synthetic
certificates with realistic bilingual names (the demo generator's brands, cities, company
suffixes and product families: 佛山盛世电器有限公司 / Foshan Shengshi Electrical Appliance
Co., Ltd., 电水壶 / Electric kettle, models, HS codes, standards with editions, factories and
addresses), written straight into the certificate tables (signing is not what is measured
here). With --rebuild, `certpass search rebuild` (search.service.rebuild) then indexes them
all; by default (the bulk path, for 1,000,000) each batch's index documents are made with
the writer's own function (index.writer.row_for, the rows rebuild and issuance write) and
inserted with the batch, then the FTS5 index is merged (search.service.optimize): the same
index. The build rate is the indexing time only. Then a mix of queries through
search.service.search (first page of 20 and the total,
as the search page asks), each run 5 times with the totals cache emptied before every run (the
terms a prefix stands for stay cached per database state, as in service: the first run of
each query shows the cold cost)
(wall-clock and this process's CPU time, reported both: the machine may be shared):
1-character, 2-character and longer Chinese, English fragments, numbers, models, HS codes,
standards, and queries with filters. p50/p95 over all runs, and per class.
Write overhead: certificates issued through certificates.service.issue_many (with their
credentials) with the search hook, and with it replaced by one that does nothing
(measurement only), in the same run, alternating (with, without) three times after a
warm-up and a WAL checkpoint; the ratio of the medians is the slowdown.
Run: .venv/bin/python bench/bench_search.py [--certificates 20000] [--issue 2000] [--rebuild]
(or CERTPASS_BENCH_CERTIFICATES=1000000)
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service
from certpass.certificates.importer import bulk_mode
from certpass.certificates.models import Certificate, CertificateIssue
from certpass.credentials import service as credentials
from certpass.demo.generate import BRANDS, CN_CITIES, FAMILIES, SUFFIX
from certpass.index import writer as index
from certpass.index.models import SearchDocument
from certpass.registry.models import Body
from certpass.search import service as search
from certpass.store.database import Database
from tests.registry_fixture import SETTINGS, request, seed

BATCH = 5_000
SCHEMES = [("CCC", "cqc"), ("IECEE-CB", "cqc"), ("IECEx", "cqc")]
STANDARDS = ["IEC 60335-1:2020", "IEC 60335-2-15:2012", "IEC 62368-1:2018", "IEC 60079-0:2017"]
QUERIES = {
    "zh-1": ["电", "器", "宁", "壶"],
    "zh-2": ["电器", "佛山", "空调", "盛世"],
    "zh-long": ["佛山盛世电器有限公司", "宁波凯润电器", "电水壶"],
    "en": ["kettle", "kett", "Shengshi", "foshan shengshi", "Electrical Appliance"],
    "number": ["2024010711", "CN-0001234", "2023"],
    "model": ["KE-17", "ke1701"],
    "hs": ["8516.79", "851679"],
    "standard": ["IEC 60335-2-15", "IEC 60335-2-15:2012"],
    "filtered": [("kettle", {"status": "valid", "scheme": "CCC"}),
                 ("佛山", {"scheme": "IECEE-CB"}), ("", {"scheme": "CCC", "status": "valid"}),
                 ("电器", {"economy": "CN", "status": "suspended"})],
}


def synthetic(rng: random.Random, n: int, next_id: int) -> tuple[list[dict], list[dict]]:
    certs, issues = [], []
    for k in range(n):
        cid = next_id + k
        scheme, issuer = SCHEMES[cid % len(SCHEMES)]
        f = rng.choice(FAMILIES)
        brand, brand_zh = rng.choice(BRANDS)
        sector = f.sector if f.sector in CN_CITIES else "appliance"
        city, city_zh, address = rng.choice(CN_CITIES[sector])
        en, zh = SUFFIX.get(sector, SUFFIX["appliance"])
        holder = {"name": f"{city} {brand} {en}", "name_zh": f"{city_zh}{brand_zh}{zh}",
                  "economy": "CN", "address": address}
        on = dt.date(2019, 1, 1) + dt.timedelta(days=rng.randrange(2500))
        number = (f"{on.year}0107{rng.randrange(100):02d}{cid:08d}" if scheme == "CCC"
                  else f"CN-{cid:07d}" if scheme == "IECEE-CB"
                  else f"IECEx CQC {on.year % 100}.{cid:07d}X")
        model = f"{f.prefix}-{rng.randrange(100, 9999)}"
        certs.append({"id": cid, "number": number, "scheme_code": scheme, "issuer_id": issuer,
                      "kind": "product-certificate", "holder_name": holder["name"],
                      "holder_economy": "CN", "current_issue": 0,
                      "status": rng.choice(["valid"] * 8 + ["suspended", "withdrawn"]),
                      "status_word": "", "first_issued_on": on,
                      "valid_until": on + dt.timedelta(days=1826), "category_code": "",
                      "hs_code": f.hs, "created_by": "bench",
                      "updated_at": dt.datetime.now(dt.UTC)})
        issues.append({"certificate_id": cid, "issue_no": 0, "issued_on": on,
                       "valid_until": on + dt.timedelta(days=1826), "holder": holder,
                       "manufacturer": holder,
                       "products": [{"name": f.name, "name_zh": f.name_zh,
                                     "models": [model, model + "A"], "trademark": brand.upper(),
                                     "ratings": "", "hs_code": f.hs}],
                       "factories": [{"name": holder["name"], "address": address,
                                      "economy": "CN"}],
                       "standards": [rng.choice(STANDARDS)], "test_reports": [],
                       "testing_route": "third-party", "conditions": "", "change_note": "",
                       "superseded_at": None})
    return certs, issues


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def issue_rate(db: Database, prefix: str, count: int) -> tuple[float, float]:
    """(certificates per second of wall-clock, per second of this process's CPU)."""
    template = request("TEMPLATE")
    t0, c0 = time.perf_counter(), time.process_time()
    with bulk_mode():
        for base in range(0, count, 500):
            batch = [template.model_copy(update={"number": f"{prefix}{i:08d}"})
                     for i in range(base, min(base + 500, count))]
            with db.write() as session:
                service.issue_many(credentials.issuing(session, SETTINGS), batch, OPERATOR)
    return count / (time.perf_counter() - t0), count / (time.process_time() - c0)


def checkpoint(path: Path) -> None:
    """Write the WAL into the database file (a bulk load leaves it large)."""
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--certificates", type=int,
                        default=int(os.environ.get("CERTPASS_BENCH_CERTIFICATES", 20_000)))
    parser.add_argument("--issue", type=int, default=2_000, help="certificates per issuance run")
    parser.add_argument("--rebuild", action="store_true",
                        help="index with search.rebuild instead of the bulk path")
    args = parser.parse_args()
    rng = random.Random(15)
    with tempfile.TemporaryDirectory(dir=os.environ.get("CERTPASS_BENCH_DIR")) as tmp:
        path = Path(tmp) / "bench.db"
        db = Database(f"sqlite:///{path}")
        db.migrate()
        seed(db)
        with db.read() as s:
            bodies = {b.id: index.issuer_row(b) for b in s.scalars(select(Body))}
        t0, build_s = time.perf_counter(), 0.0
        for start in range(1, args.certificates + 1, BATCH):
            certs, issues = synthetic(rng, min(BATCH, args.certificates + 1 - start), start)
            with db.write() as s:
                s.connection().execute(insert(Certificate.__table__), certs)
                s.connection().execute(insert(CertificateIssue.__table__), issues)
                if not args.rebuild:
                    b0 = time.perf_counter()
                    s.connection().execute(insert(SearchDocument.__table__), [
                        index.row_for(c, [i], bodies[c["issuer_id"]])
                        for c, i in zip(certs, issues, strict=True)])
                    build_s += time.perf_counter() - b0
        if args.rebuild:
            t0 = time.perf_counter()
            with db.write() as s:
                indexed = search.rebuild(s)
            build_s = time.perf_counter() - t0
        else:
            t0 = time.perf_counter()
            with db.write() as s:
                search.optimize(s)
            build_s += time.perf_counter() - t0
            indexed = args.certificates
        checkpoint(path)
        with db.read() as s:
            rows = s.scalar(select(func.count()).select_from(SearchDocument.__table__))
            tokens = s.scalar(select(func.sum(func.length(SearchDocument.tokens)
                                              - func.length(func.replace(
                                                  SearchDocument.tokens, " ", "")) + 1)))
            conn = s.connection()
            try:  # the documents (tokens and weights) and the FTS5 index with its shadows
                index_bytes = conn.execute(text(
                    "SELECT SUM(pgsize) FROM dbstat WHERE name = 'search_documents' "
                    "OR name LIKE 'search_fts%' OR name LIKE 'sqlite_autoindex_search%'")
                ).scalar()
            except Exception:  # dbstat not compiled in: the file's growth is an upper bound
                index_bytes = None
        print(f"{args.certificates} synthetic certificates written; "
              f"indexed ({'rebuild' if args.rebuild else 'bulk'}) in {build_s:.1f} s: "
              f"{indexed / build_s:.0f} certificates/s, "
              f"{tokens / build_s:.0f} tokens/s, {rows} index documents "
              f"({tokens / indexed:.0f} tokens per certificate)"
              + (f", {index_bytes / 2**20:.0f} MiB" if index_bytes else ""))
        times: dict[str, list[float]] = {}
        cpu: dict[str, list[float]] = {}
        with db.read() as s:
            for cls, queries in QUERIES.items():
                for item in queries:
                    q, filters = item if isinstance(item, tuple) else (item, {})
                    flt = search.CertificateQuery(q=q or None, **filters)
                    for _ in range(5):
                        search._totals.clear()
                        t0, c0 = time.perf_counter(), time.process_time()
                        found = search.search(s, flt, limit=20)
                        times.setdefault(cls, []).append((time.perf_counter() - t0) * 1000)
                        cpu.setdefault(cls, []).append((time.process_time() - c0) * 1000)
                    median = statistics.median(times[cls][-5:])
                    print(f"  {cls:9} {q or '(no text)'!r:32} {filters or ''} "
                          f"total {found.total:>8}{'' if found.exact else '+'}  "
                          f"median {median:7.1f} ms (cpu {statistics.median(cpu[cls][-5:]):.1f}"
                          f", first run {times[cls][-5]:.1f})")
        every = [t for ts in times.values() for t in ts]
        every_cpu = [t for ts in cpu.values() for t in ts]
        p50, p95 = pct(every, 50), pct(every, 95)
        for cls, ts in times.items():
            print(f"{cls:9} p50 {pct(ts, 50):7.1f} ms  p95 {pct(ts, 95):7.1f} ms   "
                  f"cpu p50 {pct(cpu[cls], 50):6.1f}  p95 {pct(cpu[cls], 95):6.1f}")
        print(f"all queries: p50 {p50:.1f} ms, p95 {p95:.1f} ms (goal p95 < 30 ms); "
              f"cpu p50 {pct(every_cpu, 50):.1f} ms, p95 {pct(every_cpu, 95):.1f} ms; "
              f"load average {os.getloadavg()[0]:.1f}")
        hook = index.on_issue
        issue_rate(db, "W", 500)  # warm-up
        checkpoint(path)
        with_index, without = [], []
        for r in range(3):  # alternating, so drift (WAL, other load) falls on both
            with_index.append(issue_rate(db, f"I{r}-", args.issue))
            index.on_issue = lambda session, certificate, first, issuer: None  # measurement
            try:
                without.append(issue_rate(db, f"N{r}-", args.issue))
            finally:
                index.on_issue = hook
        db.dispose()
    rate, base = (statistics.median(r for r, _ in with_index),
                  statistics.median(r for r, _ in without))
    rate_cpu, base_cpu = (statistics.median(c for _, c in with_index),
                          statistics.median(c for _, c in without))
    print(f"issuance with the search hook: median {rate:.0f}/s; without: {base:.0f}/s; "
          f"slowdown {100 * (1 - rate / base):.1f}% (goal <= 15%); per CPU second "
          f"{rate_cpu:.0f} vs {base_cpu:.0f}: {100 * (1 - rate_cpu / base_cpu):.1f}%")
    print(json.dumps({"certificates": args.certificates, "p50_ms": round(p50, 2),
                      "p95_ms": round(p95, 2),
                      "p95_ms_by_class": {c: round(pct(t, 95), 2) for c, t in times.items()},
                      "p50_ms_by_class": {c: round(pct(t, 50), 2) for c, t in times.items()},
                      "cpu_p95_ms": round(pct(every_cpu, 95), 2),
                      "cpu_p95_ms_by_class": {c: round(pct(t, 95), 2)
                                              for c, t in cpu.items()},
                      "load_average": round(os.getloadavg()[0], 1),
                      "index_build_certificates_per_s": round(indexed / build_s),
                      "index_documents": rows,
                      "index_tokens_per_certificate": round(tokens / indexed, 1),
                      "index_mib": round(index_bytes / 2**20, 1) if index_bytes else None,
                      "issue_per_s_with_index": round(rate),
                      "issue_per_s_without_index": round(base),
                      "issue_slowdown_pct": round(100 * (1 - rate / base), 1),
                      "issue_slowdown_cpu_pct": round(100 * (1 - rate_cpu / base_cpu), 1)}))


if __name__ == "__main__":
    main()
