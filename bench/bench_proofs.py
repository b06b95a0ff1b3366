"""What a Data Integrity proof costs beyond its Ed25519 check: canonicalising and hashing a
demo DCC (eddsa-jcs-2022) must cost less than the signature check itself.

Method: 7 interleaved rounds of proofs.verify() of one signed DCC and of a raw PyNaCl
verify of 64 bytes, 0.3 s each; medians. Target: overhead / raw < 1.
Run: .venv/bin/python bench/bench_proofs.py. The last line is one JSON object.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from certpass.credentials import multikey, proofs  # noqa: E402
from tests.credentials.test_proofs import KEY, SIGNED, did_key_resolver  # noqa: E402

ROUNDS = 7


def seconds_per_call(fn, seconds: float = 0.3) -> float:  # type: ignore[no-untyped-def]
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(100):
            fn()
        n += 100
    return (time.perf_counter() - start) / n


def main() -> None:
    doc = SIGNED[proofs.JCS]
    verifier = multikey.verify_key(KEY.public_key)
    message, signature = b"m" * 64, KEY.sign(b"m" * 64)
    raw, full = [], []
    for _ in range(ROUNDS):
        raw.append(seconds_per_call(lambda: verifier.verify(message, signature)))
        full.append(seconds_per_call(lambda: proofs.verify(doc, did_key_resolver)))
    raw_s, full_s = statistics.median(raw), statistics.median(full)
    figures = {
        "raw_ed25519_us": round(raw_s * 1e6, 1),
        "jcs_verify_us": round(full_s * 1e6, 1),
        "overhead_vs_raw": round((full_s - raw_s) / raw_s, 3),
        "target_overhead_vs_raw": 1.0,
    }
    print(f"method: {ROUNDS} interleaved rounds, medians")
    for k, v in figures.items():
        print(f"{k}: {v}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
