"""Every plan compares "one test, several certificates" with testing separately for each
market (issue 16): figures checked against a small registry worked out by hand."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpass.recognition.engine import StandardApplied
from certpass.recognition.planner import (
    Catalogue,
    ConditionCost,
    ProductFacts,
    SchemeCosts,
    plan,
)
from certpass.recognition.registry_snapshot import RegistrySnapshot, SchemeHome
from certpass.recognition.rules import Arrangement, ConditionRule, Scope, StatusChange

from .test_planner_engine import products, registries
from .test_recognition_properties import MARKETS
from .test_recognition_properties import ON as PROP_ON

ON = dt.date(2025, 6, 1)
PRODUCT = ProductFacts("8516.10", (StandardApplied("IEC 60335-1", "2020"),), "CN")


def small_registry() -> tuple[RegistrySnapshot, Catalogue]:
    """One CB test accepted in A and B (each asks for marking); A, B and C each have a home
    scheme of their own. C accepts no CB document."""
    cb = Arrangement(
        id="cb-ab",
        title_en="CB in A and B",
        kind="multilateral-scheme",
        markets=("A", "B"),
        recognises=("certificates",),
        scope=Scope(source_schemes=("CB",)),
        conditions=(ConditionRule(code="marking"),),
        status_history=(StatusChange(date=dt.date(2020, 1, 1), status="in-force"),),
    )
    homes = [SchemeHome("HA", ("A",)), SchemeHome("HB", ("B",)), SchemeHome("HC", ("C",))]
    snap = RegistrySnapshot([cb], homes=homes)
    cat = Catalogue(
        {
            # scheme, kind, test cost, certificate fee, test days, certificate days
            "CB": SchemeCosts("CB", "product-certificate", 5000, 1000, 30, 10),
            "HA": SchemeCosts("HA", "product-certificate", 4000, 500, 20, 5),
            "HB": SchemeCosts("HB", "product-certificate", 4000, 500, 20, 5),
            "HC": SchemeCosts("HC", "product-certificate", 2000, 300, 15, 5),
        },
        {"marking": ConditionCost("marking", 100, 3)},
    )
    return snap, cat


def test_one_test_is_cheaper_but_slower_than_each_market_on_its_own() -> None:
    snap, cat = small_registry()
    p = plan(PRODUCT, ["A", "B", "C"], ON, snap, cat)
    c = p.comparison
    assert c is not None
    # Together: CB 5000 + 1000 + marking 100 in A and in B; C through HC 2000 + 300.
    assert p.total_cost == c.together_cost == 8500
    # CB takes 30 + 10 days, then marking 3 days; HC 15 + 5 runs beside it.
    assert p.lead_time_days == c.together_days == 43
    assert c.together_tests == 2
    # Separately: A by HA (4500 < CB 6100), B by HB (4500), C by HC (2300).
    routes = {r.market: (r.scheme, r.cost, r.days, r.tests) for r in c.markets}
    assert routes == {"A": ("HA", 4500, 25, 1), "B": ("HB", 4500, 25, 1),
                      "C": ("HC", 2300, 20, 1)}
    assert (c.separate_cost, c.separate_days, c.separate_tests) == (11300, 25, 3)
    assert c.saving == 2800
    doc = p.to_json()["comparison"]
    assert doc["together"] == {"cost": 8500, "days": 43, "tests": 2}
    assert doc["separately"] == {"cost": 11300, "days": 25, "tests": 3}
    assert doc["saving"] == 2800 and doc["days_difference"] == 18


def test_one_market_alone_compares_equal() -> None:
    snap, cat = small_registry()
    p = plan(PRODUCT, ["C"], ON, snap, cat)
    c = p.comparison
    assert c is not None
    assert (c.together_cost, c.together_days) == (c.separate_cost, c.separate_days) == (2300, 20)
    assert c.saving == 0


def test_unopened_markets_are_in_neither_column() -> None:
    snap, cat = small_registry()
    p = plan(PRODUCT, ["A", "ZZ"], ON, snap, cat)
    c = p.comparison
    assert c is not None and "ZZ" in p.unopened
    assert [r.market for r in c.markets] == ["A"]
    assert c.separate_cost == 4500 and p.total_cost == 4500


@settings(max_examples=150, deadline=None)
@given(registries(), products, st.lists(st.sampled_from(MARKETS), min_size=1, unique=True))
def test_together_never_costs_more_than_separately(registry, product, markets) -> None:
    snap, cat = registry
    p = plan(product, markets, PROP_ON, snap, cat)
    c = p.comparison
    assert c is not None
    assert [r.market for r in c.markets] == list(p.opened)
    # The separate routes together are one feasible plan: the optimum is never dearer.
    assert c.together_cost <= c.separate_cost + 1e-6
    assert c.saving == pytest.approx(c.separate_cost - c.together_cost, abs=0.01)
