"""PostgreSQL at scale (issue 18): load N certificates through the certificate service, then
time the reads a visitor makes, and compare the issuance rate with SQLite's in the same run.

Method: a fresh schema of its own in the PostgreSQL database of CERTPASS_BENCH_POSTGRES_URL
(else CERTPASS_TEST_POSTGRES_URL), migrated with certpass's migrations and seeded with the
tests' registry (tests/registry_fixture.py) plus two recorded arrangements (CCC -> NZ,
IECEE CB -> DE); the schema is dropped at the end, whatever happens. N certificates
(half CCC, half IECEE CB; bilingual holder names from the demo generator's brands, cities
and suffixes; household product families, models, factories) are issued through
``certificates.service.issue_many`` in transactions of 500 inside ``importer.bulk_mode()``
(the documented bulk path, as imports use): each gets its signed credential, its status
slots, its log entry and its search document, checked by counting rows after the load.
Issuance rate: after a 500-certificate warm-up on each side, the first min(N, 5000)
certificates of the load are issued in rounds of 1,000, alternating with the same requests
on a fresh migrated SQLite file (WAL) seeded alike (the order flips every round); the rate
is the time inside the write transactions, the median of the rounds on each side, and the
ratio is PostgreSQL / SQLite (goal >= 0.75). The rest of the load follows in the same way;
the time per 10,000 certificates loaded is reported.
Reads, each >= 200 samples (--samples) on random picks, p50/p95 of wall time:
GET /certificates/<number> (the page; TestClient on create_app with this Database),
GET /api/certificates?status=valid&scheme=..&issuer=cqc&limit=50&offset=<1,000..5,000>
(a filtered list, deep-ish page), search.service.search (first page of 20, a Chinese and
English query mix, the totals cache emptied before each; also reported per language,
with the slowest queries), a recognition decision
(recognition.service.recognise on the cached registry snapshot, as the API does, markets
CN, NZ, DE) and a verification (verifier.verify of a credential read from the database with
a fresh LiveTrust, as POST /api/verify does). Goal: every p95 < 50 ms at 1,000,000.
Measured here (2 CPUs shared with CI, N=20,000) before the JSON-LD shape cache was fixed
(the certificate number in its key made every credential miss it): about 350 s per 10,000
certificates loaded (28/s on both databases). After the fix bench_issue.py gives ~1,200/s on
SQLite; the per-10k times are printed as it goes, so time a 1,000,000 load from them.
Run: CERTPASS_BENCH_POSTGRES_URL=postgresql://user@host/db \\
     .venv/bin/python bench/bench_postgres.py [--certificates 20000] [--samples 200]
(or CERTPASS_BENCH_CERTIFICATES=1000000). The last line printed is one JSON object.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from fastapi.testclient import TestClient
from sqlalchemy import create_engine, func, select, text

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service
from certpass.certificates.importer import bulk_mode
from certpass.certificates.models import Certificate
from certpass.certificates.schemas import IssueRequest
from certpass.credentials import service as credentials
from certpass.credentials import verifier
from certpass.credentials.models import IssuedCredential, StatusSlot
from certpass.credentials.trust import LiveTrust
from certpass.demo.generate import BRANDS, CN_CITIES, FAMILIES, SUFFIX
from certpass.index.models import SearchDocument
from certpass.ledger.models import LogEntry
from certpass.recognition import service as recognition
from certpass.search import service as search
from certpass.store.database import Database
from certpass.web.app import create_app
from tests.registry_fixture import SETTINGS, request_data, seed

BATCH, ROUND, WARM, RATIO_MAX = 500, 1_000, 500, 5_000
TARGET_MS, TARGET_RATIO = 50.0, 0.75
HOUSEHOLD = [f for f in FAMILIES if f.iecee == "HOUS" and f.hs.startswith("8516")]
ARRANGEMENTS = [
    {"id": "bench-ccc-nz", "title_en": "Bench MRA (CCC to NZ)", "kind": "bilateral-mra",
     "markets": ["NZ"], "recognises": ["certificates"],
     "scope": {"source_schemes": ["CCC"], "certificate_kinds": ["product-certificate"]},
     "conditions": [{"code": "sample-required"}],
     "status_history": [{"date": "2020-01-01", "status": "in-force"}]},
    {"id": "bench-cb-de", "title_en": "Bench CB acceptance (DE)", "kind": "bilateral-mra",
     "markets": ["DE"], "recognises": ["certificates"],
     "scope": {"source_schemes": ["IECEE-CB"], "certificate_kinds": ["product-certificate"]},
     "status_history": [{"date": "2020-01-01", "status": "in-force"}]},
]
QUERIES_ZH = ["电水壶", "佛山", "电器", "宁波凯润电器", "空气炸锅", "盛世", "电器有限公司",
              "储水式"]
QUERIES_EN = ["kettle", "Foshan", "kett", "Electrical Appliance", "air fryer", "Kairun",
              "water heater", "Ningbo Huayu"]


def number(i: int) -> str:
    return f"20240107{i:08d}" if i % 2 == 0 else f"CN-{i:07d}"


def issue_request(i: int) -> IssueRequest:
    """Certificate i of the load: the same i gives the same request on both databases."""
    rng = random.Random(i)
    f = rng.choice(HOUSEHOLD)
    brand, brand_zh = rng.choice(BRANDS)
    city, city_zh, address = rng.choice(CN_CITIES["appliance"])
    en, zh = SUFFIX["appliance"]
    model = f"{f.prefix}-{rng.randrange(100, 9999)}"
    holder = {"name": f"{city} {brand} {en}", "name_zh": f"{city_zh}{brand_zh}{zh}",
              "economy": "CN", "address": address}
    return IssueRequest.model_validate(request_data(
        number(i), scheme="CCC" if i % 2 == 0 else "IECEE-CB", holder=holder,
        products=[{"name": f.name, "name_zh": f.name_zh, "models": [model, model + "A"],
                   "trademark": brand.upper(), "ratings": rng.choice(f.ratings or ("",)),
                   "hs_code": f.hs}],
        factories=[{"name": f"{city} {brand} Factory", "address": address, "economy": "CN"}],
        standards=[rng.choice(["GB 4706.1-2005", "IEC 60335-1:2010", "IEC 60335-2-15:2012"])],
        issued_on=(dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(600))).isoformat()))


def issue(db: Database, requests: list[IssueRequest]) -> float:
    """Seconds inside the write transactions issuing `requests` in batches of BATCH."""
    spent = 0.0
    for base in range(0, len(requests), BATCH):
        t0 = time.perf_counter()
        with db.write() as session:
            service.issue_many(credentials.issuing(session, SETTINGS),
                               requests[base:base + BATCH], OPERATOR)
        spent += time.perf_counter() - t0
    return spent


def prepare(db: Database) -> None:
    db.migrate()
    seed(db)
    with db.write() as s:
        for arrangement in ARRANGEMENTS:
            recognition.record_arrangement(s, arrangement, OPERATOR)


def counts(db: Database) -> dict[str, int]:
    with db.read() as s:
        return {name: s.scalar(select(func.count()).select_from(model.__table__)) or 0
                for name, model in [("certificates", Certificate),
                                    ("credentials", IssuedCredential),
                                    ("status_slots", StatusSlot), ("log_entries", LogEntry),
                                    ("search_documents", SearchDocument)]}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p / 100 * (len(values) - 1)))]


def timed(samples: int, run: Callable[[int], None]) -> list[float]:
    """Milliseconds of `run(k)` for k in range(samples), after one warm-up call."""
    run(-1)
    times = []
    for k in range(samples):
        t0 = time.perf_counter()
        run(k)
        times.append((time.perf_counter() - t0) * 1000)
    return times


def load(pg: Database, lite: Database, n: int) -> tuple[list[float], list[float], float]:
    """Issue n certificates into PostgreSQL; the first ones alternate with SQLite.
    (PostgreSQL rates per round, SQLite rates per round, PostgreSQL seconds in all)."""
    warm = min(WARM, n)
    first = [issue_request(i) for i in range(warm)]
    pg_s = issue(pg, first)
    issue(lite, first)
    sample = min(n - warm, RATIO_MAX)
    pg_rates, lite_rates, done = [], [], warm
    for r, base in enumerate(range(warm, warm + sample, ROUND)):
        requests = [issue_request(i) for i in range(base, min(base + ROUND, warm + sample))]
        for side in (("pg", "lite") if r % 2 == 0 else ("lite", "pg")):
            seconds = issue(pg if side == "pg" else lite, requests)
            (pg_rates if side == "pg" else lite_rates).append(len(requests) / seconds)
            if side == "pg":
                pg_s += seconds
        done += len(requests)
        print(f"  round {r}: postgres {pg_rates[-1]:.0f}/s, sqlite {lite_rates[-1]:.0f}/s",
              file=sys.stderr)
    mark, mark_s = done, pg_s
    for base in range(done, n, BATCH):
        pg_s += issue(pg, [issue_request(i) for i in range(base, min(base + BATCH, n))])
        done = min(base + BATCH, n)
        if done - mark >= 10_000 or done == n:
            print(f"  {done} loaded; last {done - mark}: {pg_s - mark_s:.1f} s "
                  f"({(done - mark) / (pg_s - mark_s):.0f}/s)", file=sys.stderr)
            mark, mark_s = done, pg_s
    return pg_rates, lite_rates, pg_s


def measure_reads(db: Database, n: int, samples: int, rng: random.Random) -> dict[str, list]:
    settings = SETTINGS.replace(verify_rate_per_minute=1_000_000)
    on = dt.date.today()
    times: dict[str, list[float]] = {}
    picks = [rng.randrange(n) for _ in range(samples + 1)]
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as client:
        def page(k: int) -> None:
            r = client.get(f"/certificates/{number(picks[k])}")
            assert r.status_code == 200, (r.status_code, r.text[:200])
        times["certificate_page"] = timed(samples, page)

        per_scheme = n // 2
        deep = [min(rng.randrange(1_000, 5_001), max(0, per_scheme - 50))
                for _ in range(samples + 1)]

        def listing(k: int) -> None:
            scheme = "CCC" if k % 2 == 0 else "IECEE-CB"
            r = client.get(f"/api/certificates?status=valid&scheme={scheme}&issuer=cqc"
                           f"&limit=50&offset={deep[k]}")
            assert r.status_code == 200 and r.json()["items"], (r.status_code, r.text[:200])
        times["list_page"] = timed(samples, listing)
    queries = [rng.choice(QUERIES_ZH if k % 2 == 0 else QUERIES_EN) for k in range(samples + 1)]

    def find(k: int) -> None:
        search._totals.clear()  # every query pays for its total, as a first visitor would
        with db.read() as s:
            search.search(s, search.CertificateQuery(q=queries[k]), limit=20)
    times["search"] = timed(samples, find)
    pairs = list(zip(queries[:samples], times["search"], strict=True))  # run(-1): warm-up
    by_query: dict[str, list[float]] = {}
    for q, t in pairs:
        by_query.setdefault(q, []).append(t)
    slowest = sorted(by_query.items(), key=lambda kv: -statistics.median(kv[1]))[:4]
    print("slowest searches (median ms): " + ", ".join(
        f"{q!r} {statistics.median(ts):.0f}" for q, ts in slowest), file=sys.stderr)
    times["search_zh"] = [t for q, t in pairs if q in QUERIES_ZH]
    times["search_en"] = [t for q, t in pairs if q in QUERIES_EN]
    markets = [rng.choice(["CN", "NZ", "DE"]) for _ in range(samples + 1)]
    outcomes: dict[str, int] = {}

    def decide(k: int) -> None:
        with db.read() as s:
            d = recognition.recognise(s, number(picks[k]), markets[k], on)
            d.to_json()
        key = f"{markets[k]}:{d.decision}"
        outcomes[key] = outcomes.get(key, 0) + 1
    times["decision"] = timed(samples, decide)
    with db.read() as s:
        ids = s.scalars(select(Certificate.id).where(
            Certificate.number.in_({number(i) for i in picks}))).all()
        documents = [row.signed_document() for row in s.scalars(
            select(IssuedCredential).where(IssuedCredential.certificate_id.in_(ids)))]
    rng.shuffle(documents)
    verdicts: dict[str, int] = {}

    def verify(k: int) -> None:
        with db.read() as s:
            verdict = verifier.verify(documents[k % len(documents)],
                                      LiveTrust(s, settings)).verdict
        verdicts[verdict] = verdicts.get(verdict, 0) + 1
    times["verify"] = timed(samples, verify)
    print(f"recognition outcomes {outcomes}; verification verdicts {verdicts}",
          file=sys.stderr)
    return times | {"_verdicts": [verdicts]}


def in_schema(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--certificates", type=int,
                        default=int(os.environ.get("CERTPASS_BENCH_CERTIFICATES", 20_000)))
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    url = (os.environ.get("CERTPASS_BENCH_POSTGRES_URL")
           or os.environ.get("CERTPASS_TEST_POSTGRES_URL"))
    if not url:
        print("bench_postgres: set CERTPASS_BENCH_POSTGRES_URL (or CERTPASS_TEST_POSTGRES_URL) "
              "to a postgresql:// URL; the bench makes and drops a schema of its own there",
              file=sys.stderr)
        print(json.dumps({"skipped": "no PostgreSQL URL"}))  # `make bench` goes on
        return 0
    n = args.certificates
    if n < WARM + ROUND:
        parser.error(f"--certificates must be at least {WARM + ROUND} (warm-up and one round)")
    schema = f"certpass_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    pg = None
    try:
        with tempfile.TemporaryDirectory(dir=os.environ.get("CERTPASS_BENCH_DIR")) as tmp:
            pg = Database(in_schema(url, schema))
            lite = Database(f"sqlite:///{Path(tmp) / 'bench.db'}")
            prepare(pg)
            prepare(lite)
            before = counts(pg)
            t0 = time.perf_counter()
            with bulk_mode():
                pg_rates, lite_rates, pg_s = load(pg, lite, n)
            wall = time.perf_counter() - t0
            lite.dispose()
        after = counts(pg)
        added = {k: after[k] - before[k] for k in after}
        slots = added["status_slots"] / max(1, n)
        assert added["certificates"] == added["credentials"] == added["search_documents"] == n \
            and added["log_entries"] >= n and slots >= 1 and slots == int(slots), added
        print(f"{n} certificates loaded into PostgreSQL in {pg_s:.1f} s inside transactions "
              f"({n / pg_s:.0f}/s; {pg_s / n * 10_000:.1f} s per 10k; {wall:.1f} s wall with "
              f"the SQLite rounds and request building); rows added {added}")
        with pg.engine.begin() as conn:
            conn.execute(text("ANALYZE"))
        times = measure_reads(pg, n, args.samples, random.Random(18))
        verdicts = times.pop("_verdicts")[0]
    finally:
        if pg is not None:
            pg.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
    pg_rate, lite_rate = statistics.median(pg_rates), statistics.median(lite_rates)
    ratio = pg_rate / lite_rate
    figures: dict[str, object] = {"certificates": n}
    for name, ts in times.items():
        figures[f"{name}_p50_ms"] = round(pct(ts, 50), 2)
        figures[f"{name}_p95_ms"] = round(pct(ts, 95), 2)
        print(f"{name:17} p50 {pct(ts, 50):7.2f} ms  p95 {pct(ts, 95):7.2f} ms "
              f"({len(ts)} samples; goal p95 < {TARGET_MS:.0f} ms)")
    print(f"issuance: postgres rounds {[round(r) for r in pg_rates]} /s, sqlite rounds "
          f"{[round(r) for r in lite_rates]} /s; medians {pg_rate:.0f} vs {lite_rate:.0f}, "
          f"ratio {ratio:.2f} (goal >= {TARGET_RATIO}); load average "
          f"{os.getloadavg()[0]:.1f}")
    met = (all(figures[f"{k}_p95_ms"] < TARGET_MS for k in times)
           and ratio >= TARGET_RATIO and verdicts.keys() == {"valid"})
    figures |= {"issue_per_s_postgres": round(pg_rate), "issue_per_s_sqlite": round(lite_rate),
                "issue_ratio": round(ratio, 2), "issue_rounds": len(pg_rates),
                "load_s_per_10k": round(pg_s / n * 10_000, 1), "samples": args.samples,
                "verify_verdicts": verdicts, "load_average": round(os.getloadavg()[0], 1),
                "targets_met": met}
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
