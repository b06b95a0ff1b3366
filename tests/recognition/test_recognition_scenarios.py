"""Worked examples from the domain notes ("Real acceptance rules to model"), on the demo data.

Each row: the certificate, the market, the date, and what must come out: the decision, the
condition codes, the reason codes and the arrangements the decision rests on.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import pytest

from certpass.recognition import codes
from certpass.recognition.engine import CertificateFacts, decide

from .demo_registry import (
    ATEX_MOTOR,
    CB_KETTLE,
    CCC_KETTLE,
    GBA_TABLEWARE,
    HK_TEST_REPORT,
    IECEX_MOTOR,
    NZ_HEATER,
    ON,
    TH_TEST_REPORT,
    but,
    demo_snapshot,
    std,
)

WITH = codes.RECOGNISED_WITH_CONDITIONS
YES = codes.RECOGNISED
NO = codes.NOT_RECOGNISED
CB_CN_CONDITIONS = {"sample-required", "national-differences-test", "factory-inspection"}


class Scenario(NamedTuple):
    name: str
    cert: CertificateFacts
    market: str
    decision: str
    conditions: set[str]
    reasons: set[str]
    arrangements: list[str]
    on: dt.date = ON


S = Scenario
SCENARIOS = [
    # 1. IECEE CB -> CCC (CQC rules)
    S("cb-cn", CB_KETTLE, "CN", WITH, CB_CN_CONDITIONS, set(), ["iecee-cb-to-ccc"]),
    S(
        "cb-cn-tmp",
        but(CB_KETTLE, testing_route="TMP"),
        "CN",
        WITH,
        CB_CN_CONDITIONS,
        set(),
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-wmt",
        but(CB_KETTLE, testing_route="WMT"),
        "CN",
        WITH,
        CB_CN_CONDITIONS,
        set(),
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-smt",
        but(CB_KETTLE, testing_route="SMT"),
        "CN",
        NO,
        set(),
        {"testing-route-not-accepted"},
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-old-edition",
        but(CB_KETTLE, standards=(std("IEC 60335-1", "1991"), std("IEC 60335-2-15", "2012"))),
        "CN",
        NO,
        set(),
        {"edition-too-old"},
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-edition-equal-floor",
        but(CB_KETTLE, standards=(std("IEC 60335-1", "2001"), std("IEC 60335-2-15", "2005"))),
        "CN",
        WITH,
        CB_CN_CONDITIONS,
        set(),
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-4-years-old",
        but(CB_KETTLE, issued_on=dt.date(2021, 3, 1)),
        "CN",
        WITH,
        CB_CN_CONDITIONS | {"freshness-review"},
        set(),
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-exactly-36-months",
        but(CB_KETTLE, issued_on=dt.date(2022, 6, 1)),
        "CN",
        WITH,
        CB_CN_CONDITIONS,
        set(),
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-lab-not-listed",
        but(CB_KETTLE, labs=("acme-lab",)),
        "CN",
        NO,
        set(),
        {"lab-not-listed"},
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-no-lab",
        but(CB_KETTLE, labs=()),
        "CN",
        NO,
        set(),
        {"lab-not-listed"},
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-ncb-not-listed-for-standard",
        but(CB_KETTLE, issuer="cvc", issuer_economy="CN", labs=("sgs",)),
        "CN",
        NO,
        set(),
        {"issuer-not-designated"},
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-unknown-ncb",
        but(CB_KETTLE, issuer="th-demo-cb", issuer_economy="TH"),
        "CN",
        NO,
        set(),
        {"issuer-not-designated"},
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-no-report",
        but(CB_KETTLE, test_report_attached=False),
        "CN",
        WITH,
        CB_CN_CONDITIONS | {"test-report-required"},
        set(),
        ["iecee-cb-to-ccc"],
    ),
    # Outside CQC's accepted scope, and IECEE lists neither NCB nor lab for it here.
    S(
        "cb-cn-medical-standard",
        but(CB_KETTLE, standards=(std("IEC 60601-1", "2005"),)),
        "CN",
        NO,
        set(),
        {"outside-scope", "issuer-not-designated", "lab-not-listed"},
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-category-med",
        but(CB_KETTLE, category="MED"),
        "CN",
        NO,
        set(),
        {"outside-scope"},
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-cn-suspended-cert",
        but(CB_KETTLE, status="suspended"),
        "CN",
        NO,
        set(),
        {"certificate-not-valid"},
        [],
    ),
    S(
        "cb-cn-several-failures",
        but(CB_KETTLE, testing_route="SMT", labs=("acme-lab",)),
        "CN",
        NO,
        set(),
        {"testing-route-not-accepted", "lab-not-listed"},
        ["iecee-cb-to-ccc"],
    ),
    # CB scheme acceptance elsewhere
    S(
        "cb-sg",
        CB_KETTLE,
        "SG",
        WITH,
        {"national-differences-test", "local-representative", "marking"},
        set(),
        ["iecee-cb-sg"],
    ),
    S(
        "cb-au",
        CB_KETTLE,
        "AU",
        WITH,
        {"national-differences-test", "local-representative", "marking"},
        set(),
        ["iecee-cb-au-nz"],
    ),
    S(
        "cb-nz",
        CB_KETTLE,
        "NZ",
        WITH,
        {"national-differences-test", "local-representative", "marking"},
        set(),
        ["iecee-cb-au-nz"],
    ),
    S(
        "cb-au-six-years-old",
        but(CB_KETTLE, issued_on=dt.date(2019, 1, 10)),
        "AU",
        NO,
        set(),
        {"certificate-too-old"},
        ["iecee-cb-au-nz"],
    ),
    S(
        "cb-cn-six-years-old-only-review",
        but(CB_KETTLE, issued_on=dt.date(2019, 1, 10)),
        "CN",
        WITH,
        CB_CN_CONDITIONS | {"freshness-review"},
        set(),
        ["iecee-cb-to-ccc"],
    ),
    S(
        "cb-au-edition-below-asnzs",
        but(CB_KETTLE, standards=(std("IEC 60335-1", "2001"),)),
        "AU",
        NO,
        set(),
        {"edition-too-old"},
        ["iecee-cb-au-nz"],
    ),
    S(
        "cb-fr-smt-accepted",
        but(CB_KETTLE, testing_route="SMT"),
        "FR",
        WITH,
        {"national-differences-test"},
        set(),
        ["iecee-cb-fr-lcie"],
    ),
    S(
        "cb-fr-ctf-stage-4-refused",
        but(CB_KETTLE, testing_route="RMT"),
        "FR",
        NO,
        set(),
        {"testing-route-not-accepted"},
        ["iecee-cb-fr-lcie"],
    ),
    S("cb-us-nothing", CB_KETTLE, "US", NO, set(), {"no-arrangement"}, []),
    # EAEU and Belarus: cooperation is not recognition
    S("cb-ru-eaeu-chapter", CB_KETTLE, "RU", NO, set(), {"no-arrangement"}, []),
    S("ccc-kz-eaeu-chapter", CCC_KETTLE, "KZ", NO, set(), {"no-arrangement"}, []),
    S("ccc-by-belarus-accreditation-only", CCC_KETTLE, "BY", NO, set(), {"no-arrangement"}, []),
    S(
        "eaeu-before-in-force",
        but(CCC_KETTLE, issued_on=dt.date(2018, 1, 1)),
        "RU",
        NO,
        set(),
        {"no-arrangement"},
        [],
        dt.date(2019, 1, 1),
    ),
    # CCC at home
    S("ccc-cn-home", CCC_KETTLE, "CN", YES, set(), set(), ["home:CCC"]),
    S(
        "ccc-cn-suspended",
        but(CCC_KETTLE, status="suspended", status_word="暂停"),
        "CN",
        NO,
        set(),
        {"certificate-not-valid"},
        [],
    ),
    S(
        "ccc-cn-expired",
        CCC_KETTLE,
        "CN",
        NO,
        set(),
        {"certificate-not-valid"},
        [],
        dt.date(2029, 3, 1),
    ),
    S(
        "ccc-cn-not-yet-valid",
        CCC_KETTLE,
        "CN",
        NO,
        set(),
        {"certificate-not-valid"},
        [],
        dt.date(2024, 2, 1),
    ),
    # China-New Zealand EEE MRA
    S("mra-ccc-nz", CCC_KETTLE, "NZ", YES, set(), set(), ["cn-nz-eee-mra"]),
    S("mra-nz-cn", NZ_HEATER, "CN", YES, set(), set(), ["cn-nz-eee-mra"]),
    S(
        "mra-ccc-nz-made-in-th",
        but(CCC_KETTLE, origin="TH"),
        "NZ",
        NO,
        set(),
        {"origin-not-eligible"},
        ["cn-nz-eee-mra"],
    ),
    S(
        "mra-ccc-nz-indirect",
        but(CCC_KETTLE, direct_trade=False),
        "NZ",
        NO,
        set(),
        {"origin-not-eligible"},
        ["cn-nz-eee-mra"],
    ),
    S(
        "mra-ccc-nz-body-not-designated",
        but(CCC_KETTLE, issuer="cciccnex"),
        "NZ",
        NO,
        set(),
        {"issuer-not-designated"},
        ["cn-nz-eee-mra"],
    ),
    S(
        "mra-ccc-nz-lamp-outside-list",
        but(CCC_KETTLE, hs_code="9405.11"),
        "NZ",
        NO,
        set(),
        {"outside-scope"},
        ["cn-nz-eee-mra"],
    ),
    S(
        "mra-signed-not-in-force",
        but(CCC_KETTLE, issued_on=dt.date(2009, 1, 1), valid_until=dt.date(2014, 1, 1)),
        "NZ",
        NO,
        set(),
        {"arrangement-not-in-force"},
        ["cn-nz-eee-mra"],
        dt.date(2010, 6, 1),
    ),
    # IECEx
    S(
        "iecex-ccc-ex",
        IECEX_MOTOR,
        "CN",
        WITH,
        {"national-differences-test", "factory-inspection"},
        set(),
        ["iecex-to-ccc-ex"],
    ),
    S(
        "iecex-ccc-ex-x-suffix",
        but(IECEX_MOTOR, suffixes=("X",)),
        "CN",
        WITH,
        {"national-differences-test", "factory-inspection", "marking"},
        set(),
        ["iecex-to-ccc-ex"],
    ),
    S(
        "iecex-ccc-ex-before-2023-notice",
        but(IECEX_MOTOR, issued_on=dt.date(2021, 5, 2)),
        "CN",
        NO,
        set(),
        {"arrangement-not-in-force"},
        ["iecex-to-ccc-ex"],
        dt.date(2022, 6, 1),
    ),
    S(
        "iecex-ccc-ex-old-60079-0",
        but(IECEX_MOTOR, standards=(std("IEC 60079-0", "2011"), std("IEC 60079-1", "2014"))),
        "CN",
        NO,
        set(),
        {"edition-too-old"},
        ["iecex-to-ccc-ex"],
    ),
    S(
        "iecex-ccc-ex-unlisted-excb",
        but(IECEX_MOTOR, issuer="lcie", issuer_economy="FR"),
        "CN",
        NO,
        set(),
        {"issuer-not-designated"},
        ["iecex-to-ccc-ex"],
    ),
    S("iecex-au", IECEX_MOTOR, "AU", YES, set(), set(), ["iecex-coc-au-nz"]),
    S(
        "iecex-au-x",
        but(IECEX_MOTOR, suffixes=("X",)),
        "AU",
        WITH,
        {"marking"},
        set(),
        ["iecex-coc-au-nz"],
    ),
    S(
        "iecex-au-component",
        but(IECEX_MOTOR, suffixes=("U",)),
        "AU",
        NO,
        set(),
        {"outside-scope"},
        ["iecex-coc-au-nz"],
    ),
    S(
        "iecex-sg-extr-reuse",
        IECEX_MOTOR,
        "SG",
        WITH,
        {"test-report-required"},
        set(),
        ["iecex-extr-reuse"],
    ),
    S(
        "iecex-kr-extl-not-listed",
        but(IECEX_MOTOR, labs=("acme-lab",)),
        "KR",
        NO,
        set(),
        {"lab-not-listed"},
        ["iecex-extr-reuse"],
    ),
    S(
        "iecex-br",
        IECEX_MOTOR,
        "BR",
        WITH,
        {"local-representative", "marking", "factory-inspection"},
        set(),
        ["iecex-to-br-inmetro"],
    ),
    S("atex-cn-qan-does-not-count", ATEX_MOTOR, "CN", NO, set(), {"no-arrangement"}, []),
    S("atex-de-home", ATEX_MOTOR, "DE", WITH, {"marking"}, set(), ["home-atex"]),
    # Greater Bay Area
    S("gba-cn", GBA_TABLEWARE, "CN", YES, set(), set(), ["gba-certification"]),
    S("gba-hk", GBA_TABLEWARE, "HK", YES, set(), set(), ["gba-certification"]),
    S("gba-mo", GBA_TABLEWARE, "MO", YES, set(), set(), ["gba-certification"]),
    S("gba-sg-nothing", GBA_TABLEWARE, "SG", NO, set(), {"no-arrangement"}, []),
    S(
        "gba-cn-not-designated",
        but(GBA_TABLEWARE, issuer="ul", issuer_economy="US"),
        "HK",
        NO,
        set(),
        {"issuer-not-designated"},
        ["gba-certification"],
    ),
    S(
        "gba-mo-before-launch",
        but(GBA_TABLEWARE, issued_on=dt.date(2022, 1, 1)),
        "MO",
        NO,
        set(),
        {"arrangement-not-in-force"},
        ["gba-certification"],
        dt.date(2022, 6, 1),
    ),
    # CEPA
    S(
        "cepa-hk-report",
        HK_TEST_REPORT,
        "CN",
        WITH,
        {"factory-inspection"},
        set(),
        ["cepa-hk-ccc-testing"],
    ),
    # Every arrangement that could take a CCC test report in CN refuses, each for its reason.
    S(
        "cepa-hk-report-made-in-cn",
        but(HK_TEST_REPORT, origin="CN"),
        "CN",
        NO,
        set(),
        {
            "origin-not-eligible",
            "issuer-not-designated",
            "arrangement-not-in-force",
            "outside-scope",
        },
        ["cepa-hk-ccc-testing", "cn-nz-eee-mra", "demo-cn-th-eee", "home:CCC"],
    ),
    # Fictional suspended arrangement
    S(
        "demo-th-before-suspension",
        TH_TEST_REPORT,
        "CN",
        WITH,
        {"sample-required"},
        set(),
        ["demo-cn-th-eee"],
        dt.date(2023, 6, 1),
    ),
    S(
        "demo-th-suspended",
        TH_TEST_REPORT,
        "CN",
        NO,
        set(),
        {"arrangement-not-in-force"},
        ["demo-cn-th-eee"],
        dt.date(2024, 6, 1),
    ),
]


@pytest.mark.parametrize("s", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(s: Scenario) -> None:
    d = decide(s.cert, s.market, s.on, demo_snapshot())
    explain = "\n".join(f"{t.arrangement}:{t.rule}:{t.outcome}:{t.detail}" for t in d.trace)
    assert d.decision == s.decision, explain
    assert set(d.condition_codes) == s.conditions, explain
    assert set(d.reason_codes) == s.reasons, explain
    assert d.arrangement_ids == s.arrangements or set(d.arrangement_ids) == set(s.arrangements)


def test_scenarios_exercise_every_code() -> None:
    snap = demo_snapshot()
    seen_conditions: set[str] = set()
    seen_reasons: set[str] = set()
    seen_decisions: set[str] = set()
    for s in SCENARIOS:
        d = decide(s.cert, s.market, s.on, snap)
        seen_conditions |= set(d.condition_codes)
        seen_reasons |= set(d.reason_codes)
        seen_decisions.add(d.decision)
    assert seen_conditions == set(codes.CONDITIONS)
    assert seen_reasons == set(codes.REASONS)
    assert seen_decisions == set(codes.DECISIONS)
    assert len(SCENARIOS) >= 40


def test_cb_to_cn_names_the_gb_differences() -> None:
    d = decide(CB_KETTLE, "CN", ON, demo_snapshot())
    nd = next(c for c in d.conditions if c.code == "national-differences-test")
    assert any("GB 4706.1-2005" in item and "GB 1002" in item for item in nd.items)
    assert any(item.startswith("GB 4706.19-2008") for item in nd.items)
    assert nd.arrangement == "iecee-cb-to-ccc"
    assert nd.text_zh and nd.text_en


def test_edition_refusal_says_which_gb_standard_sets_the_floor() -> None:
    cert = but(CB_KETTLE, standards=(std("IEC 60335-1", "1991"),))
    d = decide(cert, "CN", ON, demo_snapshot())
    (r,) = d.reasons
    assert "GB 4706.1-2005 adopts IEC 60335-1:2001" in r.detail
    assert r.arrangement == "iecee-cb-to-ccc"


def test_ccc_at_home_shows_the_cooperation_arrangements_it_did_not_need() -> None:
    d = decide(CCC_KETTLE, "CN", ON, demo_snapshot())
    considered = {a.id: a for a in d.considered}
    assert {"cnas-belarus-2019", "eaeu-china-2018"} <= set(considered)
    assert considered["eaeu-china-2018"].decision == codes.NOT_RECOGNISED
    # The MRA covers the *other* party's certificates: skipped, said so in the trace.
    assert any(t.arrangement == "cn-nz-eee-mra" and t.outcome == "skip" for t in d.trace)


def test_best_outcome_wins_and_the_others_are_shown() -> None:
    # An IECEx CoC with "X" in NZ: only the AU/NZ acceptance applies; in CN, the
    # refusal reasons of every considered arrangement are listed.
    d = decide(but(IECEX_MOTOR, suffixes=("X",)), "NZ", ON, demo_snapshot())
    assert d.arrangement_ids == ["iecex-coc-au-nz"]
    # A CB certificate in NZ where an IECEx-style arrangement does not apply: not considered.
    d = decide(CB_KETTLE, "NZ", ON, demo_snapshot())
    assert "iecex-coc-au-nz" not in {a.id for a in d.considered}


def test_to_json_shape_and_readable_trace() -> None:
    d = decide(CB_KETTLE, "CN", ON, demo_snapshot())
    out = d.to_json()
    assert list(out)[:9] == [
        "certificate",
        "market",
        "date",
        "decision",
        "decision_label",
        "conditions",
        "reasons",
        "arrangements",
        "considered",
    ]
    assert out["date"] == "2025-06-01"
    assert out["decision_label"] == {"en": "Recognised with conditions", "zh": "有条件承认"}
    assert out["arrangements"][0]["id"] == "iecee-cb-to-ccc"
    rules = [t["rule"] for t in out["trace"]]
    assert rules[0] == "certificate-validity" and rules[-1] == "decision"
    assert "edition-floor" in rules and "testing-route" in rules
    assert all(t["detail"] for t in out["trace"])


def test_suspended_certificate_still_shows_what_would_apply() -> None:
    d = decide(but(CB_KETTLE, status="suspended"), "CN", ON, demo_snapshot())
    assert "iecee-cb-to-ccc" in [a.id for a in d.considered]
    assert d.trace[0].outcome == "fail"


@pytest.mark.parametrize(
    ("cert", "market", "shown"),
    [
        (CB_KETTLE, "RU", {"eaeu-china-2018"}),
        (CCC_KETTLE, "KZ", {"eaeu-china-2018"}),
        (CCC_KETTLE, "BY", {"eaeu-china-2018", "cnas-belarus-2019"}),
        (ATEX_MOTOR, "CN", {"eaeu-china-2018", "cnas-belarus-2019"}),
    ],
)
def test_cooperation_is_shown_but_never_recognises(cert, market, shown) -> None:
    d = decide(cert, market, ON, demo_snapshot())
    assert d.decision == NO
    assert {a.id for a in d.considered} == shown
    for a in d.considered:
        assert [r.code for r in a.reasons] == ["outside-scope"]
    (reason,) = d.reasons
    assert "recognise(s) no certificates" in reason.detail
