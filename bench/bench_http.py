"""Credential verification, certificate pages and the QR path over real HTTP, under load,
next to the in-process verify rate measured in the same run.

Method: build the demo database in a temporary directory with `certpass init --demo` (what
`make demo` runs), with a random strong CERTPASS_SECRET_KEY and the verify rate limit set
out of reach (the bench is one client); pick up to 16 signed credentials that verify
`valid`. In-process: `verifier.verify(credential, LiveTrust(session, settings))` in a fresh
read session per call (what POST /api/verify does for a credential body, minus HTTP),
cycling over those credentials, single process, 3 rounds of 2 s before the HTTP runs and 3
after; the median is reported. HTTP: `certpass serve --workers 2` on a free loopback port,
driven by wrk (-t 2 -c 8 -d 10 s --latency, after a 2 s warm-up of each request) for:
POST /api/verify with each credential as the body; GET /certificates/{number}; and the QR
path, the two requests a phone scanning a passport's QR code makes: GET
/id/certificates/{number}?sha256=... with a browser's Accept (303 to the verify page) and
GET /verify?number=...&sha256=... (the verify page, which looks the credential up and
verifies it). A wrk Lua script checks every response (status, and the verdict or the
redirect target) and counts the bad ones; any bad response, socket error or server-log
error fails the bench (exit 1). Each run also reports the CPU seconds each server process
used (Linux /proc): how the connections spread over the workers.
Target (issue 18): HTTP verify >= 0.5 x the in-process rate, p99 < 50 ms. Server and load
generator share the machine. Needs wrk (Debian: `apt-get install wrk`).
Run: .venv/bin/python bench/bench_http.py [--duration 10] [--connections 8] [--data DIR]
(building the demo takes one to three minutes; --data DIR keeps it for the next run).
The last line printed is one JSON object with the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402

from certpass.certificates.models import Certificate  # noqa: E402
from certpass.config import Settings  # noqa: E402
from certpass.credentials import verifier  # noqa: E402
from certpass.credentials.models import IssuedCredential  # noqa: E402
from certpass.credentials.trust import LiveTrust  # noqa: E402
from certpass.store.database import Database  # noqa: E402

RATIO_TARGET, P99_TARGET_MS = 0.5, 50.0
CREDENTIALS = 16
INSTALL_HINT = ("wrk is not installed: it is the load generator of this bench. Install it "
                "with `sudo apt-get install wrk` (Debian/Ubuntu), `brew install wrk` (macOS), "
                "or build it from https://github.com/wg/wrk; `make bench` installs it where "
                "it can (scripts/bench-prerequisites.sh).")

# Every response is checked in Lua; `done` prints one JSON line prefixed with BENCH.
LUA = r"""
local items = {ITEMS}
local method, expect_status, expect_text, expect_location = METHOD, STATUS, TEXT, LOCATION
local counter, bad, sample = 0, 0, ""
local threads = {}
local n = 0

function setup(thread)
  n = n + 1
  thread:set("offset", n)
  table.insert(threads, thread)
end

function init(args)
  counter = offset or 0
end

request = function()
  counter = counter + 1
  local item = items[(counter % #items) + 1]
  local headers = {}
  for k, v in pairs(item.headers) do headers[k] = v end
  return wrk.format(method, item.path, headers, item.body)
end

response = function(status, headers, body)
  local ok = status == expect_status
  if ok and expect_text ~= "" then
    ok = body ~= nil and string.find(body, expect_text, 1, true) ~= nil
  end
  if ok and expect_location ~= "" then
    local location = headers["location"] or headers["Location"] or ""
    ok = string.find(location, expect_location, 1, true) ~= nil
  end
  if not ok then
    bad = bad + 1
    if sample == "" then
      sample = (tostring(status) .. " " .. string.sub(body or "", 1, 200))
        :gsub("[%c\\\"]", " "):gsub("[\128-\255]", "?")
    end
  end
end

done = function(summary, latency, requests)
  local total_bad, first = 0, ""
  for _, thread in ipairs(threads) do
    total_bad = total_bad + (thread:get("bad") or 0)
    local s = thread:get("sample") or ""
    if first == "" then first = s end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, '
    .. '"max_us": %d, "bad": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, '
    .. '"status": %d, "sample": "%s"}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency.max, total_bad, e.connect, e.read, e.write, e.timeout,
    e.status, first))
