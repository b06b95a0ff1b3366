"""The recognition engine: is this certificate accepted in that market on that date, and why.

Pure: the service maps database rows into `CertificateFacts` and a `RegistrySnapshot`
(built once, indexed), then calls `decide`. Every arrangement that could apply is evaluated
completely (all failed rules are reported, not only the first) so a refusal names every
reason; the most favourable outcome wins and the others are shown beside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from certpass.recognition import codes
from certpass.recognition.codes import (
    DECISION_RANK,
    NOT_RECOGNISED,
    RECOGNISED,
    RECOGNISED_WITH_CONDITIONS,
)
from certpass.recognition.registry_snapshot import (
    RegistrySnapshot,
    Rule,
    StandardAdoption,
    edition_key,
)
from certpass.recognition.rules import Arrangement

# Normalised certificate statuses that mean "valid on the date"; the service maps the
# scheme's own words (有效, Current, Active) onto "valid" and keeps the original in status_word.
VALID_STATUSES = frozenset({"valid"})


# --- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StandardApplied:
    designation: str  # "IEC 60335-1"
    edition: str  # "2010" or "2010+A1:2013"; compared by its numbers, left to right


@dataclass(frozen=True, slots=True)
class CertificateFacts:
    number: str
    scheme: str  # "IECEE-CB", "IECEx", "CCC", ...
    kind: str  # rules.CERTIFICATE_KINDS
    issuer: str  # body id
    issuer_economy: str  # ISO 3166-1 alpha-2 of the issuing body
    status: str  # status on the decision date, normalised ("valid", "suspended", ...)
    issued_on: dt.date
    valid_from: dt.date | None = None  # None: from issued_on
    valid_until: dt.date | None = None  # None: no expiry (IECEx CoC)
    standards: tuple[StandardApplied, ...] = ()
    hs_code: str = ""
    category: str = ""  # scheme category: HOUS, EX ...
    testing_route: str = "third-party"  # rules.TESTING_ROUTES
    labs: tuple[str, ...] = ()  # body ids of the labs whose reports it rests on
    test_report_attached: bool = False
    origin: str = ""  # economy where the goods are made
    direct_trade: bool = True
    holder: str = ""
    suffixes: tuple[str, ...] = ()  # IECEx "X" (specific conditions of use), "U" (component)
    status_word: str = ""  # the scheme's own status word, for display


# --- outputs --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Condition:
    code: str
    text_en: str
    text_zh: str
    detail: str = ""
    items: tuple[str, ...] = ()
    arrangement: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "text_en": self.text_en,
                               "text_zh": self.text_zh}
        out.update(detail=self.detail, items=list(self.items), arrangement=self.arrangement)
        return out


@dataclass(frozen=True, slots=True)
class Reason:
    code: str
    text_en: str
    text_zh: str
    detail: str = ""
    arrangement: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "text_en": self.text_en,
            "text_zh": self.text_zh,
            "detail": self.detail,
            "arrangement": self.arrangement,
        }


@dataclass(frozen=True, slots=True)
class TraceStep:
    arrangement: str  # "" for checks on the certificate itself
    rule: str  # short rule name: "status", "scope.standards", "edition-floor" ...
    outcome: str  # "pass", "fail", "condition", "skip", "info"
    detail: str

    def to_json(self) -> dict[str, str]:
        return {
            "arrangement": self.arrangement,
            "rule": self.rule,
            "outcome": self.outcome,
            "detail": self.detail,
        }


@dataclass(frozen=True, slots=True)
class ArrangementOutcome:
    id: str
    title_en: str
    title_zh: str
    kind: str
    decision: str
    conditions: tuple[Condition, ...] = ()
    reasons: tuple[Reason, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title_en": self.title_en,
            "title_zh": self.title_zh,
            "kind": self.kind,
            "decision": self.decision,
            "conditions": [c.code for c in self.conditions],
            "reasons": [r.code for r in self.reasons],
        }


@dataclass(frozen=True, slots=True)
class Decision:
    certificate: str
    market: str
    date: dt.date
    decision: str
    conditions: tuple[Condition, ...]
    reasons: tuple[Reason, ...]
    arrangements: tuple[ArrangementOutcome, ...]  # the ones the decision rests on
    considered: tuple[ArrangementOutcome, ...]  # the other applicable ones, less favourable
    trace: tuple[TraceStep, ...]

    @property
    def condition_codes(self) -> list[str]:
        return [c.code for c in self.conditions]

    @property
    def reason_codes(self) -> list[str]:
        return [r.code for r in self.reasons]

    @property
    def arrangement_ids(self) -> list[str]:
        return [a.id for a in self.arrangements]

    def to_json(self) -> dict[str, Any]:
        label = codes.decision(self.decision)
        return {
            "certificate": self.certificate,
            "market": self.market,
            "date": self.date.isoformat(),
            "decision": self.decision,
            "decision_label": {"en": label.en, "zh": label.zh},
            "conditions": [c.to_json() for c in self.conditions],
            "reasons": [r.to_json() for r in self.reasons],
            "arrangements": [a.to_json() for a in self.arrangements],
            "considered": [a.to_json() for a in self.considered],
            "trace": [t.to_json() for t in self.trace],
        }


# --- deciding -------------------------------------------------------------------------------


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months elapsed: 2020-03-15 -> 2023-03-14 is 35, -> 2023-03-15 is 36."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def _valid_on(cert: CertificateFacts, on: dt.date) -> bool:
    return (
        cert.status in VALID_STATUSES
        and (cert.valid_from or cert.issued_on) <= on
        and not (cert.valid_until and on > cert.valid_until)
    )


def certificate_valid_on(cert: CertificateFacts, on: dt.date) -> tuple[bool, str]:
    if not _valid_on(cert, on):
        return False, _invalid_because(cert, on)
    start = cert.valid_from or cert.issued_on
    until = f"until {cert.valid_until}" if cert.valid_until else "with no expiry date"
    return True, f"status {cert.status}, valid from {start} {until}"


def _invalid_because(cert: CertificateFacts, on: dt.date) -> str:
    if cert.status not in VALID_STATUSES:
        word = f" ({cert.status_word})" if cert.status_word else ""
        return f"status on {on} is {cert.status}{word}"
    start = cert.valid_from or cert.issued_on
    if on < start:
        return f"not valid before {start}"
    return f"expired on {cert.valid_until}"


def decide(
    certificate: CertificateFacts,
    market: str,
    on: dt.date,
    snapshot: RegistrySnapshot,
    *,
    explain: bool = True,
    evaluations: Evaluations | None = None,
) -> Decision:
    """Decide one certificate in one market. `explain=False` leaves each arrangement's passed
    and failed checks out of the trace (the reasons still carry every failure): the planner
    and the project figures ask thousands of questions and read only the outcome.
    `evaluations`: what earlier decisions of this certificate on this date found (see
    `Evaluations`), for a caller that asks about many markets."""
    if evaluations is None:
        validity = _validity_step(certificate, on)
    else:
        evaluations.check(certificate, on, explain)
        validity = evaluations.validity
    valid, why = validity.outcome == "pass", validity.detail
    trace: list[TraceStep] = [validity]

    outcomes: list[_Outcome] = []
    for rule in snapshot.rules_for(market, certificate.scheme):
        a = rule.a
        if a.foreign_only and certificate.issuer_economy == market:
            trace.append(
                TraceStep(
                    a.id,
                    "foreign-only",
                    "skip",
                    f"covers documents from the other party, not from {market} itself",
                )
            )
            continue
        if evaluations is None:
            outcomes.append(_evaluate(rule, certificate, market, on, snapshot, trace, explain))
        else:
            outcomes.append(evaluations.evaluate(rule, market, snapshot, trace))

    # Cooperation-only arrangements (accreditation, technical chapters) are shown, never used:
    # they are exactly where a naive system would wrongly answer "recognised".
    granting = [o for o in outcomes if o.rule.kinds]
    cooperation = [o for o in outcomes if not o.rule.kinds]
    granting.sort(key=lambda o: (DECISION_RANK[o.decision], len(o.conditions), o.rule.a.id))
    cooperation.sort(key=lambda o: o.rule.a.id)
    used: list[_Outcome] = []
    conditions: tuple[Condition, ...] = ()
    if not valid:
        result = NOT_RECOGNISED
        reasons: tuple[Reason, ...] = (_reason("certificate-not-valid", why, ""),)
        shown = [*granting, *cooperation]
        summary = "the certificate is not valid on the date: nothing can accept it"
    elif not granting:
        result = NOT_RECOGNISED
        extra = ""
        if cooperation:
            ids = ", ".join(o.rule.a.id for o in cooperation)
            extra = f"; {ids} recognise(s) no certificates"
        detail = f"no arrangement accepts {certificate.scheme} documents in {market}{extra}"
        reasons = (_reason("no-arrangement", detail, ""),)
        shown = cooperation
        summary = detail
    elif granting[0].decision == NOT_RECOGNISED:
        result = NOT_RECOGNISED
        used = granting
        reasons = tuple(r for o in granting for r in o.reasons)
        shown = cooperation
        summary = f"no applicable arrangement accepts it ({len(granting)} considered)"
    else:
        best = granting[0]
        result = best.decision
        used = [best]
        conditions = tuple(best.conditions)
        reasons = ()
        shown = [*granting[1:], *cooperation]
        others = ", ".join(f"{o.rule.a.id}: {o.decision}" for o in shown) or "none"
        summary = f"most favourable: {best.rule.a.id} ({best.decision}); others: {others}"
    trace.append(TraceStep("", "decision", "fail" if result == NOT_RECOGNISED else "pass", summary))
    return Decision(
        certificate.number,
        market,
        on,
        result,
        conditions,
        reasons,
        tuple(o.summary() for o in used),
        tuple(o.summary() for o in shown),
        tuple(trace),
    )


def decide_markets(
    certificate: CertificateFacts,
    on: dt.date,
    snapshot: RegistrySnapshot,
    markets: Iterable[str] | None = None,
) -> dict[str, Decision]:
    """Every market (default: every market some arrangement names) for one certificate."""
    evaluations = Evaluations(certificate, on)
    return {m: decide(certificate, m, on, snapshot, evaluations=evaluations)
            for m in (markets or snapshot.markets)}


def _validity_step(certificate: CertificateFacts, on: dt.date) -> TraceStep:
    valid, why = certificate_valid_on(certificate, on)
    return TraceStep("", "certificate-validity", "pass" if valid else "fail", why)


class Evaluations:
    """One certificate's arrangement evaluations on one date, kept across the markets asked
    about. An arrangement applies in many markets (a multilateral scheme in dozens) and its
    checks read of the market only what `_market_reading` names, so a market that reads
    the same as one already evaluated gets that evaluation (outcome and trace lines) again
    instead of a new one; the answers are the same as `decide` without it gives."""

    def __init__(self, certificate: CertificateFacts, on: dt.date, explain: bool = True) -> None:
        self.certificate, self.on, self.explain = certificate, on, explain
        self.validity = _validity_step(certificate, on)  # the same in every market
        self._seen: dict[tuple[int, tuple[Any, ...]], tuple[_Outcome, list[TraceStep]]] = {}
        self._adoptions: dict[str, tuple[StandardAdoption | None, ...]] = {}

    def check(self, certificate: CertificateFacts, on: dt.date, explain: bool) -> None:
        if certificate is not self.certificate or on != self.on or explain != self.explain:
            raise ValueError("these evaluations are of another certificate, date or detail")

    def evaluate(self, rule: Rule, market: str, snap: RegistrySnapshot,
                 trace: list[TraceStep]) -> _Outcome:
        if rule.checks is None:
            rule.checks = checks_for(rule)
        key = (id(rule), self._market_reading(rule, market, snap))
        seen = self._seen.get(key)
        if seen is None:
            start = len(trace)
            outcome = _evaluate(rule, self.certificate, market, self.on, snap, trace,
                                self.explain)
            self._seen[key] = (outcome, trace[start:])
            return outcome
        trace.extend(seen[1])
        return seen[0]

    def _market_reading(self, rule: Rule, market: str, snap: RegistrySnapshot
                        ) -> tuple[Any, ...]:
        """All that an evaluation of `rule` reads of the market (a check that reads
        `_Checks.market` must be named here): the market's adoptions of the applied
        standards (edition floors, national differences) and whether the goods are made
        there (origin). No check writes the market's name: the decision names it."""
        checks = rule.checks or ()
        adoptions: tuple[StandardAdoption | None, ...] = ()
        if _edition_floors in checks:
            adoptions = self._adoptions.get(market) or self._adoptions.setdefault(market, tuple(
                snap.adoption(market, s.designation, self.on)
                for s in self.certificate.standards))
        return adoptions, self.certificate.origin == market if _origin in checks else None


