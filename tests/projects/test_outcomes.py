"""Project outcomes by their written definition (projects.service.DEFINITION_EN), the same
figure on the home page, the projects pages and the API (issue 16)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from certpass.certificates.models import Certificate
from certpass.projects import service
from certpass.recognition.codes import NOT_RECOGNISED
from certpass.recognition.engine import decide
from certpass.recognition.snapshot import facts_for, load_snapshot
from certpass.web.app import create_app
from tests.registry_fixture import SETTINGS

ON = dt.date(2025, 10, 1)


@pytest.fixture(scope="module")
def figures(demo_db):
    with demo_db.read() as s:
        return service.all_outcomes(s, ON)


def by_id(figures, project: str) -> dict:
    return next(p for p in figures["projects"] if p["project"] == project)


def test_planned_projects_count_nothing(figures):
    p = by_id(figures, "cn-uz-agri-machinery")
    assert p["status"] == "planned"
    assert p["certificates"]["total"] == 0 and p["recognitions"]["total"] == 0


def test_cooperation_without_certificate_recognition_counts_nothing(figures):
    # China-EAEU TBT and CNAS-BSCA recognise no certificates and issue none.
    for project in ("eaeu-china-tbt", "cnas-bsca-machinery"):
        p = by_id(figures, project)
        assert p["certificates"]["total"] == 0 and p["recognitions"]["total"] == 0, project


def test_a_bloc_is_counted_once(figures):
    p = by_id(figures, "cn-de-ex-witness")
    markets = set(p["recognitions"]["by_market"])
    assert "EU" in markets and not markets & {"DE", "FR", "IT", "NL", "AT"}
    gulf = by_id(figures, "cn-gcc-gmark")["recognitions"]["by_market"]
    assert set(gulf) <= {"GCC"}
    # Each certificate is recognised at most once per market or bloc.
    for item in figures["projects"]:
        rec = item["recognitions"]
        assert all(n <= item["certificates"]["total"] for n in rec["by_market"].values())
        assert rec["total"] == sum(rec["by_market"].values())


def test_totals_count_each_certificate_once(demo_db, figures):
    with demo_db.read() as s:
        registry = s.scalar(select(func.count(Certificate.id)))
    totals = figures["totals"]
    per_project = [p["certificates"]["total"] for p in figures["projects"]]
    assert max(per_project) <= totals["certificates"] <= min(sum(per_project), registry)
    assert totals["recognitions"] <= sum(p["recognitions"]["total"] for p in figures["projects"])
    assert figures["definition"]["url"] == "/projects#definition"


def test_the_nz_mra_by_the_definition(demo_db, figures):
    """Known answer, recomputed here from the definition's words: partner issuers, first
    issued within the period, recognised in CN or NZ (not the issuer's own economy) under
    cn-nz-eee-mra on the date."""
    project = "cn-nz-eee-mra"
    with demo_db.read() as s:
        snap = load_snapshot(s)
        row = service.get_project(s, project)
        partners = {x["body_id"] for x in row.partners if x.get("body_id")}
        certs = s.scalars(select(Certificate).where(Certificate.first_issued_on >= row.started_on,
                                                    Certificate.first_issued_on <= ON)).all()
        counted, recognitions = set(), set()
        for c in certs:
            if c.issuer_id not in partners:
                continue
            facts = facts_for(c, ON)
            for m in ("CN", "NZ"):
                if m == facts.issuer_economy:
                    continue
                d = decide(facts, m, ON, snap)
                if d.decision != NOT_RECOGNISED and d.arrangement_ids[0] == project:
                    counted.add(c.id)
                    recognitions.add((c.id, m))
    p = by_id(figures, project)
    assert p["arrangements"] == [project]
    assert p["certificates"]["total"] == len(counted) > 0
    assert p["recognitions"]["total"] == len(recognitions)
    assert set(p["certificates"]["by_partner"]) <= partners


def test_only_partner_bodies_within_the_period_count(figures):
    gba = by_id(figures, "gba-certification")
    assert set(gba["certificates"]["by_partner"]) <= {"cqc", "ccic", "hkstc", "cpttm-mo"}
    assert all(int(y) >= 2023 for y in gba["certificates"]["by_year"])
    gulf = by_id(figures, "cn-gcc-gmark")
    assert gulf["arrangements"] == ["home:GCC"]
    assert set(gulf["certificates"]["by_partner"]) <= {"tuv-sud", "intertek"}


def test_same_figures_on_home_projects_pages_and_api(demo_db):
    with TestClient(create_app(SETTINGS, demo_db), raise_server_exceptions=False) as c:
        api = c.get("/api/projects/outcomes").json()
        total = api["totals"]["recognitions"]
        home = c.get("/").text
        assert re.search(rf"<strong>{total}</strong> [^<]*<a [^>]*href=\"/projects#definition\"",
                         home)
        page = c.get("/projects").text
        assert f"<strong>{total}</strong>" in page and 'id="definition"' in page
        assert api["definition"]["en"][:40] in page.replace("&#39;", "'")
        one = c.get("/api/projects/cn-nz-eee-mra/outcomes").json()
        assert one == next(p for p in api["projects"] if p["project"] == "cn-nz-eee-mra")
        detail = c.get("/projects/cn-nz-eee-mra").text
        assert f"<strong>{one['recognitions']['total']}</strong>" in detail
        assert 'href="/projects#definition"' in detail
