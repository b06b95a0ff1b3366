"""What the transparency log says about certificates: replay and compare, pure.

Every certificate event in the log carries the number, issue, status and validity after the
change, so replaying the log rebuilds each certificate's state; comparing that with what a
registry serves catches an edit made behind the service's back (an un-revoked certificate,
a silently extended validity, a certificate that appeared without an entry).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from certpass.certificates.lifecycle import effective_status


@dataclass(frozen=True)
class Recorded:
    """A certificate as its last log entry left it."""

    status: str
    issue: int
    valid_until: str | None

    def status_on(self, on: dt.date) -> str:
        until = dt.date.fromisoformat(self.valid_until) if self.valid_until else None
        return effective_status(self.status, until, on)

    def to_json(self) -> list[Any]:
        return [self.status, self.issue, self.valid_until]

    @classmethod
    def from_json(cls, raw: list[Any]) -> Recorded:
        return cls(str(raw[0]), int(raw[1]), raw[2])


def key(number: str, issuer: str | None) -> str:
    """How replays of the log name a certificate: numbers are unique per issuer, so the
    issuer is part of the name (`number@issuer`; a number alone in a state kept before)."""
    return f"{number}@{issuer}" if issuer else number


def replay(events: Iterable[Mapping[str, Any]]) -> dict[str, Recorded]:
    """The state of every certificate the events touch, after them (keyed by `key`)."""
    out: dict[str, Recorded] = {}
    for event in events:
        cert = event.get("certificate")
        if not str(event.get("type", "")).startswith("certificate.") or not isinstance(
                cert, Mapping):
            continue
        try:
            out[key(str(cert["number"]), cert.get("issuer"))] = Recorded(
                str(cert["status"]), int(cert["issue"]), cert.get("valid_until"))
        except (KeyError, TypeError, ValueError):
            continue  # not a certificate event of ours; the log's own checks cover its form
    return out


@dataclass(frozen=True)
class Served:
    """A certificate as a registry serves it."""

    status: str
    issue: int
    valid_until: str | None


def compare(recorded: Mapping[str, Recorded], served: Mapping[str, Served],
            on: dt.date) -> list[str]:
    """Every difference between the log's account and the registry's, in words."""
    problems = []
    for number in sorted(recorded.keys() | served.keys()):
        log, now = recorded.get(number), served.get(number)
        if now is None:
            problems.append(f"certificate {number} is in the log but not in the registry")
        elif log is None:
            problems.append(f"certificate {number} is in the registry but has no log entry")
        else:
            said = (log.status_on(on), log.issue, log.valid_until)
            shown = (now.status, now.issue, now.valid_until)
            if said != shown:
                problems.append(f"certificate {number}: the log says status {said[0]}, issue "
                                f"{said[1]}, valid until {said[2]}; the registry serves "
                                f"{shown[0]}, issue {shown[1]}, valid until {shown[2]}")
    return problems