@dataclass(slots=True)
class _Outcome:
    rule: Rule
    decision: str
    conditions: list[Condition] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)

    def summary(self) -> ArrangementOutcome:
        a = self.rule.a
        return ArrangementOutcome(
            a.id,
            a.title_en,
            a.title_zh,
            a.kind,
            self.decision,
            tuple(self.conditions),
            tuple(self.reasons),
        )


def _reason(code: str, detail: str, arrangement: str) -> Reason:
    c = codes.REASONS[code]
    return Reason(code, c.en, c.zh, detail, arrangement)


def _condition(code: str, detail: str, arrangement: str, items: tuple[str, ...] = ()) -> Condition:
    c = codes.CONDITIONS[code]
    return Condition(code, c.en, c.zh, detail, items, arrangement)


@dataclass(slots=True)
class _Checks:
    """What the checks of one arrangement share: the question, and what they found."""

    rule: Rule
    cert: CertificateFacts
    market: str
    on: dt.date
    snap: RegistrySnapshot
    trace: list[TraceStep]
    explain: bool
    reasons: list[Reason] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    nd_items: list[str] = field(default_factory=list)  # national differences seen
    a: Arrangement = field(init=False)
    aid: str = field(init=False)

    def __post_init__(self) -> None:
        self.a = self.rule.a
        self.aid = self.rule.a.id

    def fail(self, rule_name: str, code: str, detail: str) -> None:
        self.reasons.append(_reason(code, detail, self.aid))
        if self.explain:  # the reason carries the detail either way
            self.trace.append(TraceStep(self.aid, rule_name, "fail", detail))

    def ok(self, rule_name: str, template: str, *args: object) -> None:
        # Passed checks are formatted only when a person will read them.
        if self.explain:
            self.trace.append(TraceStep(self.aid, rule_name, "pass", template.format(*args)))


