"""The planner and the engine tell the same truth (issue 16).

Every market a plan opens is confirmed by `engine.decide` on the certificate the chosen
route would produce; routes come from the same arrangements and home schemes the engine
reads (a scheme without cost figures is still a route); origin rules apply to where the
goods are made.
"""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from certpass.recognition.codes import NOT_RECOGNISED
from certpass.recognition.engine import StandardApplied, decide
from certpass.recognition.planner import (
    Catalogue,
    ConditionCost,
    Plan,
    ProductFacts,
    SchemeCosts,
    candidates,
    plan,
)
from certpass.recognition.registry_snapshot import RegistrySnapshot, SchemeHome, SchemeListing

from .demo_registry import (
    CCC_KETTLE,
    DEMO,
    KETTLE_STANDARDS,
    NZ_HEATER,
    ON,
    but,
    demo_snapshot,
    std,
)
from .test_recognition_properties import (
    BODIES,
    MARKETS,
    SCHEMES,
    STANDARDS,
    arrangements,
)
from .test_recognition_properties import ON as PROP_ON

BLENDER = ProductFacts(
    "8509.40", (std("IEC 60335-1", "2020"), std("IEC 60335-2-14", "2016")), "CN", "HOUS"
)
EAEU = {"RU", "BY", "KZ", "AM", "KG"}


def demo_catalogue() -> Catalogue:
    return Catalogue.from_document(json.loads((DEMO / "scheme_costs.json").read_text("utf-8")))


def assert_confirmed(p: Plan, product: ProductFacts, snapshot: RegistrySnapshot,
                     on: dt.date) -> None:
    """Each opened market, asked again of the engine with full explanation, on the
    certificate the plan says it rests on: same decision, conditions and arrangement."""
    certificates = [s for s in p.steps if s.kind == "certificate"]
    assert set(p.certificates) == set(p.opened)
    for m, o in p.opened.items():
        cert = p.certificates[m]
        assert cert.origin == product.origin and cert.hs_code == product.hs_code
        d = decide(cert, m, on, snapshot)
        assert d.decision != NOT_RECOGNISED, (m, d.reason_codes)
        assert d.decision == o.decision and tuple(d.condition_codes) == o.conditions
        assert d.arrangement_ids[0] == o.arrangement
        assert any(s.scheme == cert.scheme and s.body == cert.issuer for s in certificates)
    assert set(p.opened).isdisjoint(p.unopened)
    assert set(p.opened) | set(p.unopened) == set(p.markets)


# --- the cases of the issue -----------------------------------------------------------------


def test_blender_made_in_china_plans_into_the_gulf_via_g_mark() -> None:
    snap, cat = demo_snapshot(), demo_catalogue()
    p = plan(BLENDER, ["SA", "AE"], ON, snap, cat)
    assert set(p.opened) == {"SA", "AE"} and not p.unopened
    assert {o.arrangement for o in p.opened.values()} == {"home:GCC"}
    assert [s.scheme for s in p.steps if s.kind == "certificate"] == ["GCC"]
    assert_confirmed(p, BLENDER, snap, ON)


def test_blender_plans_into_the_eaeu_via_eac() -> None:
    snap, cat = demo_snapshot(), demo_catalogue()
    p = plan(BLENDER, sorted(EAEU), ON, snap, cat)
    assert set(p.opened) == EAEU
    assert {o.arrangement for o in p.opened.values()} == {"home:EAC"}
    assert_confirmed(p, BLENDER, snap, ON)


def test_made_in_china_for_china_goes_through_ccc_not_the_nz_mra() -> None:
    snap, cat = demo_snapshot(), demo_catalogue()
    for product in (BLENDER, ProductFacts("8516.79", KETTLE_STANDARDS, "CN", "HOUS")):
        p = plan(product, ["CN"], ON, snap, cat)
        assert set(p.opened) == {"CN"}
        assert p.opened["CN"].arrangement in {"home:CCC", "iecee-cb-to-ccc"}
        assert "NZ-EEE" not in {s.scheme for s in p.steps}
        assert all(o.arrangement != "cn-nz-eee-mra" for a in
                   candidates(product, ["CN"], ON, snap, cat)[0]
                   for m, o in a.opens.items() if m == "CN")


def test_the_mra_origin_rule_reads_where_the_goods_are_made() -> None:
    snap = demo_snapshot()
    # An NZ-EEE certificate from the NZ body: for goods made in NZ it opens CN ...
    assert decide(NZ_HEATER, "CN", ON, snap).arrangement_ids == ["cn-nz-eee-mra"]
    # ... for goods made in CN it does not (they are not goods from the other party) ...
    d = decide(but(NZ_HEATER, origin="CN"), "CN", ON, snap)
    assert d.decision == NOT_RECOGNISED and "origin-not-eligible" in d.reason_codes
    assert any("made in CN for CN" in r.detail for r in d.reasons)
    # ... while goods made in CN enter NZ on a CN certificate through the same MRA.
    assert decide(CCC_KETTLE, "NZ", ON, snap).arrangement_ids == ["cn-nz-eee-mra"]


