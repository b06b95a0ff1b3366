"""Whether the signed checkpoints still tell the whole story: pure checks on their sequence.

Checkpoints are numbered 1, 2, 3... as they are signed and never deleted. A gap in the
numbers, fewer checkpoints than a monitor saw before, or a head that the newest checkpoint
has left uncovered for longer than the publishing policy allows, means rows were deleted
behind the service's back (the entries they covered are then no longer pinned by any
signature a monitor holds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

# Beyond the policy's T seconds, how long a head may wait for its checkpoint (the publisher
# runs about once a second while serving; a command-line write is covered by the next
# `certpass log checkpoint` or server start).
GRACE = dt.timedelta(seconds=60)


@dataclass(frozen=True)
class CheckpointSummary:
    """What a verifier needs to know about the stored checkpoints and the log's head."""

    count: int
    first_id: int | None
    last_id: int | None
    newest_size: int
    head: int
    uncovered_since: dt.datetime | None  # when the oldest entry after the newest checkpoint
    # was appended (None: the newest checkpoint covers the head)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["uncovered_since"] = self.uncovered_since.isoformat() if self.uncovered_since \
            else None
        return out

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> CheckpointSummary:
        since = raw.get("uncovered_since")
        return cls(int(raw["count"]), raw.get("first_id"), raw.get("last_id"),
                   int(raw["newest_size"]), int(raw["head"]),
                   dt.datetime.fromisoformat(since) if since else None)


def problems(summary: CheckpointSummary, *, every_entries: int, every_seconds: float,
             now: dt.datetime, previous_count: int | None = None) -> list[tuple[str, str]]:
    """(code, message) for each way the checkpoint sequence is broken."""
    out: list[tuple[str, str]] = []
    s = summary
    if s.count == 0:
        out.append(("checkpoint-missing", "the log has no signed checkpoint"))
    elif s.first_id != 1 or s.last_id is None or s.last_id - s.first_id + 1 != s.count:
        out.append(("checkpoint-gap",
                    f"{s.count} checkpoints stored but they are numbered {s.first_id}.."
                    f"{s.last_id}: {(s.last_id or 0) - s.count} deleted"))
    if previous_count is not None and s.count < previous_count:
        out.append(("checkpoint-count-drop",
                    f"{s.count} checkpoints stored; {previous_count} were seen before"))
    if s.newest_size > s.head:
        out.append(("checkpoint-ahead",
                    f"the newest checkpoint covers {s.newest_size} entries; the log has {s.head}"))
    elif s.newest_size < s.head:
        late = s.uncovered_since is None or \
            now - s.uncovered_since > dt.timedelta(seconds=every_seconds) + GRACE
        if late or s.head - s.newest_size >= every_entries:
            waiting = f" since {s.uncovered_since.isoformat()}" if s.uncovered_since else ""
            out.append(("checkpoint-behind",
                        f"the newest checkpoint covers {s.newest_size} of {s.head} entries; "
                        f"the rest wait{waiting}, longer than the publishing policy allows"))
    return out