def _evaluate(
    rule: Rule,
    cert: CertificateFacts,
    market: str,
    on: dt.date,
    snap: RegistrySnapshot,
    trace: list[TraceStep],
    explain: bool = True,
) -> _Outcome:
    """One arrangement for one certificate: every check, in order; all failures reported.
    A check returning False ends the evaluation (nothing more can be said)."""
    chk = _Checks(rule, cert, market, on, snap, trace, explain)
    if rule.checks is None:
        rule.checks = checks_for(rule)
    for check in rule.checks:
        if not check(chk):
            return _Outcome(rule, NOT_RECOGNISED, chk.conditions, chk.reasons)
    if chk.reasons:
        return _Outcome(rule, NOT_RECOGNISED, [], chk.reasons)
    _attached_conditions(chk)
    decision = RECOGNISED_WITH_CONDITIONS if chk.conditions else RECOGNISED
    return _Outcome(rule, decision, chk.conditions, [])


def _in_force(chk: _Checks) -> bool:
    """In force on the date?"""
    a, on, fail, ok = chk.a, chk.on, chk.fail, chk.ok
    if a.in_force_on(on):
        ok("status", "in force on {}", on)
        return True
    status = a.status_on(on) or "not yet signed"
    if status == "in-force":
        fail(
            "status",
            "arrangement-not-in-force",
            f"outside its validity dates ({a.valid_from} to {a.valid_until or 'open'})",
        )
    else:
        fail("status", "arrangement-not-in-force", f"status on {on} is {status}")
    return True


