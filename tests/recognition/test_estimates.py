"""Scheme and condition estimates as registry data (issue 16): recorded by an administrator
with a source, logged, read by the planner; the demo supplies illustrative values."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from certpass.accounts.actor import Actor
from certpass.errors import Forbidden, InvalidInput
from certpass.ledger.models import LogEntry
from certpass.recognition import service
from tests.registry_fixture import seed

ADMIN = Actor("alice", "admin")
ON = dt.date(2025, 10, 1)
CB = {"certificate_kind": "cb-test-certificate", "test_cost": 8000, "certificate_fee": 1500,
      "test_days": 40, "certificate_days": 10, "lab_role": "CBTL"}


def test_recorded_estimates_are_logged_and_read_by_the_planner(db):
    seed(db)
    with db.write() as s:
        service.record_estimate(s, "scheme", "IECEE-CB", CB, ADMIN, source="NCB fee list 2025")
        service.record_estimate(s, "condition", "sample-required", {"cost": 300, "days": 7},
                                ADMIN, source="quote")
    with db.read() as s:
        cat = service.catalogue(s)
        assert cat.schemes["IECEE-CB"].test_cost == 8000 and not cat.schemes["IECEE-CB"].estimated
        assert cat.conditions["sample-required"].days == 7
        entries = [e.event_type for e in s.scalars(select(LogEntry).order_by(LogEntry.index))]
        assert entries.count("estimate.recorded") == 2
    # A change is a new log entry, and the planner sees it at once.
    with db.write() as s:
        service.record_estimate(s, "scheme", "IECEE-CB", {**CB, "test_cost": 9000}, ADMIN,
                                source="NCB fee list 2026", reason="new fees")
    with db.read() as s:
        assert service.catalogue(s).schemes["IECEE-CB"].test_cost == 9000
        [row] = [e for e in service.list_estimates(s) if e.kind == "scheme"]
        assert row.source == "NCB fee list 2026" and row.updated_by == ADMIN.label


@pytest.mark.parametrize(("kind", "code", "figures", "source", "words"), [
    ("scheme", "CCC", {"test_cost": 1}, "quote", "bad figures"),
    ("scheme", "CCC", {**CB, "test_cost": -5}, "quote", "at least 0"),
    ("condition", "marking", {"cost": 1, "days": 1, "colour": "red"}, "quote", "bad figures"),
    ("condition", "marking", {"cost": 1, "days": 1}, " ", "source"),
    ("fee", "marking", {"cost": 1, "days": 1}, "quote", "unknown estimate kind"),
])
def test_bad_estimates_are_refused(db, kind, code, figures, source, words):
    with db.write() as s, pytest.raises(InvalidInput, match=words):
        service.record_estimate(s, kind, code, figures, ADMIN, source=source)


def test_only_an_administrator_records_estimates(db):
    with db.write() as s, pytest.raises(Forbidden):
        service.record_estimate(s, "condition", "marking", {"cost": 1, "days": 1},
                                Actor("cb", "certification-body", "cqc"), source="q")


def test_the_demo_plans_with_its_recorded_illustrative_estimates(demo_db):
    with demo_db.read() as s:
        rows = service.list_estimates(s)
        assert {r.code for r in rows if r.kind == "scheme"} >= {"IECEE-CB", "CCC", "NZ-EEE"}
        assert all(r.illustrative and r.source for r in rows)
        p = service.plan_route(s, hs="8516.60", standards=["IEC 60335-1:2020"], origin="CN",
                               markets=["NZ", "AU"], on=ON)
    assert p["total_cost"] > 0 and set(p["opened"]) == {"NZ", "AU"}