end
"""


def lua_string(text: str) -> str:
    """A Lua long-bracket string holding `text` exactly."""
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    eq = "=" * level
    return f"[{eq}[\n{text}]{eq}]"  # a newline right after the opening bracket is dropped


def lua_script(method: str, items: list[dict], status: int, text: str = "",
               location: str = "") -> str:
    rows = []
    for item in items:
        headers = ", ".join(f"[ {lua_string(k)} ] = {lua_string(v)}"
                            for k, v in item.get("headers", {}).items())
        body = lua_string(item["body"]) if item.get("body") is not None else "nil"
        rows.append(f"{{path = {lua_string(item['path'])}, headers = {{{headers}}}, "
                    f"body = {body}}}")
    return (LUA.replace("{ITEMS}", "{\n" + ",\n".join(rows) + "\n}")
            .replace("METHOD, STATUS, TEXT, LOCATION",
                     f"{lua_string(method)}, {status}, {lua_string(text)}, "
                     f"{lua_string(location)}"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def certpass_command() -> list[str]:
    script = Path(sys.executable).with_name("certpass")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from certpass.cli.main import run; run()"]


def inprocess_rate(db: Database, settings: Settings, docs: list[dict],
                   seconds: float) -> float:
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for doc in docs:
            with db.read() as session:
                result = verifier.verify(doc, LiveTrust(session, settings))
            if result.verdict != "valid":
                raise SystemExit(f"in-process verify gave {result.verdict}")
        n += len(docs)
    return n / (time.perf_counter() - start)


def wait_ready(base: str, server: subprocess.Popen, log: Path, workers: int,
               timeout: float = 120.0) -> None:
    """Until every worker has started and /api/health answers (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode}):\n"
                             + log.read_text(errors="replace")[-3000:])
        started = log.read_text(errors="replace").count("Application startup complete")
        if started >= workers:
            try:
                with urllib.request.urlopen(f"{base}/api/health", timeout=5) as r:
                    if r.status == 200 and json.load(r)["status"] == "ok":
                        return
            except OSError:
                pass
        time.sleep(0.3)
    raise SystemExit(f"the server was not ready within {timeout:.0f} s:\n"
                     + log.read_text(errors="replace")[-3000:])


def worker_cpu(server_pid: int) -> dict[int, float]:
    """CPU seconds used so far by each process the server started (Linux /proc; {} else)."""
    ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    used: dict[int, float] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == server_pid:  # fields[1] is the parent's pid
            used[int(stat.parent.name)] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def run_wrk(base: str, folder: Path, name: str, script: str, args: argparse.Namespace,
            seconds: float) -> dict:
    path = folder / f"{name}.lua"
    path.write_text(script)
    command = ["wrk", "-t", str(args.threads), "-c", str(args.connections),
               "-d", f"{seconds:g}s", "--timeout", "5s", "--latency", "-s", str(path), base]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60)
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("BENCH "))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {"per_s": round(raw["requests"] / (raw["duration_us"] / 1e6), 1),
            "requests": raw["requests"],
            "p50_ms": round(raw["p50_us"] / 1000, 2), "p90_ms": round(raw["p90_us"] / 1000, 2),
            "p99_ms": round(raw["p99_us"] / 1000, 2), "max_ms": round(raw["max_us"] / 1000, 2),
            "bad": raw["bad"], "socket_errors": errors, "sample": raw["sample"]}


