"""Properties the engine must keep whatever the arrangements say."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from certpass.recognition.codes import DECISION_RANK, NOT_RECOGNISED
from certpass.recognition.engine import CertificateFacts, StandardApplied, decide
from certpass.recognition.registry_snapshot import (
    RegistrySnapshot,
    SchemeListing,
    StandardAdoption,
)
from certpass.recognition.rules import (
    Arrangement,
    ConditionRule,
    OriginRule,
    Scope,
    StandardRef,
    StatusChange,
)

SCHEMES = ["S1", "S2"]
MARKETS = ["M1", "M2", "M3"]
BODIES = ["b1", "b2", "b3"]
STANDARDS = ["IEC 1", "IEC 2", "IEC 3"]
ROUTES = ["third-party", "TMP", "WMT", "SMT"]
KINDS = ["product-certificate", "cb-test-certificate", "test-report"]
ON = dt.date(2025, 1, 1)

subsets = lambda xs: st.lists(st.sampled_from(xs), unique=True).map(tuple)  # noqa: E731
dates = st.dates(dt.date(2015, 1, 1), dt.date(2030, 1, 1))


@st.composite
def arrangements(draw, ident: str = "a", in_force: bool | None = None) -> Arrangement:
    history = sorted(
        draw(
            st.lists(
                st.tuples(
                    dates, st.sampled_from(["signed", "in-force", "suspended", "terminated"])
                ),
                max_size=3,
            )
        )
    )
    if in_force is True:
        history = [(dt.date(2010, 1, 1), "in-force")]
    elif in_force is False:
        history = [(d, s) for d, s in history if s != "in-force"] or [(ON, "suspended")]
    return Arrangement(
        id=ident,
        title_en=ident,
        kind=draw(st.sampled_from(["multilateral-scheme", "bilateral-mra", "joint-scheme"])),
        markets=tuple(draw(st.lists(st.sampled_from(MARKETS), min_size=1, unique=True))),
        recognises=draw(
            st.sampled_from(
                [
                    ("certificates",),
                    ("test-reports",),
                    ("certificates", "test-reports"),
                    ("accreditation",),
                ]
            )
        ),
        scope=Scope(
            source_schemes=draw(subsets(SCHEMES)),
            standards=tuple(StandardRef(designation=s) for s in draw(subsets(STANDARDS))),
            hs_prefixes=draw(subsets(["85", "8516", "9405"])),
        ),
        designated_bodies=draw(subsets(BODIES)),
        testing_routes=draw(subsets(ROUTES)),
        require_scheme_listed_labs=draw(st.booleans()),
        origin=draw(st.none() | st.builds(OriginRule, economies=subsets(MARKETS),
                                          direct_trade=st.booleans())),
        derive_edition_floors=draw(st.booleans()),
        freshness_months=draw(st.none() | st.integers(1, 60)),
        freshness_action=draw(st.sampled_from(["review", "refuse"])),
        conditions=tuple(
            ConditionRule(code=c)
            for c in draw(
                subsets(["sample-required", "factory-inspection", "national-differences-test"])
            )
        ),
        status_history=tuple(StatusChange(date=d, status=s) for d, s in history),
    )


@st.composite
def certificates(draw, valid: bool | None = None) -> CertificateFacts:
    issued = draw(st.dates(dt.date(2015, 1, 1), dt.date(2024, 12, 31)))
    status = draw(st.sampled_from(["valid", "suspended", "withdrawn"]))
    until = draw(st.none() | st.dates(issued, dt.date(2030, 1, 1)))
    if valid is True:
        status, until = "valid", None
    elif valid is False:
        status = draw(st.sampled_from(["suspended", "withdrawn", "expired"]))
    return CertificateFacts(
        number="N",
        scheme=draw(st.sampled_from(SCHEMES)),
        kind=draw(st.sampled_from(KINDS)),
        issuer=draw(st.sampled_from(BODIES)),
        issuer_economy=draw(st.sampled_from(MARKETS)),
        status=status,
        issued_on=issued,
        valid_until=until,
        standards=tuple(
            StandardApplied(s, str(draw(st.integers(1995, 2024))))
            for s in draw(st.lists(st.sampled_from(STANDARDS), min_size=1, unique=True))
        ),
        hs_code=draw(st.sampled_from(["8516.10", "9405.20", "8471.30"])),
        testing_route=draw(st.sampled_from(ROUTES)),
        labs=draw(subsets(BODIES)),
        test_report_attached=draw(st.booleans()),
        origin=draw(st.sampled_from(MARKETS)),
        direct_trade=draw(st.booleans()),
    )


LISTINGS = [SchemeListing(s, b, "lab") for s in SCHEMES for b in BODIES[:2]]
ADOPTIONS = [StandardAdoption("N 1", "2010", "M1", "IEC 1", "2005", ("plug",))]


def snapshot(*items: Arrangement) -> RegistrySnapshot:
    return RegistrySnapshot(items, listings=LISTINGS, adoptions=ADOPTIONS)


def accepted(cert: CertificateFacts, market: str, snap: RegistrySnapshot) -> bool:
    return decide(cert, market, ON, snap).decision != NOT_RECOGNISED


@settings(max_examples=150, deadline=None)
@given(
    st.lists(arrangements(in_force=False), min_size=1, max_size=4),
    certificates(),
    st.sampled_from(MARKETS),
)
def test_arrangements_not_in_force_never_recognise(items, cert, market) -> None:
    items = [a.replaced(id=f"a{i}") for i, a in enumerate(items)]
    d = decide(cert, market, ON, snapshot(*items))
    assert d.decision == NOT_RECOGNISED
    assert d.arrangements == () or "arrangement-not-in-force" in d.reason_codes


@settings(max_examples=150, deadline=None)
@given(arrangements(in_force=True), certificates(valid=False), st.sampled_from(MARKETS))
def test_invalid_certificate_never_recognised(a, cert, market) -> None:
    d = decide(cert, market, ON, snapshot(a))
    assert d.decision == NOT_RECOGNISED
    assert "certificate-not-valid" in d.reason_codes


def narrow(a: Arrangement, data) -> Arrangement:
    """A narrower arrangement: each scope list keeps a non-empty subset, or empty -> some."""

    def shrink(values: tuple, universe: list) -> tuple:
        if not values:
            return tuple(data.draw(st.lists(st.sampled_from(universe), unique=True)))
        return tuple(data.draw(st.lists(st.sampled_from(list(values)), min_size=1, unique=True)))

    scope = a.scope.replaced(
        source_schemes=shrink(a.scope.source_schemes, SCHEMES) or a.scope.source_schemes,
        standards=tuple(
            StandardRef(designation=s)
            for s in shrink(tuple(x.designation for x in a.scope.standards), STANDARDS)
        ),
        hs_prefixes=shrink(a.scope.hs_prefixes, ["85", "8516", "9405"]),
    )
    return a.replaced(
        scope=scope,
        designated_bodies=shrink(a.designated_bodies, BODIES),
        testing_routes=shrink(a.testing_routes, ROUTES),
    )


@settings(max_examples=150, deadline=None)
@given(arrangements(in_force=True), certificates(valid=True), st.sampled_from(MARKETS), st.data())
def test_narrowing_scope_never_turns_refusal_into_acceptance(a, cert, market, data) -> None:
    narrower = narrow(a, data)
    if not accepted(cert, market, snapshot(a)):
        assert not accepted(cert, market, snapshot(narrower))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(arrangements(), max_size=3),
    arrangements(ident="extra"),
    certificates(),
    st.sampled_from(MARKETS),
)
def test_adding_an_arrangement_never_turns_acceptance_into_refusal(
    items, extra, cert, market
) -> None:
    items = [a.replaced(id=f"a{i}") for i, a in enumerate(items)]
    before = decide(cert, market, ON, snapshot(*items))
    after = decide(cert, market, ON, snapshot(*items, extra))
    assert DECISION_RANK[after.decision] <= DECISION_RANK[before.decision]
