"""Cooperation projects: admin-only writes with log entries, and outcome figures."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from certpass.accounts.actor import Actor
from certpass.errors import Conflict, Forbidden, InvalidInput
from certpass.ledger.models import LogEntry
from certpass.projects import service
from certpass.projects.schemas import ProjectIn
from certpass.web.app import create_app
from tests.registry_fixture import SETTINGS

ADMIN = Actor("alice", "admin")
PROJECT = ProjectIn(id="test-project", title_en="Test", title_zh="测试",
                    field="electrical-appliances", schemes=["CCC"], economies=["CN", "NZ"],
                    started_on=dt.date(2020, 1, 1), outcomes={"days_saved_per_certificate": 10})
ON = dt.date(2025, 10, 1)


def test_record_and_amend_are_logged(db):
    with db.write() as s:
        service.record_project(s, PROJECT, ADMIN)
    with db.write() as s:
        service.amend_project(s, "test-project", PROJECT.model_copy(update={"status": "completed"}),
                              ADMIN, "closed")
    with db.read() as s:
        assert service.get_project(s, "test-project").status == "completed"
        types = list(s.scalars(select(LogEntry.event_type).order_by(LogEntry.index)))
        assert types == ["project.recorded", "project.changed"]


def test_refusals_write_nothing(db):
    with db.write() as s, pytest.raises(Forbidden):
        service.record_project(s, PROJECT, Actor("cb", "certification-body", "cqc"))
    bad = PROJECT.model_copy(update={"ended_on": dt.date(2019, 1, 1)})
    with db.write() as s, pytest.raises(InvalidInput):
        service.record_project(s, bad, ADMIN)
    with db.read() as s:
        assert service.list_projects(s)[1] == 0
        assert s.scalars(select(LogEntry)).first() is None
    with db.write() as s:
        service.record_project(s, PROJECT, ADMIN)
    with db.write() as s, pytest.raises(Conflict):
        service.record_project(s, PROJECT, ADMIN)


def test_outcomes_of_the_nz_mra(demo_db):
    with demo_db.read() as s:
        out = service.outcomes(s, "cn-nz-eee-mra", ON)
    certs = out["certificates"]
    assert certs["total"] > 0 and sum(certs["by_year"].values()) == certs["total"]
    assert sum(certs["by_partner"].values()) == certs["total"]
    rec = out["recognitions"]
    assert rec["total"] > 0 and set(rec["by_market"]) <= {"CN", "NZ"}
    assert out["savings"]["days_saved"] == 25 * rec["total"]


def test_all_outcomes_over_http(demo_db):
    with TestClient(create_app(SETTINGS, demo_db), raise_server_exceptions=False) as c:
        r = c.get("/api/projects/outcomes", params={"date": "2024-12-31"})
        assert r.status_code == 200
        body = r.json()
        assert body["totals"]["projects"] == len(body["projects"]) >= 12
        r = c.get("/api/projects/gba-certification")
        assert [a["id"] for a in r.json()["arrangements"]] == ["gba-certification"]
        assert c.get("/api/projects", params={"economy": "NZ"}).json()["total"] >= 1
        assert c.get("/api/projects/nope").status_code == 404
        assert c.get("/api/projects/cn-nz-eee-mra/outcomes",
                     params={"date": "x"}).status_code == 422
        assert c.post("/api/projects", json=PROJECT.model_dump(mode="json")).status_code == 401


def test_outcomes_only_for_offered_dates(demo_db, monkeypatch):
    """Issue 12: anonymous readers could make the server recompute for date after date (8-14 s
    each); now only a handful of dates are offered, each computed once per database state."""
    computed: list[dt.date] = []
    real = service._all_outcomes

    def counting(session, on):
        computed.append(on)
        return real(session, on)

    monkeypatch.setattr(service, "_all_outcomes", counting)
    service._figures.clear()
    with TestClient(create_app(SETTINGS.replace(warm_caches=False), demo_db),
                    raise_server_exceptions=False) as c:
        r = c.get("/api/projects/outcomes", params={"date": "2025-10-01"})
        assert r.status_code == 400, r.text
        error = r.json()["error"]
        assert error["code"] == "date-not-offered" and "2025-10-01" in error["message"]
        assert "2024-12-31" in error["details"]["dates"]
        r = c.get("/api/projects/cn-nz-eee-mra/outcomes", params={"date": "2025-10-01"})
        assert r.status_code == 400
        assert computed == []  # refused before any work
        dates = c.get("/api/projects/outcomes/dates").json()["dates"]
        assert dt.date.today().isoformat() in dates and "2024-12-31" in dates
        assert len(dates) < service._figures._limit  # all of them stay cached
        for _ in range(3):
            assert c.get("/api/projects/outcomes",
                         params={"date": "2024-12-31"}).status_code == 200
        assert computed == [dt.date(2024, 12, 31)]
