"""Full offline verification rate (eddsa-jcs-2022, every check, BundleTrust) of a demo-like
DCC, against the raw Ed25519 verify rate and Digital Bazaar's JS verifier, same machine and
run. Prints the method, the figures, and one JSON object on the last line."""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nacl.signing import SigningKey  # noqa: E402

from certpass.credentials.verifier import verify  # noqa: E402
from tests.credentials.test_verifier_world import World  # noqa: E402

ROUNDS = 7


def rate(fn, seconds: float = 0.5) -> float:  # type: ignore[no-untyped-def]
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(200):
            fn()
        n += 200
    return n / (time.perf_counter() - start)


def js_rate(credential: dict, documents: dict) -> float | None:
    node_modules = ROOT / "tests" / "js" / "node_modules"
    if not (shutil.which("node") and node_modules.is_dir()):
        return None
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"credentials": [credential], "documents": documents, "loop": 2000}, fh)
    done = subprocess.run(["node", str(ROOT / "tests" / "js" / "verify.mjs"), fh.name],
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["per_s"]


def main() -> None:
    world = World()
    trust = world.trust()
    credential = world.credential()
    assert verify(credential, trust).verdict == "valid"
    key = SigningKey(b"\x01" * 32)
    message = b"\x02" * 64  # what a jcs proof signs: two SHA-256 digests
    signature = key.sign(message).signature
    vk = key.verify_key
    # Rounds interleave the three, so machine noise hits them alike; medians are reported.
    python, raw, js = [], [], []
    for _ in range(ROUNDS):
        python.append(rate(lambda: verify(credential, trust)))
        raw.append(rate(lambda: vk.verify(message, signature)))
        if len(js) < 3 and (r := js_rate(credential, {world.cb.did: world.cb.did_document()})):
            js.append(r)
    verify_per_s, raw_per_s = statistics.median(python), statistics.median(raw)
    js_per_s = statistics.median(js) if js else None
    ratios = sorted(p / r for p, r in zip(python, raw, strict=True))
    print(f"method: {ROUNDS} interleaved rounds of: python verifier.verify() of one signed "
          "UNTP DCC (eddsa-jcs-2022) with all checks (schemas via compiled validator, proof, "
          "issuer key, accreditation scope, two status lists, validity) against a "
          "BundleTrust, for 0.5 s; raw = PyNaCl VerifyKey.verify of 64 bytes for 0.5 s; and "
          "(first 3 rounds) js = @digitalbazaar/vc verifyCredential of the same credential "
          "2000 times in one Node process (signature only, status skipped), after one "
          "warm-up. Medians; the per-round python/raw ratios are listed.")
    print(f"per-round ratio vs raw: {[round(r, 3) for r in ratios]}")
    figures = {"verify_per_s": round(verify_per_s), "raw_ed25519_per_s": round(raw_per_s),
               "ratio_vs_raw": round(verify_per_s / raw_per_s, 3),
               "js_verify_per_s": round(js_per_s) if js_per_s else None,
               "ratio_vs_js": round(verify_per_s / js_per_s, 2) if js_per_s else None}
    for k, v in figures.items():
        print(f"{k}: {v}")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
