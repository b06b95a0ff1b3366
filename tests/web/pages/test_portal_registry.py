"""The administrator's registry workplace: forms drawn from the API's models, every record
written by its service and logged; arrangements edited as the JSON the API takes."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.ledger.models import LogEntry
from certpass.recognition.models import ArrangementRecord
from certpass.registry.models import Body
from tests.web.pages.conftest import PASSWORD, csrf_of, sign_in

ARRANGEMENT = {
    "id": "test-home-ccc", "title_en": "CCC in China", "title_zh": "中国强制性产品认证",
    "kind": "home-scheme", "parties": ["CN"], "markets": ["CN"], "recognises": ["certificates"],
    "scope": {"source_schemes": ["CCC"], "certificate_kinds": ["product-certificate"]},
    "status_history": [{"date": "2002-05-01", "status": "in-force"}],
}


def _admin(web, page_db) -> str:
    with page_db.write() as s:
        accounts.add_user(s, "regulator", "admin", None, PASSWORD, OPERATOR)
    login = csrf_of(web.get("/login").text)
    web.post("/login", data={"username": "regulator", "password": PASSWORD,
                             "csrf_token": login, "next": "/portal"})
    r = web.get("/portal")
    assert r.status_code == 303 and r.headers["location"] == "/portal/registry"
    return csrf_of(web.get("/portal/registry").text)


def _last_type(page_db) -> str:
    with page_db.read() as s:
        return s.scalar(select(LogEntry.event_type).order_by(LogEntry.index.desc()))


def test_record_a_body_through_the_form(web, page_db):
    token = _admin(web, page_db)
    form = web.get("/portal/registry/new/body").text
    assert 'name="roles" value="certification-body"' in form  # a Literal list: checkboxes
    r = web.post("/portal/registry/new/body", data={
        "id": "Bad Id", "name_en": "", "economy_code": "CN", "csrf_token": token})
    assert r.status_code == 422 and 'id="err-id"' in r.text and 'id="err-roles"' in r.text
    r = web.post("/portal/registry/new/body", data={
        "id": "kz-cert", "name_en": "Kazakh Certification Centre", "economy_code": "CN",
        "roles": ["certification-body", "testing-lab"], "signatories": "IAF MLA; ILAC MRA",
        "csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/bodies/kz-cert"
    with page_db.read() as s:
        body = s.get(Body, "kz-cert")
        assert body.roles == ["certification-body", "testing-lab"]
        assert body.signatories == ["IAF MLA", "ILAC MRA"]
    assert _last_type(page_db) == "body.registered"
    r = web.post("/portal/registry/new/body", data={
        "id": "kz-cert", "name_en": "Again", "economy_code": "CN",
        "roles": ["testing-lab"], "csrf_token": token})
    assert r.status_code == 409 and "already exists" in r.text


def test_record_and_amend_an_arrangement(web, page_db):
    token = _admin(web, page_db)
    r = web.post("/portal/registry/arrangements/new", data={"rules": "{not json",
                                                            "csrf_token": token})
    assert r.status_code == 422 and "JSON" in r.text
    r = web.post("/portal/registry/arrangements/new",
                 data={"rules": json.dumps(ARRANGEMENT), "csrf_token": token})
    assert r.status_code == 303, r.text
    assert _last_type(page_db) == "arrangement.recorded"
    page = web.get("/portal/registry/arrangements/test-home-ccc").text
    assert "source_schemes" in page
    changed = {**ARRANGEMENT, "title_en": "China Compulsory Certification in China"}
    r = web.post("/portal/registry/arrangements/test-home-ccc",
                 data={"rules": json.dumps(changed), "reason": "", "csrf_token": token})
    assert r.status_code == 422 and "reason" in r.text
    r = web.post("/portal/registry/arrangements/test-home-ccc",
                 data={"rules": json.dumps(changed), "reason": "official title",
                       "csrf_token": token})
    assert r.status_code == 303
    with page_db.read() as s:
        record = s.get(ArrangementRecord, "test-home-ccc")
        assert record.version == 2 and record.title_en.startswith("China Compulsory")
    assert _last_type(page_db) == "arrangement.changed"


def test_only_administrators(web):
    sign_in(web)  # a certification body's officer
    assert web.get("/portal/registry").status_code == 403
    assert web.get("/portal/registry/new/body").status_code == 403


def test_record_and_amend_a_project(web, page_db):
    token = _admin(web, page_db)
    data = {"id": "cn-kz-appliances", "title_en": "Appliances to Kazakhstan",
            "title_zh": "家电出口哈萨克斯坦", "field": "electrical-appliances",
            "partners": '[{"body_id": "cqc", "role": "certification body"}]',
            "schemes": "CCC", "economies": "CN; KZ", "started_on": "2025-01-01",
            "status": "planned", "csrf_token": token}
    r = web.post("/portal/registry/new/project", data={**data, "partners": "[oops"})
    assert r.status_code == 422 and 'id="err-partners"' in r.text
    r = web.post("/portal/registry/new/project", data=data)
    assert r.status_code == 303, r.text
    form = web.get("/portal/registry/projects/cn-kz-appliances").text
    assert "CN; KZ" in form and "certification body" in form
    r = web.post("/portal/registry/projects/cn-kz-appliances",
                 data={**data, "status": "active", "reason": "launched"})
    assert r.status_code == 303, r.text
    assert _last_type(page_db) == "project.changed"


def test_preview_shows_the_decisions_an_arrangement_would_change(web, page_db):
    from certpass.certificates import service as certificates
    from tests.registry_fixture import ctx, request

    with page_db.write() as s:
        certificates.issue(ctx(s), request("PREVIEW-CCC-1"), OPERATOR)
    token = _admin(web, page_db)
    proposed = {"id": "test-ccc-to-th", "title_en": "CCC accepted in Thailand",
                "title_zh": "泰国接受CCC", "kind": "unilateral-acceptance",
                "parties": ["CN", "TH"], "markets": ["TH"], "recognises": ["certificates"],
                "scope": {"source_schemes": ["CCC"],
                          "certificate_kinds": ["product-certificate"]},
                "status_history": [{"date": "2020-01-01", "status": "in-force"}]}
    before = _last_type(page_db)
    r = web.post("/portal/registry/arrangements/new",
                 data={"rules": json.dumps(proposed), "preview": "yes", "csrf_token": token})
    assert r.status_code == 200 and 'id="preview"' in r.text, r.text[-2000:]
    assert "PREVIEW-CCC-1" in r.text and 'data-changed="0"' not in r.text
    assert _last_type(page_db) == before  # a preview writes nothing
    with page_db.read() as s:
        assert s.get(ArrangementRecord, "test-ccc-to-th") is None


def test_planning_estimates_recorded_in_the_workplace(web, page_db):
    """Scheme costs and lead times are registry data: an administrator records them with
    their source in a form, each change is logged, and the planner reads them."""
    from certpass.recognition import service as recognition
    from certpass.recognition.models import PlanningEstimate

    token = _admin(web, page_db)
    overview = web.get("/portal/registry").text
    assert 'id="estimates"' in overview and 'href="/portal/registry/new/estimate"' in overview
    form = web.get("/portal/registry/new/estimate").text
    assert '<textarea id="f-figures" name="figures"' in form
    assert '<option value="scheme"' in form and '<option value="condition"' in form
    figures = {"certificate_kind": "cb-test-certificate", "test_cost": 9000,
               "certificate_fee": 800, "test_days": 35, "certificate_days": 7}
    data = {"kind": "scheme", "code": "IECEE-CB", "figures": json.dumps(figures),
            "currency": "USD", "csrf_token": token}
    r = web.post("/portal/registry/new/estimate", data=data)  # no source: refused
    assert r.status_code == 422 and 'id="err-source"' in r.text
    r = web.post("/portal/registry/new/estimate", data={
        **data, "figures": json.dumps({**figures, "test_cost": -1}), "source": "a quote"})
    assert r.status_code == 422 and "at least 0" in r.text
    r = web.post("/portal/registry/new/estimate", data={
        **data, "source": "CQC fee schedule 2025", "reason": "first figures"})
    assert r.status_code == 303
    assert r.headers["location"] == "/portal/registry?done=IECEE-CB#estimates"
    assert _last_type(page_db) == "estimate.recorded"
    with page_db.read() as s:
        row = s.get(PlanningEstimate, ("scheme", "IECEE-CB"))
        assert row.source == "CQC fee schedule 2025" and row.updated_by
        assert recognition.catalogue(s).schemes["IECEE-CB"].test_cost == 9000
    page = web.get("/portal/registry?done=IECEE-CB").text
    assert 'id="estimate-saved"' in page and 'data-estimate="scheme:IECEE-CB"' in page
    # Recorded again from its own form, with new figures: replaced, logged again.
    edit = web.get("/portal/registry/estimates/scheme/IECEE-CB").text
    assert "CQC fee schedule 2025" in edit and "9000" in edit
    r = web.post("/portal/registry/new/estimate", data={
        **data, "figures": json.dumps({**figures, "test_cost": 9500}),
        "source": "CQC fee schedule 2026", "reason": "new schedule"})
    assert r.status_code == 303
    with page_db.read() as s:
        assert recognition.catalogue(s).schemes["IECEE-CB"].test_cost == 9500
        n = s.scalar(select(func.count()).select_from(LogEntry)
                     .where(LogEntry.event_type == "estimate.recorded"))
        assert n == 2
    assert web.get("/portal/registry/estimates/scheme/NO-SUCH").status_code == 404


def test_record_a_product_category(web, page_db):
    from certpass.registry.models import ProductCategory

    token = _admin(web, page_db)
    form = web.get("/portal/registry/new/category").text
    assert 'name="system"' in form and 'name="hs_codes"' in form
    data = {"code": "HS-8516.71", "system": "HS", "name_en": "Coffee or tea makers",
            "name_zh": "咖啡壶或茶壶", "hs_codes": "8516.71", "csrf_token": token}
    r = web.post("/portal/registry/new/category", data={**data, "system": "XX"})
    assert r.status_code == 422 and 'data-field="system"' in r.text
    r = web.post("/portal/registry/new/category", data=data)
    assert r.status_code == 303 and r.headers["location"] == "/portal/registry?done=category"
    assert 'id="done"' in web.get(r.headers["location"]).text
    assert _last_type(page_db) == "category.recorded"
    with page_db.read() as s:
        row = s.get(ProductCategory, "HS-8516.71")
        assert row.name_zh == "咖啡壶或茶壶" and row.hs_codes == ["8516.71"]
