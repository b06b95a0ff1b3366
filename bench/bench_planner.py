"""The route planner's exact solver on 30 markets and 25 candidate assessments (the size
the test suite checks for correctness), timed here instead of in the tests.

Method: for 15 seeds, the random registry of tests/recognition (35 % of markets opened per
assessment, 30 % with a prerequisite) is solved 3 times; the median per seed and the median
over seeds are reported. Target: one solve < 1 s (the old in-suite budget).
Run: .venv/bin/python bench/bench_planner.py. The last line is one JSON object.
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from certpass.recognition.planner import solve
from tests.recognition.test_recognition_planner import random_candidates

SEEDS, REPEATS, MARKETS, CANDIDATES = 15, 3, 30, 25


def main() -> None:
    markets = [f"M{j}" for j in range(MARKETS)]
    per_seed = []
    for seed in range(SEEDS):
        cands = random_candidates(random.Random(seed), CANDIDATES, markets)
        times = []
        for _ in range(REPEATS):
            start = time.perf_counter()
            solve(cands, markets)
            times.append(time.perf_counter() - start)
        per_seed.append(statistics.median(times))
    figures = {
        "markets": MARKETS,
        "candidates": CANDIDATES,
        "solve_median_ms": round(statistics.median(per_seed) * 1e3, 2),
        "solve_max_ms": round(max(per_seed) * 1e3, 2),
        "target_ms": 1000,
    }
    print(f"method: {SEEDS} random registries x {REPEATS} solves; medians per registry")
    for k, v in figures.items():
        print(f"{k}: {v}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