def _document_kind(chk: _Checks) -> bool:
    """Does it recognise this kind of document at all?"""
    a, rule, cert, fail, ok = chk.a, chk.rule, chk.cert, chk.fail, chk.ok
    if not rule.kinds:
        what = ", ".join(a.recognises) or "nothing"
        fail(
            "recognises",
            "outside-scope",
            f"{a.kind} recognises {what}, not certificates or test reports",
        )
        return False
    if cert.kind not in rule.kinds:
        fail(
            "scope.kinds",
            "outside-scope",
            f"accepts {', '.join(sorted(rule.kinds))}, not a {cert.kind}",
        )
    else:
        ok("scope.kinds", "accepts a {} from {}", cert.kind, cert.scheme)
    return True


def _product_scope(chk: _Checks) -> bool:
    """Product scope: category, HS code, standards, suffix."""
    a, rule, cert, fail, ok = chk.a, chk.rule, chk.cert, chk.fail, chk.ok
    if rule.categories and cert.category not in rule.categories:
        fail(
            "scope.categories",
            "outside-scope",
            f"category {cert.category or '(none)'} not in {', '.join(sorted(rule.categories))}",
        )
    if rule.hs_prefixes:
        if not _hs_in_scope(rule, cert.hs_code):
            fail(
                "scope.hs",
                "outside-scope",
                f"HS {cert.hs_code or '(none)'} not under {', '.join(a.scope.hs_prefixes)}",
            )
        else:
            ok("scope.hs", "HS {} in scope", cert.hs_code)
    if rule.scope_standards:
        if not _standards_in_scope(rule, cert.standards):
            outside = [
                s.designation for s in cert.standards if s.designation not in rule.scope_standards
            ]
            fail(
                "scope.standards",
                "outside-scope",
                f"standards outside the accepted scope: {', '.join(outside) or '(none applied)'}",
            )
        else:
            ok("scope.standards", "every applied standard is in the accepted scope")
    for suffix in cert.suffixes:
        if suffix in a.scope.excluded_suffixes:
            fail("scope.suffix", "outside-scope", f"certificates with suffix {suffix} excluded")
    return True