def demo_database(folder: Path, base: str) -> dict[str, str]:
    """The CERTPASS_* environment of a demo database in `folder`: built there with
    `certpass init --demo`, or the one an earlier run with the same --data left (it keeps
    the base URL and secret it was built with; the server listens on a new port)."""
    saved = folder / "bench_http.json"
    if saved.exists():
        print(f"reusing the demo database in {folder}", file=sys.stderr)
        return dict(json.loads(saved.read_text()))
    folder.mkdir(parents=True, exist_ok=True)
    env = {"CERTPASS_DATABASE_URL": f"sqlite:///{folder.resolve() / 'demo.db'}",
           "CERTPASS_BASE_URL": base,
           "CERTPASS_SECRET_KEY": secrets.token_urlsafe(32),
           "CERTPASS_VERIFY_RATE_PER_MINUTE": "1000000000"}
    child_env = {k: v for k, v in os.environ.items() if not k.startswith("CERTPASS_")}
    t0 = time.perf_counter()
    subprocess.run([*certpass_command(), "init", "--demo"], env=child_env | env, check=True,
                   capture_output=True, timeout=900)
    print(f"demo database built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    saved.write_text(json.dumps(env))
    saved.chmod(0o600)  # it holds the secret key
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0, help="seconds per wrk run")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--data", metavar="DIR", help="build the demo database in DIR and "
                        "reuse it on later runs (default: a new one in a temporary directory)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print(INSTALL_HINT, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = demo_database(Path(args.data) if args.data else folder, base)
        child_env = {k: v for k, v in os.environ.items() if not k.startswith("CERTPASS_")}
        child_env.update(env)
        settings = Settings.load(environ=env)
        db = Database(settings.database_url)
        chosen: list[tuple[str, str, dict]] = []
        with db.read() as s:
            rows = s.execute(select(Certificate.number, IssuedCredential)
                             .join(IssuedCredential,
                                   IssuedCredential.certificate_id == Certificate.id)
                             .where(Certificate.status == "valid")
                             .order_by(Certificate.number, IssuedCredential.issue_no.desc()))
            seen: set[str] = set()
            for number, row in rows:
                if number in seen:
                    continue
                seen.add(number)
                doc = row.signed_document()
                trust = LiveTrust(s, settings)
                if (verifier.verify(doc, trust).verdict == "valid"
                        and verifier.verify_number(number, LiveTrust(s, settings),
                                                   sha256=row.sha256).verdict == "valid"):
                    chosen.append((number, row.sha256, doc))
                if len(chosen) == CREDENTIALS:
                    break
        if not chosen:
            raise SystemExit("no valid credential in the demo database")
        docs = [doc for _, _, doc in chosen]
        inprocess = [inprocess_rate(db, settings, docs, 2.0) for _ in range(3)]

        json_headers = {"Content-Type": "application/json", "Accept": "application/json"}
        browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                   "Accept-Language": "en"}
        runs = {
            "verify": lua_script("POST", [
                {"path": "/api/verify", "headers": json_headers,
                 "body": json.dumps(doc, separators=(",", ":"))} for doc in docs],
                200, text='"verdict":"valid"'),
            "page": lua_script("GET", [
                {"path": f"/certificates/{quote(number, safe='')}", "headers": browser}
                for number, _, _ in chosen], 200, text="<html"),
            "qr_resolve": lua_script("GET", [
                {"path": f"/id/certificates/{quote(number, safe='')}?sha256={sha}",
                 "headers": browser} for number, sha, _ in chosen], 303,
                location="/verify?number="),
            "qr_page": lua_script("GET", [
                {"path": f"/verify?number={quote(number, safe='')}&sha256={sha}",
                 "headers": browser} for number, sha, _ in chosen], 200,
                text='data-verdict="valid"'),
        }
        log = folder / "server.log"
        results: dict[str, dict] = {}
        with log.open("wb") as log_file:
            server = subprocess.Popen(
                [*certpass_command(), "serve", "--workers", str(args.workers), "--host",
                 "127.0.0.1", "--port", str(port)],
                env=child_env, stdout=log_file, stderr=subprocess.STDOUT,
                start_new_session=True)
            try:
                wait_ready(base, server, log, args.workers)
                for name, script in runs.items():
                    run_wrk(base, folder, name, script, args, 2.0)  # warm-up
                    before = worker_cpu(server.pid)
                    results[name] = r = run_wrk(base, folder, name, script, args,
                                                args.duration)
                    after = worker_cpu(server.pid)
                    # How the load spread over the server's processes (CPU s each).
                    r["worker_cpu_s"] = sorted((round(after[p] - before.get(p, 0.0), 1)
                                                for p in after), reverse=True)
                    print(f"http {name:10} {r['per_s']:8.1f} req/s  p50 {r['p50_ms']:6.2f} ms  "
                          f"p90 {r['p90_ms']:6.2f} ms  p99 {r['p99_ms']:6.2f} ms  "
                          f"({r['requests']} requests, {r['bad']} bad, "
                          f"{r['socket_errors']} socket errors; server CPU s by process "
                          f"{r['worker_cpu_s']})"
                          + (f"  first bad: {r['sample']!r}" if r["bad"] else ""))
                inprocess += [inprocess_rate(db, settings, docs, 2.0) for _ in range(3)]
            finally:
                os.killpg(server.pid, signal.SIGTERM)
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()
        db.dispose()
        server_log = log.read_text(errors="replace")
    inprocess_per_s = statistics.median(inprocess)
    print(f"in-process verify {inprocess_per_s:8.1f} /s (median of rounds "
          f"{[round(r) for r in inprocess]}), {len(docs)} credentials")
    failures = sum(r["bad"] + r["socket_errors"] for r in results.values())
    for line in server_log.splitlines():
        if re.search(r"Traceback|ERROR", line):
            print(f"server log: {line}")
            failures += 1
    verify = results["verify"]
    ratio = verify["per_s"] / inprocess_per_s
    targets_met = failures == 0 and ratio >= RATIO_TARGET and verify["p99_ms"] < P99_TARGET_MS
    print(f"verify over HTTP / in-process: {ratio:.3f} (target >= {RATIO_TARGET}); "
          f"p99 {verify['p99_ms']} ms (target < {P99_TARGET_MS} ms); "
          f"bad responses or errors: {failures}")
    figures = {
        "workers": args.workers, "connections": args.connections, "threads": args.threads,
        "duration_s": args.duration, "credentials": len(docs),
        "inprocess_verify_per_s": round(inprocess_per_s, 1),
        "verify_per_s": verify["per_s"], "verify_p50_ms": verify["p50_ms"],
        "verify_p99_ms": verify["p99_ms"], "verify_ratio_vs_inprocess": round(ratio, 3),
        "page_per_s": results["page"]["per_s"], "page_p50_ms": results["page"]["p50_ms"],
        "page_p99_ms": results["page"]["p99_ms"],
        "qr_resolve_per_s": results["qr_resolve"]["per_s"],
        "qr_resolve_p50_ms": results["qr_resolve"]["p50_ms"],
        "qr_resolve_p99_ms": results["qr_resolve"]["p99_ms"],
        "qr_page_per_s": results["qr_page"]["per_s"],
        "qr_page_p50_ms": results["qr_page"]["p50_ms"],
        "qr_page_p99_ms": results["qr_page"]["p99_ms"],
        "errors": failures, "targets_met": targets_met,
    }
    print(json.dumps(figures))
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
