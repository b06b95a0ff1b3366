"""The engine's shortcuts change no answer (issue 16, speed): the planner's screen
`refused_whoever_issues` only ever says "refused" where `decide` refuses whoever issues the
document, an arrangement's precomputed list of checks decides exactly as all checks do, and
evaluations kept across markets (`Evaluations`) give every market the decision, trace
included, that a decision of its own gives."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpass.recognition.codes import NOT_RECOGNISED
from certpass.recognition.engine import (
    CHECKS,
    Evaluations,
    decide,
    decide_markets,
    refused_whoever_issues,
)
from certpass.recognition.planner import _refused_whoever_issues
from certpass.recognition.registry_snapshot import RegistrySnapshot, StandardAdoption

from .test_recognition_properties import (
    ADOPTIONS,
    BODIES,
    LISTINGS,
    MARKETS,
    ON,
    arrangements,
    certificates,
)


@st.composite
def richer_arrangements(draw, ident: str):
    """The property tests' arrangements, with the rules they leave out drawn as well."""
    a = draw(arrangements(ident))
    return a.replaced(
        foreign_only=draw(st.booleans()),
        issuer_economies=tuple(draw(st.lists(st.sampled_from(MARKETS), unique=True,
                                             max_size=2))),
        scope=a.scope.replaced(
            categories=tuple(draw(st.lists(st.sampled_from(["HOUS", "EX"]), unique=True))),
            excluded_suffixes=tuple(draw(st.lists(st.sampled_from(["U", "X"]), unique=True))),
        ),
        require_scheme_listed_issuer=draw(st.booleans()),
        listed_labs=tuple(draw(st.lists(st.sampled_from(BODIES), unique=True, max_size=2))),
    )


# M1 and M2 adopt IEC 1 alike but under their own names and differences; M3 does not.
MORE_ADOPTIONS = [*ADOPTIONS, StandardAdoption("N 1", "2012", "M2", "IEC 1", "2005", ("volts",)),
                  StandardAdoption("N 2", "2010", "M2", "IEC 2", "2010", ())]


@st.composite
def registries(draw, adoptions=ADOPTIONS) -> RegistrySnapshot:
    n = draw(st.integers(0, 4))
    items = [draw(richer_arrangements(f"a{i}")) for i in range(n)]
    return RegistrySnapshot(items, listings=LISTINGS, adoptions=adoptions,
                            body_economies={b: MARKETS[i % 3] for i, b in enumerate(BODIES)})


@st.composite
def certs(draw):
    c = draw(certificates())
    return dataclasses.replace(
        c,
        category=draw(st.sampled_from(["", "HOUS", "EX"])),
        suffixes=tuple(draw(st.lists(st.sampled_from(["U", "X"]), unique=True))),
    )


@settings(max_examples=400, deadline=None)
@given(registries(), certs(), st.sampled_from(MARKETS))
def test_the_screen_never_refuses_what_some_issuer_would_get_accepted(snap, cert, market):
    if not refused_whoever_issues(cert, market, ON, snap):
        return
    for issuer in BODIES:
        for economy in MARKETS:
            other = dataclasses.replace(cert, issuer=issuer, issuer_economy=economy)
            d = decide(other, market, ON, snap, explain=False)
            assert d.decision == NOT_RECOGNISED, (issuer, economy, d.arrangement_ids)
            # ... and every rule it tried failed for a reason that is not about the issuer,
            # as the planner's own reading of the decision says (rules for documents from
            # the other party only are screened out by the planner itself).
            if not any(r.a.foreign_only for r in snap.rules_for(market, cert.scheme)):
                assert _refused_whoever_issues(d)


@settings(max_examples=400, deadline=None)
@given(registries(), certs(), st.sampled_from(MARKETS), st.booleans())
def test_an_arrangements_own_checks_decide_as_all_checks_do(snap, cert, market, explain):
    fast = decide(cert, market, ON, snap, explain=explain).to_json()
    for by_scheme in snap._index.values():
        for rules in by_scheme.values():
            for rule in rules:
                rule.checks = CHECKS  # every check, in order
    assert decide(cert, market, ON, snap, explain=explain).to_json() == fast


@settings(max_examples=400, deadline=None)
@given(registries(MORE_ADOPTIONS), certs(), st.booleans(),
       st.lists(st.sampled_from(MARKETS), min_size=1, max_size=6))
def test_evaluations_kept_across_markets_change_no_decision(snap, cert, explain, asked):
    evaluations = Evaluations(cert, ON, explain)
    for market in asked:  # repeats included: a market asked twice reads the same again
        alone = decide(cert, market, ON, snap, explain=explain)
        assert decide(cert, market, ON, snap, explain=explain, evaluations=evaluations) == alone
    assert decide_markets(cert, ON, snap, MARKETS) == {
        m: decide(cert, m, ON, snap) for m in MARKETS}


def test_evaluations_refuse_another_certificate_or_date():
    cert = certs().example()
    evaluations = Evaluations(cert, ON)
    snap = RegistrySnapshot([])
    with pytest.raises(ValueError):
        decide(dataclasses.replace(cert, number="other"), "M1", ON, snap,
               evaluations=evaluations)
    with pytest.raises(ValueError):
        decide(cert, "M1", ON, snap, explain=False, evaluations=evaluations)