def _issuer(chk: _Checks) -> bool:
    """Issuer: whose documents, which bodies."""
    a, rule, cert, snap = chk.a, chk.rule, chk.cert, chk.snap
    reasons, fail, ok = chk.reasons, chk.fail, chk.ok
    before = len(reasons)
    if rule.issuer_economies and cert.issuer_economy not in rule.issuer_economies:
        fail(
            "issuer.economy",
            "issuer-not-designated",
            f"issuer {cert.issuer} is in {cert.issuer_economy}, not a party economy",
        )
    if rule.designated and cert.issuer not in rule.designated:
        fail(
            "issuer.designated",
            "issuer-not-designated",
            f"{cert.issuer} is not among the designated bodies",
        )
    for s in cert.standards:
        per = rule.designated_by_std.get(s.designation)
        if per is not None and cert.issuer not in per:
            fail(
                "issuer.designated",
                "issuer-not-designated",
                f"{cert.issuer} is not designated for {s.designation}",
            )
        if a.require_scheme_listed_issuer and not snap.is_listed(
            cert.scheme, "issuer", cert.issuer, s.designation
        ):
            fail(
                "issuer.listed",
                "issuer-not-designated",
                f"{cert.scheme} does not list {cert.issuer} as issuer for {s.designation}",
            )
    listed = rule.designated or rule.designated_by_std or a.require_scheme_listed_issuer
    if len(reasons) == before and listed:
        ok("issuer", "{} is designated/listed", cert.issuer)
    return True


