"""The planner: exact against brute force, and sensible on the demo registry."""

from __future__ import annotations

import itertools
import json
import random

import pytest

from certpass.recognition.engine import StandardApplied
from certpass.recognition.planner import (
    INF,
    Assessment,
    Catalogue,
    Opening,
    ProductFacts,
    candidates,
    plan,
    selection_cost,
    solve,
)

from .demo_registry import DEMO, KETTLE_STANDARDS, ON, demo_snapshot


def catalogue() -> Catalogue:
    return Catalogue.from_document(json.loads((DEMO / "scheme_costs.json").read_text("utf-8")))


def brute_force(cands, markets) -> float:
    best = INF
    for r in range(len(cands) + 1):
        for subset in itertools.combinations(range(len(cands)), r):
            best = min(best, selection_cost(subset, cands, markets))
    return best


def random_candidates(rng: random.Random, n: int, markets: list[str]) -> list[Assessment]:
    out: list[Assessment] = []
    for i in range(n):
        opens = {
            m: Opening(m, "recognised", (), "x", None, float(rng.choice([0, 100, 300, 800])), 5)
            for m in markets
            if rng.random() < 0.35
        }
        prereq = out[rng.randrange(i)].id if i and rng.random() < 0.3 else None
        out.append(
            Assessment(f"a{i}", "S", "b", "l", float(rng.randint(200, 3000)), 10, opens, prereq)
        )
    return out


@pytest.mark.parametrize("seed", range(150))
def test_solver_matches_brute_force_on_random_registries(seed: int) -> None:
    rng = random.Random(seed)
    markets = [f"M{j}" for j in range(rng.randint(1, 7))]
    cands = random_candidates(rng, rng.randint(1, 11), markets)
    total, chosen = solve(cands, markets)
    expected = brute_force(cands, markets)
    assert total == pytest.approx(expected)
    if expected < INF:
        assert selection_cost(chosen, cands, markets) == pytest.approx(expected)


def test_planner_matches_brute_force_on_demo_candidates() -> None:
    product = ProductFacts("8516.79", KETTLE_STANDARDS, "CN", "HOUS")
    markets = ["CN", "SG", "AU", "NZ", "FR"]
    cands, _ = candidates(product, markets, ON, demo_snapshot(), catalogue())
    assert len(cands) <= 14
    total, _ = solve(cands, markets)
    assert total == pytest.approx(brute_force(cands, markets))


def test_one_test_several_certificates_for_a_kettle() -> None:
    product = ProductFacts("8516.79", KETTLE_STANDARDS, "CN", "HOUS")
    p = plan(product, ["CN", "SG", "AU", "NZ", "FR", "RU", "US"], ON, demo_snapshot(), catalogue())
    # One CB test serves several markets; RU opens through its own scheme (EAC); US stays
    # closed with its reason. Made in CN for CN: never through the NZ MRA.
    tests = [s for s in p.steps if s.kind == "test"]
    assert "IECEE-CB" in [s.scheme for s in tests]
    assert set(p.opened) == {"CN", "SG", "AU", "NZ", "FR", "RU"}
    assert p.opened["RU"].arrangement == "home:EAC"
    assert p.unopened == {"US": ("no-arrangement",)}
    cn = p.opened["CN"]
    assert cn.arrangement in {"iecee-cb-to-ccc", "home:CCC"}
    # Order: test before certificate before the markets that build on it.
    order = {s.order: s for s in p.steps}
    for s in p.steps:
        assert all(order[a].order < s.order for a in s.after)
    assert p.total_cost == pytest.approx(sum(s.cost for s in p.steps))
    assert p.lead_time_days > 0
    assert all(s.why for s in p.steps)
    out = p.to_json()
    assert out["unopened"]["US"] == ["no-arrangement"]


def test_ex_equipment_for_china_and_australia_builds_ccc_ex_on_iecex() -> None:
    product = ProductFacts("8501.52", (StandardApplied("IEC 60079-0", "2017"),), "DE", "EX")
    p = plan(product, ["CN", "AU", "BR"], ON, demo_snapshot(), catalogue())
    assert set(p.opened) == {"CN", "AU", "BR"}
    assert any(s.scheme == "IECEx" and s.kind == "certificate" for s in p.steps)


def test_made_in_thailand_cannot_use_the_cn_nz_mra() -> None:
    product = ProductFacts("8516.79", KETTLE_STANDARDS, "TH", "HOUS")
    cands, _ = candidates(product, ["NZ"], ON, demo_snapshot(), catalogue())
    assert all(a.opens["NZ"].arrangement != "cn-nz-eee-mra" for a in cands if "NZ" in a.opens)


def test_thirty_markets_solve_to_a_consistent_selection() -> None:
    """Its speed is measured in bench/bench_planner.py, not here."""
    rng = random.Random(7)
    markets = [f"M{j}" for j in range(30)]
    cands = random_candidates(rng, 25, markets)
    total, chosen = solve(cands, markets)
    if total < INF:
        assert selection_cost(chosen, cands, markets) == pytest.approx(total)
