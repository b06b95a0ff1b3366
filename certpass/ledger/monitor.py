"""An independent monitor of a certpass log over HTTP.

Each run: fetch the signed checkpoint, prove it extends the one saved in the state file,
check the stored checkpoints are still all there (none numbered missing, no fewer than last
run, the head covered in time), fetch the new entries (C2SP entry bundles), recompute the
root from them, and replay the events. Any fork, rewrite or gap is a problem; the state file
only advances when a run finds none, so a problem is reported again until resolved.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import rfc8785

from certpass.errors import CertpassError
from certpass.jcs import canonicalize as canonical_json
from certpass.ledger import checkpoints, merkle, tiles
from certpass.ledger.note import Checkpoint, Verifier, open_checkpoint

# The monitor knows logs, not certificates: the caller says how events fold into registry
# state (``Replay``: new events -> {key: JSON-able state}) and how to compare the whole
# replayed state with what the registry serves (``Audit``: state -> problems in words).
Replay = Callable[[list[dict[str, Any]]], dict[str, Any]]
Audit = Callable[[dict[str, Any]], list[str]]
# Or a fold that carries its own state from run to run (``Fold``: state, new (index, event)
# pairs -> state) and an inspection of the whole folded state (``Inspect``: state ->
# (kind, message) problems).
Fold = Callable[[dict[str, Any], list[tuple[int, dict[str, Any]]]], dict[str, Any]]
Inspect = Callable[[dict[str, Any]], list[tuple[str, str]]]


def replay_statuses(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Generic replay: the status each certificate has after these events, named
    `number@issuer` as certificates.history.key names it (numbers are unique per issuer)."""
    statuses: dict[str, Any] = {}
    for event in entries:
        cert = event.get("certificate")
        if isinstance(cert, dict) and "number" in cert and "status" in cert:
            issuer = cert.get("issuer")
            statuses[f"{cert['number']}@{issuer}" if issuer else str(cert["number"])] = \
                str(cert["status"])
    return statuses


@dataclass
class MonitorState:
    vkey: str = ""
    size: int = 0
    root: str = base64.b64encode(merkle.EMPTY_ROOT).decode()
    checkpoint: str = ""
    frontier: list[tuple[int, str]] = field(default_factory=list)  # compact range of [0, size)
    statuses: dict[str, Any] = field(default_factory=dict)
    folded: dict[str, Any] = field(default_factory=dict)  # the Fold's state
    checkpoints: int = 0  # how many checkpoints the log stored at the last good run

    @classmethod
    def load(cls, path: Path) -> MonitorState | None:
        if not path.exists():
            return None
        raw = json.loads(path.read_text())
        raw["frontier"] = [tuple(x) for x in raw.get("frontier", [])]
        return cls(**raw)

    def save(self, path: Path) -> None:
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_text(json.dumps(asdict(self), indent=1, sort_keys=True))
        tmp.replace(path)  # never leave a half-written state behind