def _labs(chk: _Checks) -> bool:
    """Labs."""
    a, rule, cert, snap, fail = chk.a, chk.rule, chk.cert, chk.snap, chk.fail
    if _labs_checked(rule):
        if not cert.labs:
            fail("labs", "lab-not-listed", "the certificate names no testing laboratory")
        for lab in cert.labs:
            if rule.labs and lab not in rule.labs:
                fail("labs", "lab-not-listed", f"lab {lab} is not on the arrangement's list")
            for s in cert.standards:
                per = rule.labs_by_std.get(s.designation)
                if per is not None and lab not in per:
                    fail("labs", "lab-not-listed", f"lab {lab} is not listed for {s.designation}")
                if a.require_scheme_listed_labs and not snap.is_listed(
                    cert.scheme, "lab", lab, s.designation
                ):
                    fail(
                        "labs",
                        "lab-not-listed",
                        f"{cert.scheme} does not list lab {lab} for {s.designation}",
                    )
    return True


def _testing_route(chk: _Checks) -> bool:
    """Testing route."""
    a, rule, cert, fail, ok = chk.a, chk.rule, chk.cert, chk.fail, chk.ok
    if rule.routes:
        if not _route_accepted(rule, cert):
            fail(
                "testing-route",
                "testing-route-not-accepted",
                f"{cert.testing_route} results are not accepted "
                f"(accepted: {', '.join(a.testing_routes)})",
            )
        else:
            ok("testing-route", "{} accepted", cert.testing_route)
    return True


def _origin(chk: _Checks) -> bool:
    """Origin and direct trade."""
    a, rule, cert, market = chk.a, chk.rule, chk.cert, chk.market
    reasons, fail, ok = chk.reasons, chk.fail, chk.ok
    if a.origin:
        before = len(reasons)
        if not _origin_listed(rule, cert):
            fail(
                "origin",
                "origin-not-eligible",
                f"made in {cert.origin or '(unknown)'}; eligible: {', '.join(a.origin.economies)}",
            )
        if not _traded_directly(rule, cert):
            fail("origin", "origin-not-eligible", "goods not traded directly between the parties")
        # The rule is about the goods, not the issuer: goods made in the market itself are
        # not traded from the other party, whoever certified them.
        if not _from_the_other_party(rule, cert, market):
            fail(
                "origin",
                "origin-not-eligible",
                f"made in {market} for {market}: not goods from the other party",
            )
        if len(reasons) == before:
            ok("origin", "made in {}, traded directly", cert.origin)
    return True


def _edition_floors(chk: _Checks) -> bool:
    """Edition floors: explicit ones, then the market's national adoptions."""
    a, rule, cert, market = chk.a, chk.rule, chk.cert, chk.market
    on, snap, fail, ok = chk.on, chk.snap, chk.fail, chk.ok
    for s in cert.standards:
        floor = rule.floors.get(s.designation)
        adoption = snap.adoption(market, s.designation, on)
        if floor is None and a.derive_edition_floors and adoption is not None:
            floor = (
                edition_key(adoption.international_edition),
                adoption.international_edition,
                f"{adoption.national}-{adoption.national_edition} adopts "
                f"{adoption.international}:{adoption.international_edition}",
            )
        if floor is None:
            scope_floor = rule.scope_standards.get(s.designation)
            if scope_floor:
                floor = (scope_floor, ".".join(map(str, scope_floor)), "lowest edition in scope")
        if floor is not None:
            if edition_key(s.edition) < floor[0]:
                fail(
                    "edition-floor",
                    "edition-too-old",
                    f"{s.designation}:{s.edition} is older than {floor[1]} ({floor[2]})",
                )
            else:
                ok(
                    "edition-floor",
                    "{}:{} >= {} ({})",
                    s.designation,
                    s.edition,
                    floor[1],
                    floor[2],
                )
        if adoption is not None:
            for diff in adoption.differences:
                chk.nd_items.append(f"{adoption.national}-{adoption.national_edition}: {diff}")
    return True


