"""Issuance rules over HTTP and on the portal (issue 12): each refusal has its own code and
status, and the portal shows it in the reader's language."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient

from certpass.web.app import create_app
from tests.registry_fixture import request_data
from tests.web.conftest import bearer
from tests.web.pages.conftest import csrf_of, sign_in
from tests.web.pages.test_portal import GOOD

TODAY = dt.date.today()


@pytest.fixture
def strict(app_db, settings_for):
    """The app with the default back-dating windows (7 and 30 days)."""
    settings = settings_for(backdate_days=7, accreditation_backdate_days=30)
    with TestClient(create_app(settings, app_db), raise_server_exceptions=False,
                    follow_redirects=False) as c:
        yield c


def test_backdated_issue_is_403_with_its_code(strict, tokens):
    r = strict.post("/api/certificates", headers=bearer(tokens["cqc"]),
                    json=request_data(issued_on=(TODAY - dt.timedelta(days=30)).isoformat()))
    assert r.status_code == 403, r.text
    assert r.json()["error"]["code"] == "backdated"
    assert strict.get("/api/certificates/2024010701000001").status_code == 404


def test_validity_beyond_the_scheme_is_422_with_its_code(strict, tokens):
    r = strict.post("/api/certificates", headers=bearer(tokens["cqc"]),
                    json=request_data(issued_on=TODAY.isoformat(), valid_until="9999-12-31"))
    assert r.status_code == 422 and r.json()["error"]["code"] == "validity-too-long"


def test_dot_segments_in_a_number_are_422(strict, tokens):
    r = strict.post("/api/certificates", headers=bearer(tokens["cqc"]),
                    json=request_data("CN/../admin", issued_on=TODAY.isoformat()))
    assert r.status_code == 422 and "between slashes" in r.text


def test_accreditation_far_back_without_reason_is_422(strict, tokens):
    client = strict
    body = {"number": "CNAS-C900", "accreditor_id": "cnas", "body_id": "paused-cb",
            "standard": "ISO/IEC 17065", "scope": {"schemes": ["CCC"]},
            "valid_from": "2000-01-01", "valid_until": "2040-01-01"}
    r = client.post("/api/accreditations", json=body, headers=bearer(tokens["cnas"]))
    assert r.status_code == 422 and r.json()["error"]["code"] == "backdate-reason-needed"
    r = client.post("/api/accreditations", headers=bearer(tokens["cnas"]),
                    json={**body, "backdate_reason": "paper register since 2000"})
    assert r.status_code == 201, r.text


def test_the_portal_translates_a_backdating_refusal(page_db, settings_for):
    settings = settings_for(backdate_days=7)
    with TestClient(create_app(settings, page_db), raise_server_exceptions=False,
                    follow_redirects=False) as web:
        token = sign_in(web)
        web.get("/portal?lang=zh")
        r = web.post("/portal/issue", data={**GOOD, "csrf_token": token})
        assert r.status_code in (403, 422), r.text
        assert 'id="err-issued_on"' in r.text and "倒签" in r.text
        csrf_of(r.text)  # the form is shown again, ready to correct
