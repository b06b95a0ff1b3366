"""The certificate status lifecycle and the accredited-scope check: pure rules, no I/O.

Common vocabulary: valid, suspended, withdrawn, cancelled; ``expired`` is computed from the
validity date and ``superseded`` applies to earlier issues. Each scheme keeps its own words
(CCC 有效/暂停/撤销/注销/过期, IECEx Current/Suspended/Cancelled) beside them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from certpass.errors import (
    Backdated,
    IllegalTransition,
    NotAccredited,
    OutOfScope,
    ValidityTooLong,
)

STORED_STATUSES = ("valid", "suspended", "withdrawn", "cancelled")
STATUSES = (*STORED_STATUSES, "expired", "superseded")

# action → (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "amend": (frozenset({"valid"}), "valid"),
    "suspend": (frozenset({"valid"}), "suspended"),
    "restore": (frozenset({"suspended"}), "valid"),
    "withdraw": (frozenset({"valid", "suspended"}), "withdrawn"),
    "cancel": (frozenset({"valid", "suspended"}), "cancelled"),
}
ACTIONS = ("issue", *TRANSITIONS)

_WHY = {
    "withdrawn": "a withdrawn (revoked) certificate is final; issue a new certificate instead",
    "cancelled": "a cancelled certificate is final; issue a new certificate instead",
    "expired": "the certificate has expired; issue a new certificate instead",
}


def effective_status(stored: str, valid_until: dt.date | None, on: dt.date) -> str:
    """The status a reader sees on a date: a valid certificate past its date is expired."""
    if stored in ("valid", "suspended") and valid_until is not None and on > valid_until:
        return "expired"
    return stored


def next_status(action: str, stored: str, valid_until: dt.date | None, on: dt.date) -> str:
    """The status after ``action``, or IllegalTransition saying why it cannot happen."""
    if action not in TRANSITIONS:
        raise IllegalTransition(f"unknown action {action!r}", hint=f"use one of {ACTIONS}")
    allowed, target = TRANSITIONS[action]
    current = effective_status(stored, valid_until, on)
    if current not in allowed:
        raise IllegalTransition(
            f"cannot {action} a certificate that is {current}",
            hint=_WHY.get(current, f"{action} applies only to a certificate that is "
                          + " or ".join(sorted(allowed))),
            details={"action": action, "status": current},
        )
    return target


def available_actions(status: str) -> list[str]:
    """The actions a certificate in this (effective) status allows, in TRANSITIONS order:
    what a form should offer, so nobody is shown a Restore that cannot happen."""
    return [action for action, (allowed, _) in TRANSITIONS.items() if status in allowed]


def status_word(status: str, words: Mapping[str, str]) -> str:
    """The scheme's own word for a common status (falls back to the common word)."""
    return words.get(status, status)


def default_valid_until(issued_on: dt.date, validity_years: int | None) -> dt.date | None:
    if validity_years is None:
        return None
    try:
        return issued_on.replace(year=issued_on.year + validity_years)
    except ValueError:  # 29 February
        return issued_on.replace(year=issued_on.year + validity_years, day=28)


def backdated_days(day: dt.date, today: dt.date, window_days: int, privileged: bool) -> int:
    """How many days `day` lies before today beyond the back-dating window (0: within it).
    Beyond the window only a privileged actor (the operator) may record it; its log entry
    says so."""
    days = (today - day).days
    if days <= window_days:
        return 0
    if not privileged:
        raise Backdated(
            f"date {day} is {days} days before today; certification bodies may record dates "
            f"at most {window_days} days back",
            hint="record certificates when they are issued; an older record (a register "
                 "migration) is for the operator's command line, which logs it as back-dated",
            details={"date": day.isoformat(), "days": days, "window_days": window_days},
        )
    return days