def _freshness(chk: _Checks) -> bool:
    """Freshness."""
    a, aid, cert, on = chk.a, chk.aid, chk.cert, chk.on
    conditions, trace, fail, ok = chk.conditions, chk.trace, chk.fail, chk.ok
    if a.freshness_months is not None:
        age = months_between(cert.issued_on, on)
        if age > a.freshness_months:
            detail = f"issued {cert.issued_on}, {age} months old (limit {a.freshness_months})"
            if a.freshness_action == "refuse":
                fail("freshness", "certificate-too-old", detail)
            else:
                conditions.append(_condition("freshness-review", detail, aid))
                trace.append(TraceStep(aid, "freshness", "condition", detail))
        else:
            ok("freshness", "{} months old, within {}", age, a.freshness_months)
    return True


# --- the issuer-free checks as predicates ----------------------------------------------------
# The checks above read these, and so does `refused_whoever_issues`: one truth for both.


def _hs_in_scope(rule: Rule, hs_code: str) -> bool:
    if not rule.hs_prefixes:
        return True
    return hs_code.replace(".", "").startswith(rule.hs_prefixes)


def _standards_in_scope(rule: Rule, standards: tuple[StandardApplied, ...]) -> bool:
    scope = rule.scope_standards
    return not scope or (bool(standards) and all(s.designation in scope for s in standards))


def _labs_checked(rule: Rule) -> bool:
    return bool(rule.labs or rule.labs_by_std or rule.a.require_scheme_listed_labs)


def _labs_pass(rule: Rule, cert: CertificateFacts, snap: RegistrySnapshot) -> bool:
    if not _labs_checked(rule):
        return True
    if not cert.labs:
        return False
    for lab in cert.labs:
        if rule.labs and lab not in rule.labs:
            return False
        for s in cert.standards:
            per = rule.labs_by_std.get(s.designation)
            if per is not None and lab not in per:
                return False
            if rule.a.require_scheme_listed_labs and not snap.is_listed(
                cert.scheme, "lab", lab, s.designation
            ):
                return False
    return True


def _route_accepted(rule: Rule, cert: CertificateFacts) -> bool:
    return not rule.routes or cert.testing_route in rule.routes


def _origin_listed(rule: Rule, cert: CertificateFacts) -> bool:
    return not (rule.a.origin and rule.origin and cert.origin not in rule.origin)


def _traded_directly(rule: Rule, cert: CertificateFacts) -> bool:
    return not (rule.a.origin and rule.a.origin.direct_trade and not cert.direct_trade)


def _from_the_other_party(rule: Rule, cert: CertificateFacts, market: str) -> bool:
    a = rule.a
    return not (a.origin and (a.origin.direct_trade or a.foreign_only) and cert.origin == market)


def _fails_issuer_free(
    rule: Rule, cert: CertificateFacts, market: str, on: dt.date, snap: RegistrySnapshot,
    seen: dict[int, bool] | None = None,
) -> bool:
    """Some check that does not read the issuer fails: the rule refuses the document
    whoever issued it (edition floors and freshness are left to `decide`). `seen` keeps,
    per rule, the part that does not read the market either (all but the other-party
    check), for a caller asking about one certificate in many markets."""
    fails = seen.get(id(rule)) if seen is not None else None
    if fails is None:
        a = rule.a
        fails = not (  # the cheapest and most selective first
            cert.kind in rule.kinds
            and _hs_in_scope(rule, cert.hs_code)
            and _standards_in_scope(rule, cert.standards)
            and (not rule.categories or cert.category in rule.categories)
            and a.in_force_on(on)
            and not any(x in a.scope.excluded_suffixes for x in cert.suffixes)
            and _labs_pass(rule, cert, snap)
            and _route_accepted(rule, cert)
            and _origin_listed(rule, cert)
            and _traded_directly(rule, cert)
        )
        if seen is not None:
            seen[id(rule)] = fails
    return fails or not _from_the_other_party(rule, cert, market)


