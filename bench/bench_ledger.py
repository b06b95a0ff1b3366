"""Transparency-log benchmark: append throughput and proof latency at 10 million entries.

Run alone: ``.venv/bin/python bench/bench_ledger.py [--seconds 5] [--proof-size 10000000]``.
Method:
  1. append: SQLite file database (WAL), migrated schema; batches of BATCH certificate-like
     events appended through ``service.append_events`` in one transaction each, with
     ``service.maybe_checkpoint`` (checkpoint_every_seconds=1) in the same transaction;
     sustained for --seconds; entries/s = entries / wall time, checkpoints included.
  2. proofs: a second SQLite database whose ``log_subtrees`` table is bulk-loaded with the
     complete-subtree hashes of --proof-size synthetic leaves (leaf i = SHA-256(0x00 || i));
     then ``service.inclusion_proof`` / ``service.consistency_proof`` on random indexes and
     sizes against the full tree, each timed separately (fresh read session per batch);
     median and p99 in ms; a sample of proofs is verified against the root.
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from certpass.config import Settings
from certpass.ledger import merkle, service
from certpass.store.database import Database

BATCH = 1000
CHUNK_LEVEL = 16  # synthetic leaves are built in aligned chunks of 2**16


def event(i: int) -> dict:
    return {
        "type": "certificate.issued",
        "at": "2026-01-01T00:00:00Z",
        "actor": "bench",
        "certificate": {"number": f"CN-{i:09d}", "issue": 1, "status": "valid",
                        "scheme": "ccc", "issuer": "body-1"},
        "documents": {"credential": f"sha256:{i:064x}"},
    }  # fmt: skip


def bench_append(folder: Path, seconds: float) -> dict:
    db = Database(f"sqlite:///{folder / 'append.db'}")
    db.migrate()
    settings = Settings(checkpoint_every_entries=10**9, checkpoint_every_seconds=1.0)
    n = checkpoints = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        events = [event(n + i) for i in range(BATCH)]
        with db.write() as session:
            service.append_events(session, events)
            if service.maybe_checkpoint(session, settings) is not None:
                checkpoints += 1
        n += BATCH
    elapsed = time.perf_counter() - start
    with db.read() as session:
        report = service.verify_log(session)
    db.dispose()
    return {"entries": n, "seconds": elapsed, "append_per_s": n / elapsed,
            "checkpoints": checkpoints, "verify_ok": report.ok}  # fmt: skip


def load_synthetic_tree(path: Path, size: int) -> bytes:
    """Bulk-load every complete-subtree hash of ``size`` synthetic leaves; returns the root."""
    db = Database(f"sqlite:///{path}")
    db.migrate()
    db.dispose()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA synchronous=OFF")
    sql = 'INSERT INTO log_subtrees (level, "index", hash) VALUES (?, ?, ?)'
    width = 1 << CHUNK_LEVEL
    chunk_roots = []
    for chunk_start in range(0, size, width):
        leaves = [merkle.leaf_hash(i.to_bytes(8, "big"))
                  for i in range(chunk_start, min(size, chunk_start + width))]  # fmt: skip
        rows, level, row = [], 0, leaves
        while row:
            base = chunk_start >> level
            rows.extend((level, base + i, h) for i, h in enumerate(row))
            row = [merkle.node_hash(row[i], row[i + 1]) for i in range(0, len(row) - 1, 2)]
            level += 1
        conn.executemany(sql, rows)
        if len(leaves) == width:
            chunk_roots.append(rows[-1][2])
    upper = merkle.subtree_hashes(chunk_roots)
    conn.executemany(sql, [(lv + CHUNK_LEVEL, ix, h) for (lv, ix), h in upper.items() if lv])
    conn.execute("UPDATE log_head SET size = ?", (size,))
    conn.commit()
    conn.close()
    db = Database(f"sqlite:///{path}")
    with db.read() as session:
        root = service.root_at(session, size)
    db.dispose()
    return root


def bench_proofs(folder: Path, size: int, samples: int) -> dict:
    path = folder / "proofs.db"
    t0 = time.perf_counter()
    root = load_synthetic_tree(path, size)
    load_s = time.perf_counter() - t0
    db = Database(f"sqlite:///{path}")
    rnd = random.Random(1)
    inclusion, consistency = [], []
    with db.read() as session:
        for _ in range(samples):
            index = rnd.randrange(size)
            t = time.perf_counter()
            proof = service.inclusion_proof(session, index, size)
            inclusion.append(time.perf_counter() - t)
            if len(inclusion) <= 20:
                leaf = merkle.leaf_hash(index.to_bytes(8, "big"))
                merkle.verify_inclusion(leaf, index, size, proof, root)
        for _ in range(samples):
            m = rnd.randrange(1, size)
            t = time.perf_counter()
            proof = service.consistency_proof(session, m, size)
            consistency.append(time.perf_counter() - t)
            if len(consistency) <= 20:
                merkle.verify_consistency(m, size, proof, service.root_at(session, m), root)
    db.dispose()

    def ms(values: list[float], q: float) -> float:
        return sorted(values)[int(q * (len(values) - 1))] * 1000

    return {
        "proof_tree_size": size, "load_seconds": load_s,
        "inclusion_proof_ms": statistics.median(inclusion) * 1000,
        "inclusion_proof_p99_ms": ms(inclusion, 0.99),
        "consistency_proof_ms": statistics.median(consistency) * 1000,
        "consistency_proof_p99_ms": ms(consistency, 0.99),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--proof-size", type=int, default=10_000_000)
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args()
    print(__doc__)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        append = bench_append(folder, args.seconds)
        print(f"append: {append['entries']} entries in {append['seconds']:.2f} s = "
              f"{append['append_per_s']:.0f}/s, {append['checkpoints']} checkpoints, "
              f"verify_log ok={append['verify_ok']}")  # fmt: skip
        proofs = bench_proofs(folder, args.proof_size, args.samples)
        print(f"proofs at {proofs['proof_tree_size']} entries (loaded in "
              f"{proofs['load_seconds']:.0f} s): inclusion median "
              f"{proofs['inclusion_proof_ms']:.3f} ms (p99 {proofs['inclusion_proof_p99_ms']:.3f}),"
              f" consistency median {proofs['consistency_proof_ms']:.3f} ms "
              f"(p99 {proofs['consistency_proof_p99_ms']:.3f})")  # fmt: skip
    print(json.dumps({**append, **proofs}))


if __name__ == "__main__":
    main()
