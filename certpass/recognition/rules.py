"""Arrangement rules as data: one frozen pydantic model per arrangement (unknown fields
refused), read from and written to JSON; its JSON Schema is the API's (OpenAPI).

Nothing here decides anything; `engine.py` interprets these fields. Keeping the rules as data
lets a regulator record a new arrangement (or suspend one) without a code change, and lets the
transparency log carry the exact rule text that produced a decision.
"""

from __future__ import annotations

import datetime as dt
import types
from collections.abc import Mapping
from typing import Any, Self, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

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


class _Rule(BaseModel):
    """Frozen, and strict about names: a misspelt field is an error, never ignored."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    def replaced(self, **changes: Any) -> Self:
        """A copy with `changes`, validated again (as a new document would be)."""
        return self.model_validate({**dict(self), **changes})


class StandardRef(_Rule):
    designation: str  # "IEC 60335-1"
    edition: str | None = None  # "2001"; in a scope, the lowest edition covered


class Scope(_Rule):
    source_schemes: tuple[str, ...] = ()  # empty: any scheme (cooperation-only arrangements)
    target_scheme: str | None = None  # the scheme the market issues on the strength of it
    certificate_kinds: tuple[str, ...] = ()  # empty: derived from Arrangement.recognises
    categories: tuple[str, ...] = ()  # scheme categories (HOUS, EX...); empty: any
    hs_prefixes: tuple[str, ...] = ()  # "8516" matches "8516.60"; empty: any
    standards: tuple[StandardRef, ...] = ()  # empty: any; else every applied one must be here
    excluded_suffixes: tuple[str, ...] = ()  # e.g. IECEx "U" (component) certificates


class OriginRule(_Rule):
    economies: tuple[str, ...] = ()  # economies or blocs where the goods must be made
    direct_trade: bool = False  # goods must be shipped directly between the parties


class EditionFloor(_Rule):
    standard: str
    min_edition: str
    basis: str = ""  # why, e.g. "GB 4706.1-2005 adopts IEC 60335-1:2001"


class ConditionRule(_Rule):
    code: str
    detail_en: str = ""
    detail_zh: str = ""
    items: tuple[str, ...] = ()  # e.g. national differences named by the arrangement itself


class StatusChange(_Rule):
    date: dt.date
    status: str
    note: str = ""


class Source(_Rule):
    title: str = ""
    url: str = ""
    note: str = ""


class Arrangement(_Rule):
    id: str
    title_en: str
    kind: str
    title_zh: str = ""
    parties: tuple[str, ...] = ()  # body ids and/or economies; blocs expand to members
    markets: tuple[str, ...] = ()  # where acceptance is granted (economies or blocs)
    recognises: tuple[str, ...] = ()
    scope: Scope = Field(default_factory=Scope)
    # Whose certificates count: bodies located in these economies (empty: anywhere) ...
    issuer_economies: tuple[str, ...] = ()
    # ... and never the market's own (a bilateral MRA covers the *other* party's documents).
    foreign_only: bool = False
    designated_bodies: tuple[str, ...] = ()  # empty: no designation list
    designated_bodies_by_standard: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    listed_labs: tuple[str, ...] = ()
    listed_labs_by_standard: dict[str, tuple[str, ...]] = Field(default_factory=dict)
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
    suffix_conditions: dict[str, str] = Field(default_factory=dict)  # {"X": "marking"}
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    status_history: tuple[StatusChange, ...] = ()
    source: Source = Field(default_factory=Source)
    project: str | None = None
    notes_en: str = ""
    notes_zh: str = ""

    @model_validator(mode="after")
    def _valid(self) -> Self:
        _validate(self)
        return self

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
        if not isinstance(data, Mapping):
            raise InvalidArrangement(f"{where}: expected an object for Arrangement")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise _refusal(exc, where) from None

    def to_dict(self) -> dict[str, Any]:
        # Defaults left out keep documents short; from_dict restores them.
        return self.model_dump(mode="json", exclude_defaults=True)


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


# --- refusals ------------------------------------------------------------------------------


def _refusal(exc: ValidationError, where: str) -> InvalidArrangement:
    """pydantic's first problem, said as a person writing the document would read it."""
    errors = exc.errors()
    first = errors[0]
    loc = tuple(first["loc"])
    if first["type"] == "extra_forbidden":
        owner = _model_at(loc[:-1])
        unknown = [str(e["loc"][-1]) for e in errors
                   if e["type"] == "extra_forbidden" and tuple(e["loc"][:-1]) == loc[:-1]]
        return InvalidArrangement(
            f"{where}: unknown field(s) {', '.join(unknown)} in {owner.__name__}",
            hint=f"known fields: {', '.join(owner.model_fields)}")
    path = ".".join(str(p) for p in loc)
    if first["type"] == "missing":
        return InvalidArrangement(f"{where}: the required field {path} is missing")
    return InvalidArrangement(f"{where}: bad value for {path}: {first['msg']}")


def _model_at(loc: tuple[Any, ...]) -> type[BaseModel]:
    """The model that a location inside an arrangement document names."""
    model: type[BaseModel] = Arrangement
    for part in loc:
        if isinstance(part, str) and part in model.model_fields:
            model = _nested(model.model_fields[part].annotation) or model
    return model


def _nested(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    if get_origin(annotation) in (tuple, list, Union, types.UnionType):
        return next((m for a in get_args(annotation) if (m := _nested(a))), None)
    return None