def test_a_scheme_without_cost_figures_is_still_a_route_marked_estimated() -> None:
    snap = demo_snapshot()
    cat = Catalogue({}, {})
    p = plan(BLENDER, ["SA"], ON, snap, cat)
    assert set(p.opened) == {"SA"}
    assert any("no cost figures recorded for GCC" in s.why for s in p.steps)


# --- properties -----------------------------------------------------------------------------


@st.composite
def registries(draw) -> tuple[RegistrySnapshot, Catalogue]:
    items = draw(st.lists(arrangements(), max_size=5))
    items = [a.replaced(id=f"a{i}") for i, a in enumerate(items)]
    homes = [
        SchemeHome(s, tuple(draw(st.lists(st.sampled_from(MARKETS), min_size=1, unique=True))))
        for s in draw(st.lists(st.sampled_from([*SCHEMES, "H1"]), unique=True, max_size=2))
    ]
    listings = [
        SchemeListing(s, b, kind)
        for s in SCHEMES
        for kind in ("issuer", "lab")
        for b in draw(st.lists(st.sampled_from(BODIES), unique=True, max_size=2))
    ]
    economies = {b: draw(st.sampled_from(MARKETS)) for b in BODIES}
    snap = RegistrySnapshot(items, listings=listings, homes=homes, body_economies=economies)
    costed = draw(st.lists(st.sampled_from(SCHEMES), unique=True))
    cat = Catalogue(
        {
            s: SchemeCosts(s, draw(st.sampled_from(["product-certificate", "cb-test-certificate",
                                                    "test-report"])),
                           draw(st.integers(100, 9000)), 500, 30, 10,
                           issuers=tuple(draw(st.lists(st.sampled_from(BODIES), max_size=2))))
            for s in costed
        },
        {"sample-required": ConditionCost("sample-required", 300, 7)},
    )
    return snap, cat


products = st.builds(
    ProductFacts,
    hs_code=st.sampled_from(["8516.10", "9405.20", "8471.30"]),
    standards=st.lists(st.sampled_from(STANDARDS), min_size=1, max_size=2, unique=True).map(
        lambda xs: tuple(StandardApplied(x, "2020") for x in xs)
    ),
    origin=st.sampled_from(MARKETS),
    direct_trade=st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(registries(), products, st.lists(st.sampled_from(MARKETS), min_size=1, unique=True))
def test_every_opened_market_is_confirmed_by_the_engine(registry, product, markets) -> None:
    snap, cat = registry
    cands, _ = candidates(product, markets, PROP_ON, snap, cat)
    # Each candidate's openings are exactly the engine's answers for its certificate.
    for a in cands:
        assert a.certificate is not None
        for m in markets:
            d = decide(a.certificate, m, PROP_ON, snap, explain=False)
            if m in a.opens:
                assert d.decision == a.opens[m].decision, (a.id, m)
                assert tuple(d.condition_codes) == a.opens[m].conditions
            else:
                assert d.decision == NOT_RECOGNISED, (a.id, m, d.decision)
    p = plan(product, markets, PROP_ON, snap, cat)
    assert_confirmed(p, product, snap, PROP_ON)
    # A home scheme is always a route: its own markets always open.
    for h in snap.homes:
        for m in set(h.markets) & set(markets):
            assert m in p.opened, (h.scheme, m, p.unopened.get(m))


DEMO_MARKETS = ["CN", "NZ", "AU", "SG", "FR", "DE", "HK", "MO", "RU", "BY", "KZ", "SA", "AE",
                "TH", "BR", "KR", "US"]


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["8509.40", "8516.79", "8516.60", "8501.52", "6911.10", "9405.11"]),
    st.lists(
        st.sampled_from([("IEC 60335-1", "2020"), ("IEC 60335-1", "2010"),
                         ("IEC 60335-2-14", "2016"), ("IEC 60335-2-15", "2016"),
                         ("IEC 60079-0", "2017"), ("IEC 62368-1", "2018")]),
        min_size=1, max_size=3, unique=True,
    ),
    st.sampled_from(["CN", "NZ", "HK", "DE", "TH", "US"]),
    st.lists(st.sampled_from(DEMO_MARKETS), min_size=1, max_size=8, unique=True),
)
def test_demo_plans_are_confirmed_by_the_engine(hs, stds, origin, markets) -> None:
    snap, cat = demo_snapshot(), demo_catalogue()
    product = ProductFacts(hs, tuple(StandardApplied(*x) for x in stds), origin, "HOUS")
    p = plan(product, markets, ON, snap, cat)
    assert_confirmed(p, product, snap, ON)
    # Home-scheme markets (CN by CCC, the Gulf by G-mark, the EAEU by EAC...) always open.
    for m in markets:
        if any(m in snap.expand(h.markets) for h in snap.homes):
            assert m in p.opened, (m, p.unopened.get(m))
