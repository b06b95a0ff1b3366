"""The route planner: the cheapest set of tests and certificates that opens several markets.

"One test, several certificates" (一次检测、多国认证) as a weighted covering problem:
each candidate assessment (a certificate in some scheme from some body, resting on a test
at a listed lab, possibly building on another assessment) opens the markets where the
engine says it is recognised, leaving per-market conditions that cost money and time.
A plan picks a set of assessments closed under prerequisites; each market is served by the
cheapest chosen assessment that opens it. Total = fixed costs of the chosen assessments +
the per-market costs. Solved exactly by branch-and-bound after dominance pruning: the
number of *distinct* candidates is small (a handful of schemes times the few bodies whose
designation changes the outcome), so exactness does not need 2^markets enumeration.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from certpass.recognition.codes import NOT_RECOGNISED
from certpass.recognition.engine import (
    CertificateFacts,
    Decision,
    Evaluations,
    StandardApplied,
    decide,
    refused_whoever_issues,
)
from certpass.recognition.registry_snapshot import RegistrySnapshot
from certpass.recognition.rules import KINDS_RECOGNISED

INF = float("inf")
MAX_ISSUERS_PER_SCHEME = 8  # bodies beyond these are interchangeable for the outcome


# --- inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SchemeCosts:
    """Illustrative cost and lead-time estimates for obtaining one certificate in a scheme."""

    scheme: str
    certificate_kind: str  # the document it yields: cb-test-certificate, iecex-coc ...
    test_cost: float  # full type testing
    certificate_fee: float
    test_days: int
    certificate_days: int
    factory_inspection_cost: float = 0.0
    factory_inspection_days: int = 0
    own_factory_inspection: bool = False  # the scheme always inspects the factory itself
    lab_role: str = "lab"  # the kind of lab that tests: CBTL, ExTL, designated lab
    issuers: tuple[str, ...] = ()  # bodies selling it, besides those the scheme lists
    builds_on: str | None = None  # scheme whose certificate replaces most of the testing
    reuse_test_cost: float = 0.0  # tests still needed when building on it
    reuse_test_days: int = 0
    estimated: bool = False  # no figures recorded for the scheme: the catalogue's medians


@dataclass(frozen=True, slots=True)
class ConditionCost:
    code: str
    cost: float
    days: int


@dataclass(frozen=True, slots=True)
class Catalogue:
    schemes: Mapping[str, SchemeCosts]
    conditions: Mapping[str, ConditionCost] = field(default_factory=dict)
    currency: str = "USD"

    @classmethod
    def from_document(cls, doc: Mapping[str, Any]) -> Catalogue:
        """Read the shape of certpass/demo/data/scheme_costs.json."""
        schemes = {}
        for item in doc.get("schemes", []):
            item = dict(item)
            item["issuers"] = tuple(item.get("issuers", ()))
            schemes[item["scheme"]] = SchemeCosts(**item)
        conditions = {c["code"]: ConditionCost(**c) for c in doc.get("conditions", [])}
        return cls(schemes, conditions, doc.get("currency", "USD"))

    def costs_for(self, scheme: str, kind: str) -> SchemeCosts:
        """The recorded figures, or (marked estimated) the medians of the recorded schemes:
        a scheme without figures is still a route, never silently left out."""
        if scheme in self.schemes:
            return self.schemes[scheme]
        known = list(self.schemes.values())

        def median(values: list[float]) -> float:
            return statistics.median(values) if values else 0.0

        return SchemeCosts(
            scheme,
            kind,
            median([c.test_cost for c in known]),
            median([c.certificate_fee for c in known]),
            int(median([c.test_days for c in known])),
            int(median([c.certificate_days for c in known])),
            estimated=True,
        )


@dataclass(frozen=True, slots=True)
class ProductFacts:
    hs_code: str
    standards: tuple[StandardApplied, ...]
    origin: str
    category: str = ""
    direct_trade: bool = True
    name: str = ""


# --- candidates -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Opening:
    """What one assessment leaves to do in one market."""

    market: str
    decision: str
    conditions: tuple[str, ...]
    arrangement: str
    target_scheme: str | None
    cost: float
    days: int


@dataclass(slots=True)
class Assessment:
    id: str
    scheme: str
    issuer: str
    lab: str
    fixed_cost: float
    days: int  # own lead time, prerequisite excluded
    opens: dict[str, Opening]
    prerequisite: str | None = None  # id of the assessment it builds on
    why: str = ""
    certificate: CertificateFacts | None = None  # what the route would produce


def route_schemes(
    markets: Sequence[str], snapshot: RegistrySnapshot, catalogue: Catalogue
) -> list[tuple[SchemeCosts, str]]:
    """Every scheme whose documents some granting rule of an asked market accepts (the same
    arrangements and home schemes the engine reads), plus the schemes they build on; each with
    the catalogue's figures or an estimate, and the document kind to produce (the recorded
    one, and also the one its home market accepts). Prerequisites come first."""
    kinds: dict[str, dict[str, None]] = {}  # scheme -> kinds, first seen first
    for m in markets:
        for scheme in snapshot.schemes_accepted_in(m):
            seen = kinds.setdefault(scheme, {})
            for r in snapshot.rules_for(m, scheme):
                seen.update(dict.fromkeys(r.kinds))  # in the arrangement's own order
    pending = list(kinds)
    while pending:  # bounded: each scheme is added once
        builds_on = catalogue.schemes.get(pending.pop())
        if builds_on and builds_on.builds_on and builds_on.builds_on not in kinds:
            kinds[builds_on.builds_on] = {}
            pending.append(builds_on.builds_on)
    out: list[tuple[SchemeCosts, str]] = []
    for scheme in sorted(kinds):
        accepted = list(kinds[scheme])
        home = snapshot.home_of(scheme)
        derived = (
            home.certificate_kinds[0]
            if home
            else next((k for k in accepted if k in KINDS_RECOGNISED["certificates"]), None)
            or (accepted[0] if accepted else "product-certificate")
        )
        costs = catalogue.costs_for(scheme, derived)
        out.append((costs, costs.certificate_kind))
        if home and costs.certificate_kind not in home.certificate_kinds:
            out.append((costs, derived))  # the document its home market accepts
    return sorted(out, key=lambda c: c[0].builds_on is not None)


class Refusals:
    """The reason codes the engine gave per market. A refusal that no issuer could turn
    around (`engine.refused_whoever_issues`) is recorded as the question alone: its codes
    are asked of `decide` only if the market stays unopened, the one place they are read."""

    def __init__(self, markets: Iterable[str], on: dt.date, snapshot: RegistrySnapshot) -> None:
        self._codes: dict[str, set[str]] = {m: set() for m in markets}
        self._asked: dict[str, list[CertificateFacts]] = {}
        self._on, self._snapshot = on, snapshot

    def add(self, market: str, codes: Iterable[str]) -> None:
        self._codes[market].update(codes)

    def defer(self, market: str, certificate: CertificateFacts) -> None:
        self._asked.setdefault(market, []).append(certificate)

    def __getitem__(self, market: str) -> set[str]:
        for cert in self._asked.pop(market, ()):
            d = decide(cert, market, self._on, self._snapshot, explain=False)
            self._codes[market].update(d.reason_codes)
        return self._codes[market]


def _route_certificate(
    costs: SchemeCosts, kind: str, issuer: str, lab: str, product: ProductFacts, on: dt.date,
    snapshot: RegistrySnapshot,
) -> CertificateFacts:
    """The certificate a route would produce."""
    return CertificateFacts(
        number=f"plan:{costs.scheme}:{issuer}",
        scheme=costs.scheme,
        kind=kind,
        issuer=issuer,
        issuer_economy=snapshot.body_economies.get(issuer, ""),
        status="valid",
        issued_on=on,
        standards=product.standards,
        hs_code=product.hs_code,
        category=product.category,
        labs=(lab,) if lab else (),
        test_report_attached=True,
        origin=product.origin,
        direct_trade=product.direct_trade,
    )


def candidates(
    product: ProductFacts,
    markets: Sequence[str],
    on: dt.date,
    snapshot: RegistrySnapshot,
    catalogue: Catalogue,
) -> tuple[list[Assessment], Refusals]:
    """Every distinct assessment worth considering, and the refusals seen per market."""
    refusals = Refusals(markets, on, snapshot)
    out: list[Assessment] = []
    by_scheme: dict[str, list[Assessment]] = {}
    for costs, kind in route_schemes(markets, snapshot, catalogue):
        tag = "" if kind == costs.certificate_kind else f"[{kind}]"
        lab = _lab_for(costs.scheme, product, snapshot)
        seen_signatures: set[tuple] = set()
        market_rules = {m: snapshot.rules_for(m, costs.scheme) for m in markets}
        signatures: dict[str, _Signature] = {}  # built for a market once a 2nd issuer asks
        first: dict[str, tuple[str, Opening | None]] = {}  # the first issuer's answer
        answers: dict[tuple, Opening | None] = {}
        issuers = _issuers_for(costs, markets, snapshot, product)
        # The markets that refuse this document whoever issues it: no issuer need ask again.
        # (Rules for documents from the other party only skip some issuers: those ask.)
        template = _route_certificate(costs, kind, issuers[0], lab, product, on, snapshot)
        screened: dict[int, bool] = {}  # per rule: refused in any market (see the engine)
        for m, rules in market_rules.items():
            if (
                rules
                and not any(r.a.foreign_only for r in rules)
                and refused_whoever_issues(template, m, on, snapshot, screened)
            ):
                answers[(m, "any issuer")] = None
                refusals.defer(m, template)
        for issuer in issuers:
            cert = (
                template
                if issuer == issuers[0]
                else _route_certificate(costs, kind, issuer, lab, product, on, snapshot)
            )
            opens: dict[str, Opening] = {}
            evaluations = Evaluations(cert, on, explain=False)  # one per route certificate
            for m in markets:
                rules = market_rules[m]
                if not rules:
                    refusals.add(m, ("no-arrangement",))  # nothing to ask the engine
                    continue
                if (m, "any issuer") in answers:
                    continue  # refused whoever issues it
                if m in first:
                    # Issuers that the market's rules cannot tell apart get the same answer.
                    sig = signatures.get(m)
                    if sig is None:
                        sig = signatures[m] = _Signature(rules, snapshot, costs.scheme, product)
                    key: tuple = (m, sig(issuer))
                    if key not in answers and sig(first[m][0]) == key[1]:
                        answers[key] = first[m][1]
                else:
                    key = (m, "first")
                if key not in answers:
                    d = decide(cert, m, on, snapshot, explain=False, evaluations=evaluations)
                    if d.decision == NOT_RECOGNISED:
                        refusals.add(m, d.reason_codes)
                        answers[key] = None
                        if _refused_whoever_issues(d):
                            answers[(m, "any issuer")] = None
                    else:
                        answers[key] = _opening(d, snapshot, catalogue, costs.scheme)
                    if m not in first:
                        first[m] = (issuer, answers[key])
                opening = answers[key]
                if opening is not None:
                    opens[m] = opening
            signature = tuple(sorted((m, o.cost, o.days) for m, o in opens.items()))
            if not opens or signature in seen_signatures:
                continue
            seen_signatures.add(signature)
            estimate = (
                f" (no cost figures recorded for {costs.scheme}: medians of the recorded schemes)"
                if costs.estimated
                else ""
            )
            fi = costs.factory_inspection_cost if costs.own_factory_inspection else 0.0
            fi_days = costs.factory_inspection_days if costs.own_factory_inspection else 0
            full = Assessment(
                id=f"{costs.scheme}{tag}@{issuer}",
                scheme=costs.scheme,
                issuer=issuer,
                lab=lab,
                fixed_cost=costs.test_cost + costs.certificate_fee + fi,
                days=costs.test_days + costs.certificate_days + fi_days,
                opens=opens,
                why=f"full {costs.scheme} testing at a {costs.lab_role} ({lab or issuer}), "
                f"certificate from {issuer}{estimate}",
                certificate=cert,
            )
            variants = [full]
            for base in by_scheme.get(costs.builds_on or "", []):
                variants.append(
                    Assessment(
                        id=f"{costs.scheme}{tag}@{issuer}<-{base.id}",
                        scheme=costs.scheme,
                        issuer=issuer,
                        lab=lab,
                        fixed_cost=costs.reuse_test_cost + costs.certificate_fee + fi,
                        days=costs.reuse_test_days + costs.certificate_days + fi_days,
                        opens=opens,
                        prerequisite=base.id,
                        why=f"{costs.scheme} certificate from {issuer} building on {base.id}: "
                        f"only the remaining tests are run{estimate}",
                        certificate=cert,
                    )
                )
            for a in variants:
                out.append(a)
                by_scheme.setdefault(costs.scheme, []).append(a)
    return out, refusals


ISSUER_REASONS = frozenset({"issuer-not-designated"})


def _refused_whoever_issues(d: Decision) -> bool:
    """A refusal another issuer could not turn around: no rule was skipped for the issuer's
    economy (foreign-only) and every rule tried failed for some reason that is not about
    the issuer (scope, labs, route, origin, edition, freshness, dates)."""
    if any(t.rule == "foreign-only" for t in d.trace):
        return False
    return all(any(r.code not in ISSUER_REASONS for r in o.reasons) for o in d.arrangements)


class _Signature:
    """What the engine can see of an issuer under some rules (designation lists for the
    product's standards, the issuer's economy where a rule reads it, the scheme's listing);
    equal signatures, equal answers. Built once per set of rules: bodies named by no list
    share one designation part."""

    def __init__(
        self, rules: Sequence[Any], snapshot: RegistrySnapshot, scheme: str, product: ProductFacts
    ) -> None:
        sets: list[frozenset[str]] = []
        for r in rules:
            if r.designated:
                sets.append(r.designated)
            for st in product.standards:
                per = r.designated_by_std.get(st.designation)
                if per is not None:
                    sets.append(per)
        # body -> the lists naming it (by position): equal for two bodies exactly when every
        # list tells them alike; bodies no list names share the empty tuple.
        member: dict[str, list[int]] = {}
        for k, x in enumerate(sets):
            for body in x:
                member.setdefault(body, []).append(k)
        self.member = {body: tuple(ks) for body, ks in member.items()}
        self.named = frozenset(self.member)
        self.economy = any(r.issuer_economies or r.a.foreign_only for r in rules)
        self.listing = any(r.a.require_scheme_listed_issuer for r in rules)
        self.snapshot, self.scheme, self.standards = snapshot, scheme, product.standards

    def __call__(self, body: str) -> tuple:
        designated = self.member.get(body, ())
        economy = self.snapshot.body_economies.get(body, "") if self.economy else ""
        listed = (
            tuple(
                self.snapshot.is_listed(self.scheme, "issuer", body, s.designation)
                for s in self.standards
            )
            if self.listing
            else ()
        )
        return designated, economy, listed


def _issuers_for(
    costs: SchemeCosts,
    markets: Sequence[str],
    snapshot: RegistrySnapshot,
    product: ProductFacts,
) -> list[str]:
    """One body per distinct outcome: bodies are interchangeable unless designation lists,
    party economies or scheme listings tell them apart, so one body per signature is tried,
    most widely designated first, at most MAX_ISSUERS_PER_SCHEME."""
    rules = list({id(r): r for m in markets for r in snapshot.rules_for(m, costs.scheme)}.values())
    designations: dict[str, int] = {}
    for r in rules:
        if not (r.designated or r.designated_by_std):
            continue
        # Sorted: set order follows PYTHONHASHSEED, and the body first met stands for its
        # signature, so the same plan must not name another body after a restart.
        for body in sorted({*r.designated, *(b for v in r.designated_by_std.values()
                                             for b in v)}):
            designations[body] = designations.get(body, 0) + 1
    signature = _Signature(rules, snapshot, costs.scheme, product)
    listed = snapshot.listed.get((costs.scheme, "issuer"), [])
    if not (signature.economy or signature.listing):
        # Bodies no list names are then all alike: the first of them stands for the rest.
        listed = next(([b] for b in listed if b not in signature.named), [])
    pool = [*costs.issuers, *designations, *listed]
    chosen: dict[tuple, tuple[int, str]] = {}
    for body in dict.fromkeys(pool):
        key = signature(body)
        if key not in chosen:
            chosen[key] = (designations.get(body, 0), body)
    ranked = sorted(chosen.values(), key=lambda x: -x[0])
    if not ranked:
        # No body recorded for the scheme: rules that name no body cannot tell bodies apart,
        # so one stands for all (rules that do name bodies refuse it, as they should).
        return [f"any {costs.scheme} body"]
    return [body for _, body in ranked[:MAX_ISSUERS_PER_SCHEME]]


def _lab_for(scheme: str, product: ProductFacts, snapshot: RegistrySnapshot) -> str:
    """The first lab the scheme lists for every standard of the product."""
    return snapshot.first_listed(scheme, "lab", [s.designation for s in product.standards])


def _opening(d: Decision, snapshot: RegistrySnapshot, catalogue: Catalogue, scheme: str) -> Opening:
    cost = 0.0
    days = 0
    for c in d.conditions:
        cc = catalogue.conditions.get(c.code)
        if cc:
            cost += cc.cost
            days = max(days, cc.days)
    arrangement = d.arrangements[0].id
    target = snapshot.arrangements[arrangement].scope.target_scheme
    if target and target != scheme and target in catalogue.schemes:
        # The market issues its own certificate on the strength of this one.
        t = catalogue.schemes[target]
        cost += t.certificate_fee
        days += t.certificate_days
    return Opening(d.market, d.decision, tuple(d.condition_codes), arrangement, target, cost, days)


# --- the exact solver -----------------------------------------------------------------------


def closure(index: int, cands: Sequence[Assessment], ids: Mapping[str, int]) -> list[int]:
    """The assessment and its chain of prerequisites, prerequisites first."""
    chain = [index]
    while cands[chain[-1]].prerequisite is not None:
        chain.append(ids[cands[chain[-1]].prerequisite])  # type: ignore[index]
    return chain[::-1]


def selection_cost(
    chosen: Iterable[int], cands: Sequence[Assessment], markets: Sequence[str]
) -> float:
    """Fixed costs + each market at its cheapest chosen opening; INF if not closed/covering."""
    chosen = set(chosen)
    ids = {a.id: i for i, a in enumerate(cands)}
    for i in chosen:
        p = cands[i].prerequisite
        if p is not None and ids[p] not in chosen:
            return INF
    total = sum(cands[i].fixed_cost for i in chosen)
    for m in markets:
        best = min((cands[i].opens[m].cost for i in chosen if m in cands[i].opens), default=INF)
        total += best
    return total


def solve(cands: Sequence[Assessment], markets: Sequence[str]) -> tuple[float, list[int]]:
    """Exact minimum of selection_cost over prerequisite-closed sets covering `markets`."""
    n, k = len(cands), len(markets)
    ids = {a.id: i for i, a in enumerate(cands)}
    cost = [
        [cands[i].opens[m].cost if m in cands[i].opens else INF for m in markets] for i in range(n)
    ]
    closures = [closure(i, cands, ids) for i in range(n)]
    needed = {ids[a.prerequisite] for a in cands if a.prerequisite is not None}
    alive = _undominated(cands, cost, closures, needed)
    if any(all(cost[i][j] == INF for i in alive) for j in range(k)):
        return INF, []

    own = [a.fixed_cost for a in cands]
    opts = [[i for i in alive if cost[i][j] < INF] for j in range(k)]
    # Per market, its possible openings as (candidate, cost) pairs: the bound reads them at
    # every node. With no negative figure, a partial bound already past the best ends a node.
    columns = [[(i, cost[i][j]) for i in opts[j]] for j in range(k)]
    nonnegative = all(c >= 0 for row in cost for c in row) and all(f >= 0 for f in own)
    best_total, best_set = _greedy(cands, cost, closures, alive, k)
    single = [len(c) == 1 for c in closures]

    def extra_fixed(i: int, included: set[int]) -> float:
        if single[i]:
            return 0 if i in included else 0 + own[i]
        return sum(cands[x].fixed_cost for x in closures[i] if x not in included)

    def search(included: set[int], fixed: float, assigned: list[float], undecided: set[int]):
        nonlocal best_total, best_set
        # Lower bound: fixed so far + each market at its cheapest still-possible opening
        # + the cheapest purchase any uncovered market forces.
        bound = fixed
        forced = 0.0
        target = -1
        fewest = n + 1
        uncovered: list[tuple[float, frozenset[int], int, float]] = []
        for j in range(k):
            here = assigned[j]
            low = here
            options = []
            for i, c in columns[j]:
                if i in undecided:
                    options.append(i)
                    if c < low:
                        low = c
            if low == INF:
                return
            bound += low
            if nonnegative and bound >= best_total:
                return  # the rest only adds: bound + forced >= best_total below
            if here == INF:
                # Options are undecided, never included: a single one's extra is its own.
                cheapest = extra = INF
                for i in options:
                    o = own[i]
                    if o < cheapest:
                        cheapest = o
                    e = o if single[i] else extra_fixed(i, included)
                    if e < extra:
                        extra = e
                if extra > forced:
                    forced = extra
                uncovered.append((cheapest, frozenset(options), j, low))
                if len(options) < fewest:
                    fewest, target = len(options), j
        if len(uncovered) > 1:
            # Uncovered markets no candidate shares each need a purchase of their own ...
            uncovered.sort(key=lambda x: -x[0])
            taken: set[int] = set()
            disjoint = 0.0
            for price, members, _, _ in uncovered:
                if taken.isdisjoint(members):
                    taken |= members
                    disjoint += price
            # ... and any cover pays, spread over the uncovered markets each member covers,
            # at least the cheapest opening-plus-share of each uncovered market (above the
            # cheapest opening, already in the bound).
            reach: dict[int, int] = {}
            for _, members, _, _ in uncovered:
                for i in members:
                    reach[i] = reach.get(i, 0) + 1
            shared = sum(
                min(cost[i][m] + own[i] / reach[i] for i in members) - floor
                for _, members, m, floor in uncovered
            )
            forced = max(forced, disjoint, shared)
        if bound + forced >= best_total:
            return
        if (
            target >= 0
            and nonnegative
            and fixed + _dual_bound(columns, assigned, (undecided | needed) - included, own)
            > best_total * (1 + 1e-9) + 1e-9  # past the best beyond any rounding
        ):
            return
        if target < 0:  # every market covered: a complete plan
            total = fixed + sum(assigned)
            if total < best_total:
                best_total, best_set = total, sorted(included)
            # Optional extras that would serve some market more cheaply. Adding a set S saves
            # at most the sum of what each member saves alone and costs at least their own
            # fixed costs, so no extension beats the best unless some member's own saving
            # exceeds its fixed cost by enough (the slack): a bound that ends most branches.
            # An extra whose own saving does not exceed its own fixed cost is never worth
            # adding further down either (savings only shrink), unless as a prerequisite.
            gains = []
            slack = 0.0
            worth: set[int] = set()
            for i in undecided:
                saving = sum(a - c for a, c in zip(assigned, cost[i], strict=True) if c < a)
                if saving > own[i] or (saving > 0 and i in needed):
                    worth.add(i)
                    gains.append((saving - extra_fixed(i, included), i))
                    slack += max(0.0, saving - own[i])
            if not gains or total - slack >= best_total:
                return
            undecided = worth
            _, pick = max(gains)
            branch = [pick]
        else:
            branch = sorted(
                (i for i in undecided if cost[i][target] < INF),
                key=lambda i: cost[i][target] + extra_fixed(i, included),
            )
        remaining = set(undecided)
        for i in branch:
            remaining.discard(i)
            add = [x for x in closures[i] if x not in included]
            if len(add) == 1:
                new_assigned = [
                    a if a <= c else c for a, c in zip(assigned, cost[add[0]], strict=True)
                ]
            else:
                new_assigned = [min(assigned[j], *(cost[x][j] for x in add)) for j in range(k)]
            search(
                included | set(add),
                fixed + sum(cands[x].fixed_cost for x in add),
                new_assigned,
                remaining - set(add),
            )
        if target < 0:  # the "without it" branch for an optional extra
            search(included, fixed, assigned, remaining)

    search(set(), 0.0, [INF] * k, set(alive))
    return best_total, best_set


def _dual_bound(
    columns: Sequence[Sequence[tuple[int, float]]],
    assigned: Sequence[float],
    open_to: set[int],
    own: Sequence[float],
    passes: int = 4,
) -> float:
    """A lower bound on what the markets still cost, whatever is bought of `open_to`: the
    dual of the facility-location relaxation (prerequisites dropped), raised by dual ascent.
    Market j pays v_j, at most what it already pays (assigned[j]); a candidate i bounds the
    v_j it could serve by its own fixed cost: sum of max(0, v_j - cost_ij) <= own_i. Any
    such v is a lower bound (weak duality), so a bounded number of passes is enough."""
    k = len(assigned)
    options: list[list[tuple[int, float]]] = []
    v: list[float] = []
    for j in range(k):
        here = [(i, c) for i, c in columns[j] if i in open_to]
        low = assigned[j]
        for _, c in here:
            if c < low:
                low = c
        if low == INF:
            return INF
        options.append(here)
        v.append(low)
    slack = {i: own[i] for i in open_to}
    for _ in range(passes):  # bounded; each pass raises each market at most to a breakpoint
        raised = False
        for j in range(k):
            vj = v[j]
            step = assigned[j] - vj
            tight = []
            for i, c in options[j]:
                if c <= vj:
                    tight.append(i)
                    room = slack[i]
                else:
                    room = c - vj
                if room < step:
                    step = room
            if step <= 0 or step == INF:
                continue
            v[j] = vj + step
            for i in tight:
                slack[i] -= step
            raised = True
        if not raised:
            break
    return sum(v)


def _greedy(cands, cost, closures, alive, k) -> tuple[float, list[int]]:
    """A first complete plan (cheapest cost per newly covered market, then any purchase that
    lowers the total), so the search starts with a bound to prune by."""
    chosen: set[int] = set()
    assigned = [INF] * k

    def total_with(extra: set[int]) -> float:
        sel = chosen | extra
        per = [min((cost[i][j] for i in sel), default=INF) for j in range(k)]
        return sum(cands[i].fixed_cost for i in sel) + sum(per)

    for _ in range(len(alive)):  # bounded: each round adds at least one candidate
        if all(a < INF for a in assigned):
            break
        best = None
        for i in alive:
            add = {x for x in closures[i] if x not in chosen}
            new = sum(1 for j in range(k) if assigned[j] == INF and cost[i][j] < INF)
            if not add or not new:
                continue
            price = sum(cands[x].fixed_cost for x in add) / new
            if best is None or price < best[0]:
                best = (price, add)
        if best is None:
            return INF, []
        chosen |= best[1]
        assigned = [min(assigned[j], *(cost[x][j] for x in best[1])) for j in range(k)]
    if any(a == INF for a in assigned):
        return INF, []
    current = total_with(set())
    improved = True
    rounds = 0
    while improved and rounds < len(alive):
        improved, rounds = False, rounds + 1
        for i in alive:
            add = {x for x in closures[i] if x not in chosen}
            if add and (t := total_with(add)) < current:
                chosen |= add
                current, improved = t, True
    # The search must find a strictly cheaper plan to replace it: nudge the bound up by a
    # hair so an equal-cost plan found by the search (its canonical choice) is still taken.
    return current * (1 + 1e-12) + 1e-9, sorted(chosen)


def _undominated(cands, cost, closures, needed) -> list[int]:
    """Drop A when some B opens at least A's markets, each no dearer, costs no more itself and
    needs no prerequisite A does not already need (so swapping A for B never costs more);
    never drop a prerequisite of another candidate."""
    n = len(cands)
    alive = []
    for a in range(n):
        dominated = False
        if a not in needed:
            for b in range(n):
                if b == a or cands[b].fixed_cost > cands[a].fixed_cost:
                    continue
                if not set(closures[b][:-1]) <= set(closures[a][:-1]):
                    continue
                if all(cost[b][j] <= cost[a][j] for j in range(len(cost[a]))):
                    same = cands[b].fixed_cost == cands[a].fixed_cost and cost[b] == cost[a]
                    if not same or b < a:  # of equals keep the first
                        dominated = True
                        break
        if not dominated:
            alive.append(a)
    return alive


# --- the plan -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanStep:
    order: int
    kind: str  # "test", "certificate", "market"
    scheme: str
    body: str
    markets: tuple[str, ...]
    cost: float
    days: int
    conditions: tuple[str, ...] = ()
    arrangement: str = ""
    after: tuple[int, ...] = ()  # orders of the steps that must come first
    why: str = ""


@dataclass(frozen=True, slots=True)
class SeparateRoute:
    """One market planned on its own: its cheapest route, tests included, as if it were the
    only market asked."""

    market: str
    scheme: str
    body: str
    cost: float
    days: int
    tests: int  # test campaigns the route runs (its prerequisites' included)


@dataclass(frozen=True, slots=True)
class Comparison:
    """"One test, several certificates" (the plan) against testing separately for each
    market the plan opens. Separately, each market pays its own cheapest route in full
    (tests, certificate, the market's conditions); the routes run side by side, so the
    separate lead time is the longest of them."""

    together_cost: float
    together_days: int
    together_tests: int
    separate_cost: float
    separate_days: int
    separate_tests: int
    markets: tuple[SeparateRoute, ...]

    @property
    def saving(self) -> float:
        return round(self.separate_cost - self.together_cost, 2)

    def to_json(self) -> dict[str, Any]:
        return {
            "together": {"cost": self.together_cost, "days": self.together_days,
                         "tests": self.together_tests},
            "separately": {"cost": self.separate_cost, "days": self.separate_days,
                           "tests": self.separate_tests},
            "saving": self.saving,
            "days_difference": self.together_days - self.separate_days,
            "markets": [
                {"market": r.market, "scheme": r.scheme, "body": r.body, "cost": r.cost,
                 "days": r.days, "tests": r.tests}
                for r in self.markets
            ],
        }


def separate_route(market: str, cands: Sequence[Assessment]) -> SeparateRoute | None:
    """The cheapest route to one market alone: an assessment that opens it, with its chain
    of prerequisites (fixed costs and lead times add up along the chain), plus what the
    market itself asks. Ties: fewer days, then the earlier candidate."""
    ids = {a.id: i for i, a in enumerate(cands)}
    best: tuple[float, int, int] | None = None
    for i, a in enumerate(cands):
        o = a.opens.get(market)
        if o is None:
            continue
        chain = closure(i, cands, ids)
        key = (
            sum(cands[x].fixed_cost for x in chain) + o.cost,
            sum(cands[x].days for x in chain) + o.days,
            i,
        )
        if best is None or key < best:
            best = key
    if best is None:
        return None
    cost, days, i = best
    a = cands[i]
    return SeparateRoute(market, a.scheme, a.issuer,
                         round(cost, 2), days, len(closure(i, cands, ids)))


def compare(opened: Iterable[str], cands: Sequence[Assessment], together_cost: float,
            together_days: int, together_tests: int) -> Comparison:
    routes = tuple(r for m in opened if (r := separate_route(m, cands)) is not None)
    return Comparison(
        together_cost,
        together_days,
        together_tests,
        round(sum(r.cost for r in routes), 2),
        max((r.days for r in routes), default=0),
        sum(r.tests for r in routes),
        routes,
    )


@dataclass(frozen=True, slots=True)
class Plan:
    markets: tuple[str, ...]
    date: dt.date
    steps: tuple[PlanStep, ...]
    opened: Mapping[str, Opening]
    unopened: Mapping[str, tuple[str, ...]]  # market -> reason codes
    total_cost: float
    lead_time_days: int
    currency: str
    candidates_considered: int
    # The certificate each opened market rests on: the one the engine confirmed it with.
    certificates: Mapping[str, CertificateFacts] = field(default_factory=dict)
    # The plan against testing separately for each market it opens.
    comparison: Comparison | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "markets": list(self.markets),
            "date": self.date.isoformat(),
            "total_cost": self.total_cost,
            "currency": self.currency,
            "lead_time_days": self.lead_time_days,
            "estimate_note": "illustrative estimates; costs and lead times vary by body",
            "steps": [
                {
                    "order": s.order,
                    "kind": s.kind,
                    "scheme": s.scheme,
                    "body": s.body,
                    "markets": list(s.markets),
                    "cost": s.cost,
                    "days": s.days,
                    "conditions": list(s.conditions),
                    "arrangement": s.arrangement,
                    "after": list(s.after),
                    "why": s.why,
                }
                for s in self.steps
            ],
            "opened": {
                m: {
                    "decision": o.decision,
                    "conditions": list(o.conditions),
                    "arrangement": o.arrangement,
                    "cost": o.cost,
                    "days": o.days,
                    "confirmed_by": "engine.decide" if m in self.certificates else "",
                    "scheme": self.certificates[m].scheme if m in self.certificates else "",
                }
                for m, o in self.opened.items()
            },
            "unopened": {m: list(r) for m, r in self.unopened.items()},
            "candidates_considered": self.candidates_considered,
            "comparison": self.comparison.to_json() if self.comparison else None,
        }


def _unconfirmed(
    served: Mapping[str, int],
    cands: Sequence[Assessment],
    on: dt.date,
    snapshot: RegistrySnapshot,
    refusals: Refusals,
) -> list[tuple[str, int]]:
    """The (market, assessment) pairs whose opening `engine.decide` does not confirm."""
    out = []
    for m, i in served.items():
        o, cert = cands[i].opens[m], cands[i].certificate
        if cert is None:
            continue  # a hand-made candidate (solver tests): nothing to ask the engine
        d = decide(cert, m, on, snapshot, explain=False)
        if d.decision != o.decision or tuple(d.condition_codes) != o.conditions:
            refusals.add(m, d.reason_codes)
            out.append((m, i))
    return out


def plan(
    product: ProductFacts,
    markets: Sequence[str],
    on: dt.date,
    snapshot: RegistrySnapshot,
    catalogue: Catalogue,
) -> Plan:
    markets = list(dict.fromkeys(markets))
    cands, refusals = candidates(product, markets, on, snapshot, catalogue)
    # Every market the plan opens is confirmed by the engine on the very certificate the
    # chosen route produces; an opening the engine does not confirm is dropped and the plan
    # solved again (bounded: each round drops at least one opening).
    for _ in range(len(markets) * max(1, len(cands)) + 1):
        openable = [m for m in markets if any(m in a.opens for a in cands)]
        total, chosen = solve(cands, openable)
        if total == INF:
            total, chosen = 0.0, []
        # Each market goes to its cheapest chosen opening (ties: the earlier assessment).
        served: dict[str, int] = {}
        for m in openable:
            served[m] = min(
                (i for i in chosen if m in cands[i].opens),
                key=lambda i: (cands[i].opens[m].cost, i),
            )
        disputed = _unconfirmed(served, cands, on, snapshot, refusals)
        if not disputed:
            break
        for m, i in disputed:
            del cands[i].opens[m]
    unopened = {
        # A specific refusal says more than "no arrangement" from schemes with no rules there.
        m: tuple(sorted(refusals[m] - {"no-arrangement"})) or ("no-arrangement",)
        for m in markets
        if m not in served
    }
    ids = {a.id: i for i, a in enumerate(cands)}
    steps: list[PlanStep] = []
    cert_step: dict[int, int] = {}
    finish: dict[int, int] = {}
    for i in sorted(chosen, key=lambda i: len(closure(i, cands, ids))):
        a = cands[i]
        kind = a.certificate.kind if a.certificate else ""
        costs = catalogue.costs_for(a.scheme, kind)
        kind = kind or costs.certificate_kind
        pre = ids.get(a.prerequisite) if a.prerequisite else None
        start = finish.get(pre, 0) if pre is not None else 0
        test_cost = costs.reuse_test_cost if pre is not None else costs.test_cost
        test_days = costs.reuse_test_days if pre is not None else costs.test_days
        after = (cert_step[pre],) if pre is not None else ()
        steps.append(
            PlanStep(
                len(steps) + 1,
                "test",
                a.scheme,
                a.lab or a.issuer,
                (),
                test_cost,
                test_days,
                after=after,
                why=f"{costs.lab_role} testing: {a.why}",
            )
        )
        own = [m for m, s in served.items() if s == i]
        steps.append(
            PlanStep(
                len(steps) + 1,
                "certificate",
                a.scheme,
                a.issuer,
                tuple(own),
                a.fixed_cost - test_cost,
                a.days - test_days,
                after=(len(steps),),
                why=f"{a.scheme} {kind} from {a.issuer}; opens "
                f"{', '.join(own) or 'no market directly'}",
            )
        )
        cert_step[i] = len(steps)
        finish[i] = start + a.days
    lead = 0
    for m, i in served.items():
        o = cands[i].opens[m]
        what = f"conditions: {', '.join(o.conditions)}" if o.conditions else "accepted as it is"
        national = (
            f"; {o.target_scheme} certificate issued on it"
            if o.target_scheme and o.target_scheme != cands[i].scheme
            else ""
        )
        steps.append(
            PlanStep(
                len(steps) + 1,
                "market",
                o.target_scheme or cands[i].scheme,
                "",
                (m,),
                o.cost,
                o.days,
                o.conditions,
                o.arrangement,
                (cert_step[i],),
                why=f"{m} via {o.arrangement} ({o.decision}); {what}{national}",
            )
        )
        lead = max(lead, finish[i] + o.days)
    total = round(total, 2)
    tests = sum(1 for s in steps if s.kind == "test")
    return Plan(
        tuple(markets),
        on,
        tuple(steps),
        {m: cands[i].opens[m] for m, i in served.items()},
        unopened,
        total,
        lead,
        catalogue.currency,
        len(cands),
        {m: c for m, i in served.items() if (c := cands[i].certificate) is not None},
        compare(served, cands, total, lead, tests),
    )


# --- the plan as a table (CSV downloads) ------------------------------------------------------

PLAN_COLUMNS = ("section", "order", "kind", "markets", "scheme", "body", "cost", "currency",
                "days", "tests", "note")


def _cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is kept as text."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def plan_rows(doc: Mapping[str, Any]) -> list[list[Any]]:
    """A plan (`Plan.to_json`, with the service's "product") as one table: the steps, the
    comparison with testing separately for each market, and the markets not opened."""
    cur = doc.get("currency", "")
    product = doc.get("product") or {}
    rows: list[list[Any]] = [list(PLAN_COLUMNS)]
    if product:
        rows.append(["product", "", "", ";".join(doc.get("markets", [])), "", "", "", cur, "",
                     "", f"HS {product.get('hs', '')}; {'; '.join(product.get('standards', []))}; "
                     f"made in {product.get('origin', '')}; on {doc.get('date', '')}"])
    for s in doc.get("steps", []):
        rows.append(["step", s["order"], s["kind"], ";".join(s["markets"]), s["scheme"],
                     s["body"], s["cost"], cur, s["days"], "", s["why"]])
    c = doc.get("comparison")
    if c:
        opened = ";".join(r["market"] for r in c["markets"])
        rows.append(["together", "", "", opened, "", "", c["together"]["cost"], cur,
                     c["together"]["days"], c["together"]["tests"],
                     "one test, several certificates (this plan)"])
        rows.append(["separately", "", "", opened, "", "", c["separately"]["cost"], cur,
                     c["separately"]["days"], c["separately"]["tests"],
                     "each market tested separately, the routes side by side"])
        for r in c["markets"]:
            rows.append(["separately-market", "", "", r["market"], r["scheme"], r["body"],
                         r["cost"], cur, r["days"], r["tests"], "the market on its own"])
        rows.append(["difference", "", "", "", "", "", c["saving"], cur,
                     -c["days_difference"], c["separately"]["tests"] - c["together"]["tests"],
                     "separately minus this plan"])
    for m, reasons in doc.get("unopened", {}).items():
        rows.append(["not-opened", "", "", m, "", "", "", "", "", "", "; ".join(reasons)])
    rows.append(["note", "", "", "", "", "", "", "", "", "",
                 doc.get("estimate_note", "")])
    return [[_cell(v) for v in row] for row in rows]
