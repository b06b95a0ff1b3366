"""The recognition service on real databases: arrangement writes, and the worked examples
from domain.md decided by certificate number on the loaded demo."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from sqlalchemy import func, select

from certpass.accounts.actor import OPERATOR, Actor
from certpass.certificates.models import Certificate
from certpass.credentials import dcc
from certpass.errors import Conflict, Forbidden, InvalidInput, NotFound
from certpass.ledger.models import LogEntry
from certpass.recognition import codes, service
from certpass.recognition.engine import decide
from certpass.recognition.models import ArrangementRecord, ArrangementVersion
from certpass.recognition.snapshot import facts_for, load_snapshot, split_ref, suffixes_of

ON = dt.date(2025, 10, 1)
ADMIN = Actor("alice", "admin")
CB = Actor("cqc user", "certification-body", "cqc")

ARRANGEMENT = {
    "id": "test-mra",
    "title_en": "Test MRA",
    "title_zh": "测试互认安排",
    "kind": "bilateral-mra",
    "markets": ["NZ"],
    "recognises": ["certificates"],
    "scope": {"source_schemes": ["CCC"], "certificate_kinds": ["product-certificate"]},
    "conditions": [{"code": "sample-required"}],
    "status_history": [{"date": "2020-01-01", "status": "in-force"}],
}


# --- pure helpers: known answers --------------------------------------------------------------

@pytest.mark.parametrize(("ref", "designation", "edition"), [
    ("IEC 60335-1:2020", "IEC 60335-1", "2020"),
    ("IEC 60335-2-15:2016", "IEC 60335-2-15", "2016"),
    ("GB 4706.1-2005", "GB 4706.1", "2005"),
    ("GB/T 3836.1-2021", "GB/T 3836.1", "2021"),
    ("AS/NZS 60335.1:2020", "AS/NZS 60335.1", "2020"),
    ("EN 60335-1:2012+A11:2014", "EN 60335-1", "2012+A11:2014"),
    ("IEC 60079-0", "IEC 60079-0", ""),
])
def test_split_ref(ref, designation, edition):
    s = split_ref(ref)
    assert (s.designation, s.edition) == (designation, edition)


def test_suffixes():
    assert suffixes_of("IECEx NEP 24.0031X", "IECEx") == ("X",)
    assert suffixes_of("IECEx PTB 21.0001U", "IECEx") == ("U",)
    assert suffixes_of("IECEx PTB 21.0001", "IECEx") == ()
    assert suffixes_of("CN-0010X", "CCC") == ()


# --- writes ---------------------------------------------------------------------------------

def _log_types(session) -> list[str]:
    return list(session.scalars(select(LogEntry.event_type).order_by(LogEntry.index)))


def test_record_amend_and_suspend_are_logged_with_history(db):
    with db.write() as s:
        rec = service.record_arrangement(s, ARRANGEMENT, ADMIN)
        assert rec.version == 1 and rec.status == "in-force"
    changed = copy.deepcopy(ARRANGEMENT)
    changed["conditions"].append({"code": "marking"})
    with db.write() as s:
        rec = service.amend_arrangement(s, "test-mra", changed, ADMIN, "marking added")
        assert rec.version == 2
    with db.write() as s:
        rec = service.change_arrangement_status(s, "test-mra", "suspended",
                                                dt.date(2025, 1, 1), ADMIN, "review")
        assert (rec.version, rec.status) == (3, "suspended")
    with db.read() as s:
        assert _log_types(s) == ["arrangement.recorded", "arrangement.changed",
                                 "arrangement.changed"]
        entry = json.loads(s.scalars(select(LogEntry.entry).order_by(LogEntry.index)).all()[1])
        assert entry["version"] == 2 and entry["reason"] == "marking added"
        assert [c["code"] for c in entry["rules"]["conditions"]] == ["sample-required", "marking"]
        detail = service.arrangement_detail(s, service.get_arrangement(s, "test-mra"))
        assert [h["change"] for h in detail["history"]] == ["recorded", "amended", "suspended"]
        assert all(h["log_index"] is not None for h in detail["history"])
        assert detail["rules"]["status_history"][-1]["status"] == "suspended"
        # The engine sees the suspension from its date on (snapshot rebuilt on the new stamp).
        snap = load_snapshot(s)
        assert snap.arrangements["test-mra"].status_on(dt.date(2025, 6, 1)) == "suspended"
        assert snap.arrangements["test-mra"].status_on(dt.date(2024, 6, 1)) == "in-force"


@pytest.mark.parametrize("actor", [CB, Actor("ab", "accreditation-body", "cnas")])
def test_only_an_administrator_writes(db, actor):
    with db.write() as s, pytest.raises(Forbidden):
        service.record_arrangement(s, ARRANGEMENT, actor)
    with db.write() as s:
        service.record_arrangement(s, ARRANGEMENT, OPERATOR)
    with db.write() as s, pytest.raises(Forbidden):
        service.amend_arrangement(s, "test-mra", ARRANGEMENT, actor, "x")
    with db.write() as s, pytest.raises(Forbidden):
        service.change_arrangement_status(s, "test-mra", "terminated", ON, actor, "x")


@pytest.mark.parametrize("bad", [
    {**ARRANGEMENT, "kind": "handshake"},
    {**ARRANGEMENT, "conditions": [{"code": "bribe"}]},
    {**ARRANGEMENT, "status_history": []},
    {**ARRANGEMENT, "surprise": 1},
    {**ARRANGEMENT, "valid_from": "2025-01-01", "valid_until": "2024-01-01"},
    {**ARRANGEMENT, "project": "no-such-project"},
    {k: v for k, v in ARRANGEMENT.items() if k != "title_en"},
])
def test_invalid_arrangement_is_refused_and_nothing_written(db, bad):
    with pytest.raises(InvalidInput) as info, db.write() as s:
        service.record_arrangement(s, bad, ADMIN)
    assert info.value.code == "invalid-arrangement" and info.value.http_status == 422
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(ArrangementRecord)) == 0
        assert s.scalar(select(func.count()).select_from(ArrangementVersion)) == 0
        assert _log_types(s) == []


def test_bad_changes_are_refused(db):
    with db.write() as s:
        service.record_arrangement(s, ARRANGEMENT, ADMIN)
    with db.write() as s, pytest.raises(Conflict):
        service.record_arrangement(s, ARRANGEMENT, ADMIN)
    with db.write() as s, pytest.raises(InvalidInput, match="nothing changed"):
        service.amend_arrangement(s, "test-mra", ARRANGEMENT, ADMIN, "same")
    with db.write() as s, pytest.raises(InvalidInput, match="path names"):
        service.amend_arrangement(s, "test-mra", {**ARRANGEMENT, "id": "other"}, ADMIN, "x")
    with db.write() as s, pytest.raises(NotFound):
        service.amend_arrangement(s, "nope", ARRANGEMENT, ADMIN, "x")
    with db.write() as s, pytest.raises(InvalidInput, match="before"):
        service.change_arrangement_status(s, "test-mra", "suspended", dt.date(2019, 1, 1),
                                          ADMIN, "x")
    with db.read() as s:
        assert _log_types(s) == ["arrangement.recorded"]


# --- the worked examples, by certificate number, on the demo ---------------------------------

WITH = codes.RECOGNISED_WITH_CONDITIONS
EXAMPLES = [
    ("CN-00101", "CN", WITH, {"sample-required", "national-differences-test",
                              "factory-inspection"}, set(), "iecee-cb-to-ccc"),
    ("CN-00102", "CN", codes.NOT_RECOGNISED, set(), {"testing-route-not-accepted"},
     "iecee-cb-to-ccc"),
    ("DE 3-000501", "CN", codes.NOT_RECOGNISED, set(), {"edition-too-old"}, "iecee-cb-to-ccc"),
    ("IECEx NEP 24.0031X", "CN", WITH, {"factory-inspection", "national-differences-test",
                                        "marking"}, set(), "iecex-to-ccc-ex"),
    ("2024010711900001", "NZ", codes.RECOGNISED, set(), set(), "cn-nz-eee-mra"),
    ("2024010711900002", "NZ", codes.NOT_RECOGNISED, set(), {"origin-not-eligible"},
     "cn-nz-eee-mra"),
    ("GBA-2024-STC-900001", "MO", codes.RECOGNISED, set(), set(), "gba-certification"),
    ("CN-00103", "RU", codes.NOT_RECOGNISED, set(), {"no-arrangement"}, None),
]


@pytest.mark.parametrize(("number", "market", "decision", "conditions", "reasons", "via"),
                         EXAMPLES, ids=[f"{e[0]}->{e[1]}" for e in EXAMPLES])
def test_worked_example(demo_db, number, market, decision, conditions, reasons, via):
    with demo_db.read() as s:
        d = service.recognise(s, number, market, ON)
    assert d.decision == decision
    assert set(d.condition_codes) == conditions
    assert set(d.reason_codes) == reasons
    assert d.arrangement_ids == ([via] if via else [])


def test_cb_certificate_names_the_gb_differences_from_the_standards_table(demo_db):
    with demo_db.read() as s:
        d = service.recognise(s, "CN-00101", "CN", ON)
    nd = next(c for c in d.conditions if c.code == "national-differences-test")
    # Text from standards.json (GB 4706.1-2005's national_differences), not a copy elsewhere.
    assert "GB 4706.1-2005: Plugs to GB 1002/GB 1003 and GB 2099.1 (cl. 25.5)" in nd.items
    assert any(i.startswith("GB 4706.19-2008:") for i in nd.items)
    assert any("GB 4706.1-2005 adopts IEC 60335-1:2001" in t.detail for t in d.trace)


def test_the_old_cb_certificate_names_the_2018_floor(demo_db):
    with demo_db.read() as s:
        d = service.recognise(s, "DE 3-000501", "CN", ON)
    assert "GB 4943.1-2022 adopts IEC 62368-1:2018" in d.reasons[0].detail


def test_every_condition_and_reason_code_occurs_across_the_demo(demo_db):
    seen: set[str] = set()
    with demo_db.read() as s:
        snap = load_snapshot(s)
        for cert in s.scalars(select(Certificate)):
            facts = facts_for(cert, ON)
            for m in service.candidate_markets(snap, facts.scheme):
                d = decide(facts, m, ON, snap, explain=False)
                seen |= set(d.condition_codes) | set(d.reason_codes)
    assert set(codes.CONDITIONS) | set(codes.REASONS) <= seen, (
        sorted(set(codes.CONDITIONS) | set(codes.REASONS) - seen))


def test_status_on_a_past_date_comes_from_the_history(demo_db):
    with demo_db.read() as s:
        cert = s.scalar(select(Certificate).where(Certificate.status == "withdrawn").limit(1))
        withdrawn_on = cert.events[-1].effective_on
        before = withdrawn_on - dt.timedelta(days=1)
        assert facts_for(cert, withdrawn_on).status == "withdrawn"
        then = facts_for(cert, before).status
    assert then in ("valid", "suspended", "expired")


def test_snapshot_is_cached_on_the_log_stamp(demo_db):
    with demo_db.read() as s:
        assert load_snapshot(s) is load_snapshot(s)


def test_everywhere_lists_only_markets_with_rules_plus_asked(demo_db):
    with demo_db.read() as s:
        out = service.recognise_everywhere(s, "CN-00103", ON, ["US"])
    markets = [m["market"] for m in out["markets"]]
    assert {"CN", "RU", "BY", "SG", "FR", "US"} <= set(markets)
    assert "JP" not in markets and len(markets) == len(set(markets))


def test_unknown_inputs(demo_db):
    with demo_db.read() as s:
        with pytest.raises(InvalidInput, match="unknown market"):
            service.recognise(s, "CN-00101", "XX", ON)
        with pytest.raises(InvalidInput, match="bloc"):
            service.recognise(s, "CN-00101", "EU", ON)
        with pytest.raises(NotFound):
            service.recognise(s, "NO-SUCH", "CN", ON)


def test_plan_opens_markets_with_costs(demo_db):
    with demo_db.read() as s:
        p = service.plan_route(s, hs="8516.60", standards=["IEC 60335-1:2020"], origin="CN",
                               markets=["NZ", "HK", "MO", "AU", "SG"], on=ON)
    assert set(p["opened"]) == {"NZ", "AU", "SG"}
    assert set(p["unopened"]) == {"HK", "MO"}
    assert p["steps"][0]["kind"] == "test" and p["total_cost"] > 0 and p["lead_time_days"] > 0
    assert [st["order"] for st in p["steps"]] == list(range(1, len(p["steps"]) + 1))


def test_plan_refuses_bad_input(demo_db):
    with demo_db.read() as s:
        with pytest.raises(InvalidInput, match="edition"):
            service.plan_route(s, hs="8516.60", standards=["IEC 60335-1"], origin="CN",
                               markets=["NZ"], on=ON)
        with pytest.raises(InvalidInput, match="1 to 30"):
            service.plan_route(s, hs="8516.60", standards=["IEC 60335-1:2020"], origin="CN",
                               markets=["NZ"] * 31, on=ON)
        with pytest.raises(InvalidInput, match="unknown market"):
            service.plan_route(s, hs="8516.60", standards=["IEC 60335-1:2020"], origin="CN",
                               markets=["ZZ"], on=ON)


def test_decide_for_verified_credential(demo_db):
    credential = dcc.build_dcc(dcc.AttestationInput(
        credential_id="https://example.org/api/certificates/CN-00101/credential?issue=0",
        certificate_url="https://example.org/api/certificates/CN-00101/issues/0",
        certificate_number="CN-00101", issue_number=0,
        scheme=dcc.Scheme("https://example.org/api/schemes/IECEE-CB", "IECEE-CB",
                          "IECEE CB Scheme", dcc.Party("https://www.iecee.org", "IECEE"),
                          dt.date(2000, 1, 1)),
        issuer=dcc.Party("did:web:example.org:bodies:cqc", "CQC"),
        holder=dcc.Party("urn:certpass:holder:CN:Foshan%20Meixin", "Foshan Meixin"),
        products=(dcc.Product("Kettle", ("K-1",), hs_code="8516.79"),),
        factories=(dcc.Factory("Foshan plant", "CN"),), standards=("IEC 60335-1:2010",),
        valid_from=dt.datetime(2025, 3, 12, tzinfo=dt.UTC)))
    with demo_db.read() as s:
        snap = load_snapshot(s)
    d = service.decide_for_verified(credential, "CN", ON, snap)
    # The credential carries no testing route, labs or category: the engine must not assume
    # them, so the CCC rule refuses and says why.
    assert d.certificate == "CN-00101" and d.decision == codes.NOT_RECOGNISED
    assert {"testing-route-not-accepted", "lab-not-listed"} <= set(d.reason_codes)
    d = service.decide_for_verified(credential, "RU", ON, snap)
    assert d.reason_codes == ["no-arrangement"]
    with pytest.raises(InvalidInput):
        service.decide_for_verified({"issuer": "x"}, "CN", ON, snap)


def test_an_arrangement_may_name_a_recorded_project(db):
    from certpass.projects import service as projects
    from certpass.projects.schemas import ProjectIn

    with db.write() as s:
        projects.record_project(s, ProjectIn(
            id="cn-ru-ccc", title_en="CCC cooperation", title_zh="合作", field="machinery",
            started_on=dt.date(2020, 1, 1)), ADMIN)
        record = service.record_arrangement(s, {**ARRANGEMENT, "project": "cn-ru-ccc"}, ADMIN)
    assert record.project_id == "cn-ru-ccc"


def test_building_the_snapshot_freezes_nothing_process_wide(db):
    import gc

    from certpass.recognition.snapshot import build_from_session, load_snapshot

    before = gc.get_freeze_count()
    with db.write() as s:
        service.record_arrangement(s, ARRANGEMENT, ADMIN)  # a change: the next load rebuilds
    with db.read() as s:
        assert load_snapshot(s).markets == build_from_session(s).markets
    assert gc.get_freeze_count() == before
