"""Arrangement rules as data: one frozen dataclass per arrangement, read from and written to JSON.

Nothing here decides anything; `engine.py` interprets these fields. Keeping the rules as data
lets a regulator record a new arrangement (or suspend one) without a code change, and lets the
transparency log carry the exact rule text that produced a decision.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from certpass.errors import InvalidInput
from certpass.recognition.codes import CONDITIONS

KINDS = (
    "multilateral-scheme",
    "bilateral-mra",
    "unilateral-acceptance",
    "joint-scheme",
    "accreditation-cooperation",
    "technical-cooperation",
    # A scheme's own market: a CCC certificate is accepted in CN by the CCC rules themselves.
    "home-scheme",
)
RECOGNISES = ("test-reports", "certificates", "factory-inspection-reports", "accreditation")
TESTING_ROUTES = ("third-party", "TMP", "WMT", "SMT", "CTF")
STATUSES = ("signed", "in-force", "suspended", "terminated")
FRESHNESS_ACTIONS = ("review", "refuse")
CERTIFICATE_KINDS = (
    "product-certificate",
    "cb-test-certificate",
    "iecex-coc",
    "test-report",
    "inspection-report",
)
# Which document kinds each "what is recognised" entry covers when the scope names no kinds.
KINDS_RECOGNISED: dict[str, tuple[str, ...]] = {
    "certificates": ("product-certificate", "cb-test-certificate", "iecex-coc"),
    "test-reports": ("test-report", "cb-test-certificate"),
    "factory-inspection-reports": ("inspection-report",),
    "accreditation": (),
}


class InvalidArrangement(InvalidInput):
    code = "invalid-arrangement"


@dataclass(frozen=True)
class StandardRef:
    designation: str  # "IEC 60335-1"
    edition: str | None = None  # "2001"; in a scope, the lowest edition covered


@dataclass(frozen=True)
class Scope:
    source_schemes: tuple[str, ...] = ()  # empty: any scheme (cooperation-only arrangements)
    target_scheme: str | None = None  # the scheme the market issues on the strength of it
    certificate_kinds: tuple[str, ...] = ()  # empty: derived from Arrangement.recognises
    categories: tuple[str, ...] = ()  # scheme categories (HOUS, EX...); empty: any
    hs_prefixes: tuple[str, ...] = ()  # "8516" matches "8516.60"; empty: any
    standards: tuple[StandardRef, ...] = ()  # empty: any; else every applied one must be here
    excluded_suffixes: tuple[str, ...] = ()  # e.g. IECEx "U" (component) certificates


@dataclass(frozen=True)
class OriginRule:
    economies: tuple[str, ...] = ()  # economies or blocs where the goods must be made
    direct_trade: bool = False  # goods must be shipped directly between the parties


@dataclass(frozen=True)
class EditionFloor:
    standard: str
    min_edition: str
    basis: str = ""  # why, e.g. "GB 4706.1-2005 adopts IEC 60335-1:2001"


@dataclass(frozen=True)
class ConditionRule:
    code: str
    detail_en: str = ""
    detail_zh: str = ""
    items: tuple[str, ...] = ()  # e.g. national differences named by the arrangement itself


@dataclass(frozen=True)
class StatusChange:
    date: dt.date
    status: str
    note: str = ""


@dataclass(frozen=True)
class Source:
    title: str = ""
    url: str = ""
    note: str = ""


@dataclass(frozen=True)
class Arrangement:
    id: str
    title_en: str
    kind: str
    title_zh: str = ""
    parties: tuple[str, ...] = ()  # body ids and/or economies; blocs expand to members
    markets: tuple[str, ...] = ()  # where acceptance is granted (economies or blocs)
    recognises: tuple[str, ...] = ()
    scope: Scope = field(default_factory=Scope)
    # Whose certificates count: bodies located in these economies (empty: anywhere) ...
    issuer_economies: tuple[str, ...] = ()
    # ... and never the market's own (a bilateral MRA covers the *other* party's documents).
    foreign_only: bool = False
    designated_bodies: tuple[str, ...] = ()  # empty: no designation list
    designated_bodies_by_standard: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    listed_labs: tuple[str, ...] = ()
    listed_labs_by_standard: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # The source scheme's own listings must name the issuer / every lab for each standard.
    require_scheme_listed_issuer: bool = False
    require_scheme_listed_labs: bool = False
    testing_routes: tuple[str, ...] = ()  # empty: any route
    origin: OriginRule | None = None
    edition_floors: tuple[EditionFloor, ...] = ()
    # Floors also come from the market's national adoptions (GB 4706.1-2005 -> IEC ...:2001).
    derive_edition_floors: bool = False
    freshness_months: int | None = None
    freshness_action: str = "review"
    conditions: tuple[ConditionRule, ...] = ()
    requires_test_report: bool = False  # missing report -> condition test-report-required
    suffix_conditions: Mapping[str, str] = field(default_factory=dict)  # {"X": "marking"}
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    status_history: tuple[StatusChange, ...] = ()
    source: Source = field(default_factory=Source)
    project: str | None = None
    notes_en: str = ""
    notes_zh: str = ""

    def __post_init__(self) -> None:
        _validate(self)

    def status_on(self, on: dt.date) -> str | None:
        """The status in force on a date; None before the first recorded event."""
        current = None
        for change in self.status_history:
            if change.date > on:
                break
            current = change.status
        return current

    def in_force_on(self, on: dt.date) -> bool:
        if self.status_on(on) != "in-force":
            return False
        if self.valid_from and on < self.valid_from:
            return False
        return not (self.valid_until and on > self.valid_until)

    def accepted_kinds(self) -> tuple[str, ...]:
        if self.scope.certificate_kinds:
            return self.scope.certificate_kinds
        kinds: list[str] = []
        for what in self.recognises:
            kinds.extend(k for k in KINDS_RECOGNISED[what] if k not in kinds)
        return tuple(kinds)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Arrangement:
        where = f"arrangement {data.get('id', '?')!r}" if isinstance(data, Mapping) else "?"
        return _build(cls, data, where)

    def to_dict(self) -> dict[str, Any]:
        return _dump(self)


def load_arrangements(items: list[Mapping[str, Any]]) -> list[Arrangement]:
    """Parse a list, refusing duplicate ids (an id is what the log and decisions cite)."""
    out = [Arrangement.from_dict(item) for item in items]
    seen: set[str] = set()
    for a in out:
        if a.id in seen:
            raise InvalidArrangement(f"duplicate arrangement id {a.id!r}")
        seen.add(a.id)
    return out


# --- validation ---------------------------------------------------------------------------


def _enum(where: str, name: str, value: str, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise InvalidArrangement(
            f"{where}: {name} {value!r} is not one of {', '.join(allowed)}",
            hint=f"fix {name}",
        )


def _validate(a: Arrangement) -> None:
    where = f"arrangement {a.id!r}"
    if not a.id or not a.title_en:
        raise InvalidArrangement(f"{where}: id and title_en are required")
    _enum(where, "kind", a.kind, KINDS)
    for what in a.recognises:
        _enum(where, "recognises", what, RECOGNISES)
    for kind in a.scope.certificate_kinds:
        _enum(where, "scope.certificate_kinds", kind, CERTIFICATE_KINDS)
    for route in a.testing_routes:
        _enum(where, "testing_routes", route, TESTING_ROUTES)
    _enum(where, "freshness_action", a.freshness_action, FRESHNESS_ACTIONS)
    for c in a.conditions:
        _enum(where, "condition code", c.code, tuple(CONDITIONS))
    for suffix, code in a.suffix_conditions.items():
        _enum(where, f"suffix_conditions[{suffix}]", code, tuple(CONDITIONS))
    if a.freshness_months is not None and a.freshness_months <= 0:
        raise InvalidArrangement(f"{where}: freshness_months must be positive")
    if a.valid_from and a.valid_until and a.valid_from > a.valid_until:
        raise InvalidArrangement(
            f"{where}: valid_from {a.valid_from} is after valid_until {a.valid_until}",
            hint="dates are reversed",
        )
    previous: dt.date | None = None
    for change in a.status_history:
        _enum(where, "status", change.status, STATUSES)
        if previous and change.date < previous:
            raise InvalidArrangement(
                f"{where}: status_history is not in date order at {change.date}",
                hint="list status changes oldest first",
            )
        previous = change.date


# --- JSON mapping ---------------------------------------------------------------------------

_NESTED = {
    "scope": Scope,
    "origin": OriginRule,
    "source": Source,
}
_NESTED_LISTS = {
    "standards": StandardRef,
    "edition_floors": EditionFloor,
    "conditions": ConditionRule,
    "status_history": StatusChange,
}
_DATES = {"valid_from", "valid_until", "date"}
_MAPS_OF_LISTS = {"designated_bodies_by_standard", "listed_labs_by_standard"}


def _build(cls: type, data: Any, where: str) -> Any:
    if not isinstance(data, Mapping):
        raise InvalidArrangement(f"{where}: expected an object for {cls.__name__}")
    fields = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise InvalidArrangement(
            f"{where}: unknown field(s) {', '.join(unknown)} in {cls.__name__}",
            hint=f"known fields: {', '.join(fields)}",
        )
    kwargs: dict[str, Any] = {}
    for name, value in data.items():
        try:
            kwargs[name] = _convert(name, value, where)
        except (TypeError, ValueError) as exc:
            raise InvalidArrangement(f"{where}: bad value for {name}: {exc}") from None
    try:
        return cls(**kwargs)
    except TypeError as exc:  # a required field is missing
        raise InvalidArrangement(f"{where}: {exc}") from None


def _convert(name: str, value: Any, where: str) -> Any:
    if value is None:
        return None
    if name in _NESTED:
        return _build(_NESTED[name], value, where)
    if name in _NESTED_LISTS:
        return tuple(_build(_NESTED_LISTS[name], v, where) for v in value)
    if name in _DATES:
        return dt.date.fromisoformat(value)
    if name in _MAPS_OF_LISTS:
        return {str(k): tuple(str(x) for x in v) for k, v in value.items()}
    if name == "suffix_conditions":
        return {str(k): str(v) for k, v in value.items()}
    if isinstance(value, list):
        return tuple(value)
    if isinstance(value, dict):
        raise TypeError("unexpected object")
    return value


def _dump(obj: Any) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            if f.default is not dataclasses.MISSING:
                if value == f.default:
                    continue  # keep documents short; from_dict restores defaults
            elif f.default_factory is not dataclasses.MISSING and value == f.default_factory():
                continue
            out[f.name] = _dump(value)
        return out
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, tuple | list):
        return [_dump(v) for v in obj]
    if isinstance(obj, Mapping):
        return {k: _dump(v) for k, v in obj.items()}
    return obj