def check_validity(issued_on: dt.date, valid_until: dt.date | None,
                   validity_years: int | None) -> None:
    """valid_until may not lie beyond the scheme's validity from the issue date (CCC: 5 years);
    a scheme without expiry (validity_years None) sets no bound."""
    longest = default_valid_until(issued_on, validity_years)
    if longest is not None and valid_until is not None and valid_until > longest:
        raise ValidityTooLong(
            f"valid_until {valid_until} is beyond the scheme's {validity_years}-year validity "
            f"(at most {longest} for an issue dated {issued_on})",
            hint="leave valid_until empty for the scheme's full validity, or give an earlier date",
            details={"valid_until": valid_until.isoformat(), "longest": longest.isoformat(),
                     "validity_years": validity_years},
        )


@dataclass(frozen=True)
class AccreditedScope:
    """One accreditation of an issuing body, as the scope check needs it."""

    number: str
    status: str
    valid_from: dt.date
    valid_until: dt.date
    schemes: frozenset[str]
    categories: frozenset[str] = frozenset()
    standards: frozenset[str] = frozenset()
    accreditor: str = ""

    @classmethod
    def from_scope(cls, number: str, status: str, valid_from: dt.date, valid_until: dt.date,
                   scope: Mapping[str, Any], accreditor: str = "") -> AccreditedScope:
        return cls(
            number=number, status=status, valid_from=valid_from, valid_until=valid_until,
            schemes=frozenset(scope.get("schemes", ())),
            categories=frozenset(scope.get("categories", ())),
            standards=frozenset(scope.get("standards", ())),
            accreditor=accreditor,
        )

    def covers_standard(self, ref: str) -> bool:
        """Exact edition (``IEC 60335-1:2020``), any edition (``IEC 60335-1``), or a family
        (``IEC 60335-2-*``)."""
        if not self.standards or ref in self.standards:
            return True
        designation = ref.split(":", 1)[0]
        if designation in self.standards:
            return True
        return any(s.endswith("*") and ref.startswith(s[:-1]) for s in self.standards)


@dataclass
class ScopeFinding:
    accreditation: str
    problems: list[str] = field(default_factory=list)


def check_scope(
    issuer: str,
    accreditations: Iterable[AccreditedScope],
    scheme: str,
    category: str,
    standards: Iterable[str],
    on: dt.date,
) -> AccreditedScope:
    """The accreditation under which ``issuer`` may certify this, or an error saying why not."""
    standards = list(standards)
    in_force: list[AccreditedScope] = []
    lapsed: list[str] = []
    for acc in accreditations:
        if acc.status != "active":
            lapsed.append(f"{acc.number} is {acc.status}")
        elif not acc.valid_from <= on <= acc.valid_until:
            lapsed.append(f"{acc.number} is not valid on {on} "
                          f"({acc.valid_from} to {acc.valid_until})")
        else:
            in_force.append(acc)
    if not in_force:
        raise NotAccredited(
            f"{issuer} holds no accreditation in force on {on}"
            + (f": {'; '.join(lapsed)}" if lapsed else ""),
            hint="an accreditation body must grant or restore the accreditation first",
            details={"accreditations": lapsed},
        )
    findings = []
    for acc in in_force:
        finding = ScopeFinding(acc.number)
        if scheme not in acc.schemes:
            finding.problems.append(f"scheme {scheme} is not in scope")
        if category and acc.categories and category not in acc.categories:
            finding.problems.append(f"category {category} is not in scope")
        for ref in standards:
            if not acc.covers_standard(ref):
                finding.problems.append(f"standard {ref} is not in scope")
        if not finding.problems:
            return acc
        findings.append(finding)
    raise OutOfScope(
        f"{issuer} is not accredited to certify this on {on}: "
        + "; ".join(p for f in findings for p in f.problems[:3]),
        hint="check the scheme, category and standard editions against the issuer's "
             "accredited scope",
        details=[{"accreditation": f.accreditation, "problems": f.problems} for f in findings],
    )
