"""A wrong password costs the same for a known and an unknown user name (no enumeration by
timing), and a locked account answers at once.

Method: a fresh SQLite database with one user; 15 interleaved rounds of one throttled
``accounts.login`` with a wrong password for the known user and for an unknown one (each
from a new client address, and the counters cleared, so neither is locked); medians in ms.
Target: unknown / known between 0.8 and 1.25.
Run: .venv/bin/python bench/bench_login.py. The last line is one JSON object.
"""

from __future__ import annotations

import contextlib
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete  # noqa: E402

from certpass.accounts import service as accounts  # noqa: E402
from certpass.accounts.actor import OPERATOR  # noqa: E402
from certpass.accounts.models import LoginAttempts  # noqa: E402
from certpass.config import Settings  # noqa: E402
from certpass.errors import Unauthenticated  # noqa: E402
from certpass.store.database import Database  # noqa: E402

ROUNDS = 15


def one(db: Database, settings: Settings, name: str, n: int) -> float:
    with db.write() as s:
        s.execute(delete(LoginAttempts))
    start = time.perf_counter()
    with contextlib.suppress(Unauthenticated):
        accounts.login(db, settings, name, "not the password", f"10.0.{n // 250}.{n % 250}")
    return (time.perf_counter() - start) * 1000


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="certpass-bench-login-"))
    db = Database(f"sqlite:///{folder / 'b.db'}")
    db.migrate()
    with db.write() as s:
        accounts.add_user(s, "alice", "admin", None, "correct horse battery", OPERATOR)
    settings = Settings.load(environ={})
    known, unknown = [], []
    one(db, settings, "warm-up", 0)
    for n in range(ROUNDS):
        known.append(one(db, settings, "alice", 2 * n + 1))
        unknown.append(one(db, settings, "nobody", 2 * n + 2))
    k, u = statistics.median(known), statistics.median(unknown)
    print(f"wrong password, known user:   {k:.1f} ms (median of {ROUNDS})")
    print(f"wrong password, unknown user: {u:.1f} ms (median of {ROUNDS})")
    db.dispose()
    print(json.dumps({"known_ms": round(k, 1), "unknown_ms": round(u, 1),
                      "ratio": round(u / k, 3), "target": [0.8, 1.25],
                      "ok": 0.8 <= u / k <= 1.25}))


if __name__ == "__main__":
    main()