def refused_whoever_issues(
    certificate: CertificateFacts, market: str, on: dt.date, snapshot: RegistrySnapshot,
    seen: dict[int, bool] | None = None,
) -> bool:
    """A quick, sufficient test for "not recognised, whoever issues it": True when the
    certificate is not valid on the date or every granting rule for its scheme in the
    market fails a check that does not read the issuer (its scope, labs, route, origin,
    status), so `decide` answers not-recognised for this document from any body. False
    means: ask `decide`. The planner screens its thousands of questions with it, passing
    one `seen` per certificate (see `_fails_issuer_free`)."""
    if not _valid_on(certificate, on):
        return True
    return all(
        _fails_issuer_free(rule, certificate, market, on, snapshot, seen)
        for rule in snapshot.rules_for(market, certificate.scheme)
        if rule.kinds
    )


# The checks an arrangement makes, in the order the trace shows them.
CHECKS = (
    _in_force,
    _document_kind,
    _product_scope,
    _issuer,
    _labs,
    _testing_route,
    _origin,
    _edition_floors,
    _freshness,
)


def checks_for(rule: Rule) -> tuple[Any, ...]:
    """The checks of CHECKS that can say something about this arrangement: a check whose rule
    fields are all empty adds no reason, condition or trace line, so it is left out."""
    a = rule.a
    scope = bool(rule.categories or rule.hs_prefixes or rule.scope_standards
                 or a.scope.excluded_suffixes)
    issuer = bool(rule.issuer_economies or rule.designated or rule.designated_by_std
                  or a.require_scheme_listed_issuer)
    # Floors come from the rule, the market's adoptions or the scope's editions; adoptions
    # also name the national differences a "national-differences-test" condition lists.
    floors = bool(
        rule.floors or a.derive_edition_floors or any(rule.scope_standards.values())
        or any(c.code == "national-differences-test" and not c.items for c in a.conditions)
    )
    wanted = {
        _product_scope: scope,
        _issuer: issuer,
        _labs: _labs_checked(rule),
        _testing_route: bool(rule.routes),
        _origin: a.origin is not None,
        _edition_floors: floors,
        _freshness: a.freshness_months is not None,
    }
    return tuple(c for c in CHECKS if wanted.get(c, True))


def _attached_conditions(chk: _Checks) -> bool:
    """Conditions the arrangement always attaches, and those the document triggers."""
    a, aid, cert = chk.a, chk.aid, chk.cert
    conditions, trace = chk.conditions, chk.trace
    for c in a.conditions:
        items = c.items
        detail = c.detail_en
        if c.code == "national-differences-test" and not items:
            items = tuple(chk.nd_items)
            detail = detail or (
                "test the national differences: " + "; ".join(items)
                if items
                else "no national differences are recorded for this market"
            )
        conditions.append(_condition(c.code, detail, aid, items))
        trace.append(TraceStep(aid, "condition", "condition", f"{c.code}: {detail}".rstrip(": ")))
    if a.requires_test_report and not cert.test_report_attached:
        conditions.append(
            _condition("test-report-required", "the certificate came without its test report", aid)
        )
        trace.append(TraceStep(aid, "test-report", "condition", "test report not attached"))
    for suffix in cert.suffixes:
        code = a.suffix_conditions.get(suffix)
        if code and all(x.code != code for x in conditions):
            detail = f"suffix {suffix}: specific conditions of use must be marked and followed"
            conditions.append(_condition(code, detail, aid))
            trace.append(TraceStep(aid, "suffix", "condition", detail))
    return True