@dataclass
class MonitorReport:
    url: str
    old_size: int = 0
    new_size: int = 0
    entries_checked: int = 0
    problems: list[dict[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def problem(self, kind: str, message: str) -> None:
        self.problems.append({"kind": kind, "message": message})

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok}


def _push(frontier: list[tuple[int, bytes]], leaf: bytes) -> None:
    frontier.append((0, leaf))
    while len(frontier) > 1 and frontier[-1][0] == frontier[-2][0]:
        (level, right), (_, left) = frontier.pop(), frontier.pop()
        frontier.append((level + 1, merkle.node_hash(left, right)))


def _frontier_root(frontier: list[tuple[int, bytes]]) -> bytes:
    if not frontier:
        return merkle.EMPTY_ROOT
    acc = frontier[-1][1]
    for _, h in reversed(frontier[:-1]):
        acc = merkle.node_hash(h, acc)
    return acc


class _Fetch:
    def __init__(self, client: httpx.Client, base: str) -> None:
        self.client, self.base = client, base.rstrip("/")

    def get(self, path: str, **params: Any) -> httpx.Response:
        response = self.client.get(f"{self.base}{path}", params=params or None)
        response.raise_for_status()
        return response


def _bundles(fetch: _Fetch, start: int, end: int) -> Iterable[tuple[int, bytes]]:
    """(index, entry) for entries [start, end), read as C2SP entry bundles."""
    for n in range(start // tiles.TILE_WIDTH, -(-end // tiles.TILE_WIDTH)):
        first = n * tiles.TILE_WIDTH
        tile = tiles.Tile(tiles.ENTRIES, n, min(tiles.TILE_WIDTH, end - first))
        entries = tiles.split_entry_bundle(fetch.get("/log/" + tile.path()).content)
        if len(entries) != tile.width:
            raise ValueError(f"{tile.path()} holds {len(entries)} entries, expected {tile.width}")
        for offset, data in enumerate(entries):
            if start <= first + offset < end:
                yield first + offset, data


def run_monitor(
    url: str,
    state_path: Path,
    *,
    client: httpx.Client | None = None,
    replay: Replay = replay_statuses,
    audit: Audit | None = None,
    fold: Fold | None = None,
    inspect: Inspect | None = None,
) -> MonitorReport:
    """One monitoring pass; ``audit`` compares the state the whole log implies with the API
    (or ``inspect`` the state ``fold`` carries from run to run)."""
    report = MonitorReport(url)
    own_client = client is None
    client = client or httpx.Client(timeout=30.0)
    try:
        _run(_Fetch(client, url), state_path, report, replay, audit, fold, inspect)
    except httpx.HTTPError as exc:
        report.problem("unreachable", f"{type(exc).__name__}: {exc}")
    finally:
        if own_client:
            client.close()
    return report


def _run(fetch: _Fetch, state_path: Path, report: MonitorReport, replay: Replay,
         audit: Audit | None, fold: Fold | None, inspect: Inspect | None) -> None:  # fmt: skip
    state = MonitorState.load(state_path)
    vkey = fetch.get("/log/key").text.strip()
    if state is not None and state.vkey != vkey:
        report.problem("key", "the log's verifier key changed since the last run")
        return
    try:
        verifier = Verifier.parse(vkey)
        note = fetch.get("/log/checkpoint").text
        new = open_checkpoint(note, verifier)
    except CertpassError as exc:
        report.problem("signature", f"checkpoint does not verify: {exc.message}")
        return
    old = state or MonitorState(vkey=vkey)
    old_root = base64.b64decode(old.root)
    report.old_size, report.new_size = old.size, new.size
    if new.size < old.size:
        report.problem("rewrite", f"the log shrank from {old.size} to {new.size} entries")
        return
    if new.size == old.size and new.root != old_root:
        report.problem("fork", f"two different roots signed for size {new.size}")
        return
    if old.size and new.size > old.size:
        proof = fetch.get("/log/proof/consistency", **{"from": old.size, "to": new.size}).json()
        try:
            hashes = [base64.b64decode(h) for h in proof["proof"]]
            merkle.verify_consistency(old.size, new.size, hashes, old_root, new.root)
        except (CertpassError, KeyError, ValueError) as exc:
            report.problem("fork", f"checkpoint {new.size} does not extend {old.size}: {exc}")
            return
    count = _check_checkpoints(fetch, state, report)
    _check_entries(fetch, old, new, report, replay, audit, fold, inspect)
    if report.ok:
        old.checkpoints = count if count is not None else old.checkpoints
        old.vkey, old.size, old.checkpoint = vkey, new.size, note
        old.root = base64.b64encode(new.root).decode()
        old.save(state_path)


def _check_checkpoints(fetch: _Fetch, state: MonitorState | None, report: MonitorReport
                       ) -> int | None:
    """The stored checkpoints as the instance counts them (GET /log/checkpoints): numbered
    without gaps, no fewer than at the last good run, covering the head in time. None for an
    instance that does not say."""
    try:
        raw = fetch.get("/log/checkpoints").json()
        summary = checkpoints.CheckpointSummary.from_json(raw)
        every_entries, every_seconds = int(raw["every_entries"]), float(raw["every_seconds"])
    except httpx.HTTPStatusError as exc:
        if exc.response.status_code == 404:
            return None
        raise
    except (KeyError, TypeError, ValueError) as exc:
        report.problem("checkpoints", f"/log/checkpoints is not a checkpoint summary: {exc}")
        return None
    previous = state.checkpoints if state is not None and state.checkpoints else None
    for code, message in checkpoints.problems(
            summary, every_entries=every_entries, every_seconds=every_seconds,
            now=dt.datetime.now(dt.UTC), previous_count=previous):
        report.problem(code, message)
    return summary.count


def _check_entries(fetch: _Fetch, state: MonitorState, new: Checkpoint, report: MonitorReport,
                   replay: Replay, audit: Audit | None, fold: Fold | None,
                   inspect: Inspect | None) -> None:  # fmt: skip
    frontier = [(lv, base64.b64decode(h)) for lv, h in state.frontier]
    events: list[dict[str, Any]] = []
    indexed: list[tuple[int, dict[str, Any]]] = []
    expected = state.size
    try:
        for index, data in _bundles(fetch, state.size, new.size):
            if index != expected:
                report.problem("gap", f"entry {expected} is missing")
                return
            expected += 1
            _push(frontier, merkle.leaf_hash(data))
            try:
                event = json.loads(data)
                canonical = canonical_json(event) == data
            except (ValueError, rfc8785.CanonicalizationError):
                event, canonical = None, False
            if not canonical or not isinstance(event, dict):
                report.problem("entry", f"entry {index} is not canonical JSON")
                continue
            events.append(event)
            indexed.append((index, event))
    except (httpx.HTTPStatusError, ValueError, CertpassError) as exc:
        report.problem("gap", f"entries {expected}..{new.size - 1} cannot be fetched: {exc}")
        return
    report.entries_checked = expected - state.size
    if expected != new.size:
        report.problem("gap", f"got entries up to {expected}, checkpoint has {new.size}")
        return
    if _frontier_root(frontier) != new.root:
        report.problem("rewrite", "the entries served do not hash to the signed root")
        return
    implied = {**state.statuses, **replay(events)}
    if audit is not None:  # the whole state, every run: an old certificate edited counts too
        for message in audit(implied):
            report.problem("registry", message)
    folded = fold(state.folded, indexed) if fold is not None else state.folded
    if inspect is not None:
        for kind, message in inspect(folded):
            report.problem(kind, message)
    state.frontier = [(lv, base64.b64encode(h).decode()) for lv, h in frontier]
    state.statuses = implied
    state.folded = folded
