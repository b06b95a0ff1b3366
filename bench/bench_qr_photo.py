"""What a QR photo costs the server: decode time and peak memory of `qr_photo.decode` for a
real passport QR PNG, a 12-megapixel phone-like JPEG, a 24-megapixel one (decoded at half
scale) and two hostile files (a 50000×50000 header, an 8000×8000 decompression bomb),
next to what a naive `Image.open(...).load()` of the same bytes costs.

Method: each case runs in a fresh child process (its peak RSS, VmHWM in /proc — Linux —
never goes down), which imports everything, notes its peak RSS, decodes once, notes it
again; the figure is the growth. Time: the median of 3 children. Run:
.venv/bin/python bench/bench_qr_photo.py — the last line printed is one JSON object.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.credentials import photos

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import io, sys, time
from PIL import Image
from certpass.credentials import qr_photo
def peak_kb():  # VmHWM: this process's own high-water mark (ru_maxrss carries the parent's)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
data = open(sys.argv[1], "rb").read()
mode = sys.argv[2]
before = peak_kb()
start = time.perf_counter()
outcome = "ok"
try:
    if mode == "certpass":
        qr_photo.decode(data, max_pixels=16_000_000, max_bytes=8_388_608)
    else:
        Image.MAX_IMAGE_PIXELS = None  # what a decoder without a guard does
        Image.open(io.BytesIO(data)).load()
except Exception as exc:
    outcome = type(exc).__name__
took = time.perf_counter() - start
after = peak_kb()
print(f"{outcome} {took:.4f} {(after - before) / 1024:.1f}")
"""

CASES = {
    "passport-png": photos.qr_png,
    "phone-jpeg-12mp": lambda: photos.qr_photo(size=(4000, 3000)),
    "phone-jpeg-24mp": lambda: photos.qr_photo(size=(6000, 4000)),
    "header-50000x50000": photos.claims_50000_square,
    "bomb-8000x8000": photos.bomb,
}


def run(path: Path, mode: str) -> tuple[str, float, float]:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), mode], check=True,
                         capture_output=True, text=True, cwd=ROOT,
                         env={"PYTHONPATH": str(ROOT)}, timeout=300).stdout.split()
    return out[0], float(out[1]), float(out[2])


def main() -> None:
    figures: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, make in CASES.items():
            path = Path(tmp) / name
            data = make()
            path.write_bytes(data)
            row: dict[str, object] = {"bytes": len(data)}
            for mode in ("certpass", "naive"):
                if mode == "naive" and name == "header-50000x50000":
                    row["naive"] = "not run: would need 2.5 GB"
                    continue
                runs = [run(path, mode) for _ in range(3)]
                row[mode] = {"outcome": runs[0][0],
                             "seconds": round(statistics.median(r[1] for r in runs), 4),
                             "peak_mb": max(r[2] for r in runs)}
            figures[name] = row
            print(name, row)
    print(json.dumps({"bench": "qr_photo", "cases": figures}))


if __name__ == "__main__":
    main()
