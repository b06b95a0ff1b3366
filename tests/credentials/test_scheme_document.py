"""Each scheme's UNTP 0.7.0 conformity-scheme document: valid against the bundled cvc schema,
safe JSON-LD, and what every credential's referenceScheme, referenceProfile and criteria ids
resolve to (scheme_document.py)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.certificates.models import Certificate
from certpass.credentials import dcc070, jsonld_safe, schemas, scheme_document
from certpass.credentials.documents import bundled_file
from certpass.credentials.models import IssuedCredential
from certpass.registry import reads
from certpass.store.database import Database
from certpass.web.app import create_app
from tests.conftest import sqlite_copy
from tests.registry_fixture import SETTINGS, ctx, request, seed

# manifest.json of the UNTP test harness: sha256 of the compact JSON form (see SOURCE)
CVC_SHA256 = "ff5f7705d3a882adc3581dc0cff93c50b7f7d5a328540403eac3835135489cc1"


def _criteria(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    [profile] = doc["includedProfile"]
    return {c["id"]: c for c in profile["criterion"]}


def test_the_bundled_cvc_schema_is_the_manifests():
    compact = json.dumps(bundled_file("untp-cvc-0.7.0.schema.json"), separators=(",", ":"),
                         ensure_ascii=False)
    assert hashlib.sha256(compact.encode()).hexdigest() == CVC_SHA256


# --- the demo ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo(demo_file, tmp_path_factory) -> Iterator[tuple[Database, dict[str, dict[str, Any]]]]:
    """The demo database and the document of each of its schemes."""
    db = sqlite_copy(demo_file, tmp_path_factory.mktemp("scheme-documents"))
    with db.read() as s:
        docs = {row.code: scheme_document.for_scheme(s, SETTINGS, row.code)
                for row in reads.rows(s, reads.schemes_query())}
    yield db, docs
    db.dispose()


def test_every_demo_scheme_document_is_valid_and_safe_json_ld(demo):
    _, docs = demo
    assert {"CCC", "CCC-Ex", "IECEE-CB", "IECEx", "GBA"} <= set(docs)
    for code, doc in docs.items():
        assert schemas.validate_scheme_document(doc) == [], code
        jsonld_safe.check(doc, f"the conformity scheme {code}")
        [profile] = doc["includedProfile"]
        aligned = {a["standard"]["id"] for a in profile["standardAlignment"]}
        # each criterion is one standard edition's requirements, that edition aligned
        assert {c.removesuffix("#requirements") for c in _criteria(doc)} == aligned, code


def test_demo_documents_say_what_the_registry_says(demo):
    _, docs = demo
    levels = {code: doc["endorsementLevel"] for code, doc in docs.items()}
    assert levels["CCC"] == levels["CCC-Ex"] == levels["GBA"] == "endorsed_mandate"
    assert levels["IECEE-CB"] == levels["IECEx"] == levels["TH-EEE"] == "endorsed_self"
    assert [g["code"] for g in docs["GBA"]["geographicScope"]] == ["CN", "HK", "MO"]
    assert len(docs["ATEX"]["geographicScope"]) == 27  # the EU as its members
    assert "geographicScope" not in docs["IECEE-CB"]
    assert docs["CCC"]["owner"]["id"] == "did:web:127.0.0.1%3A8000:bodies:cnca"
    assert docs["CCC"]["documentation"] == "https://www.cnca.gov.cn"
    assert "regulatoryAlignment" not in docs["IECEx"]["includedProfile"][0]
    cb = _criteria(docs["IECEE-CB"])
    old, new = ("urn:certpass:standard:IEC%2060335-1%3A" + e + "#requirements"
                for e in ("2001", "2020"))
    assert (cb[old]["status"], cb[new]["status"]) == ("deprecated", "active")
    assert cb[new]["version"] == "2020"


def test_every_demo_credential_resolves_in_its_scheme_document(demo):
    db, docs = demo
    problems: list[str] = []
    count = 0
    with db.read() as s:
        rows = s.execute(select(IssuedCredential, Certificate.scheme_code).join(
            Certificate, Certificate.id == IssuedCredential.certificate_id)
            .order_by(IssuedCredential.id))
        for row, code in rows:
            unsigned = row.signed_document()
            unsigned.pop("proof")
            subject = dcc070.from_061(unsigned)["credentialSubject"]
            doc, count = docs[code], count + 1
            [profile] = doc["includedProfile"]
            criteria = _criteria(doc)
            aligned = {a["standard"]["id"] for a in profile["standardAlignment"]}
            scheme = subject["referenceScheme"]
            if not (doc["id"] == scheme["id"] == unsigned["credentialSubject"]["scope"]["id"]
                    and doc["owner"] == scheme["owner"] and doc["name"] == scheme["name"]):
                problems.append(f"{row.id}: scheme {scheme['id']} is not {doc['id']}")
            if subject["referenceProfile"]["id"] != profile["id"]:
                problems.append(f"{row.id}: profile {subject['referenceProfile']['id']}")
            for a in subject["conformityAssessment"]:
                for c in a["assessmentCriteria"]:
                    found = criteria.get(c["id"])
                    if found is None or found["name"] != c["name"] \
                            or found["conformityTopic"] != a["conformityTopic"]:
                        problems.append(f"{row.id}: criterion {c['id']} not in {code}'s")
                if {std["id"] for std in a["referenceStandard"]} - aligned:
                    problems.append(f"{row.id}: standard not aligned in {code}'s profile")
    assert count > 100
    assert problems[:5] == []


# --- over HTTP --------------------------------------------------------------------------------


@pytest.fixture
def client(db: Database) -> Iterator[TestClient]:
    """The seeded registry with one CCC certificate, served."""
    seed(db)
    with db.write() as s:
        certificates.issue(ctx(s), request(), OPERATOR)
    with TestClient(create_app(SETTINGS, db), raise_server_exceptions=False) as c:
        yield c


def test_the_route_serves_the_document_as_json_ld(client, db):
    r = client.get("/api/schemes/CCC/conformity-scheme")
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == "application/ld+json"
    with db.read() as s:
        assert r.json() == scheme_document.for_scheme(s, SETTINGS, "CCC")
    doc = r.json()
    base = SETTINGS.base_url.rstrip("/")
    assert doc["id"] == f"{base}/api/schemes/CCC"
    assert doc["documentation"] == f"{base}/schemes/CCC"  # the seeded scheme has no website
    assert doc["owner"] == {"type": ["Party"], "id": doc["id"],
                            "name": "China Compulsory Certification owner"}
    assert doc["endorsementLevel"] == "endorsed_self"  # no regulation is seeded
    assert doc["geographicScope"] == [{"code": "CN", "name": "China",
                                       "schemeId": scheme_document.ISO_3166[0],
                                       "schemeName": scheme_document.ISO_3166[1]}]
    assert schemas.validate_scheme_document(doc) == []
    jsonld_safe.check(doc, "the served conformity scheme")
    # the certificate's 0.7.0 credential, as downloaded, points into the served document
    c = client.get("/api/certificates/2024010701000001/credential?untp=0.7.0").json()
    subject = c["credentialSubject"]
    assert subject["referenceScheme"]["id"] == doc["id"]
    assert subject["referenceProfile"]["id"] == doc["includedProfile"][0]["id"]
    assert [x["id"] for a in subject["conformityAssessment"] for x in a["assessmentCriteria"]] \
        == ["urn:certpass:standard:GB%204706.1-2005#requirements"]
    assert set(_criteria(doc)) == {"urn:certpass:standard:GB%204706.1-2005#requirements"}
    # The scheme's id (its registry record) names the document in a Link header.
    record = client.get("/api/schemes/CCC")
    assert record.headers["link"] == ('</api/schemes/CCC/conformity-scheme>; rel="alternate"; '
                                      'type="application/ld+json"')


def test_an_unknown_scheme_is_404_in_the_error_shape(client):
    r = client.get("/api/schemes/NO-SUCH/conformity-scheme")
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not-found"
    assert "NO-SUCH" in r.json()["error"]["message"]


def test_the_page_links_the_document(client):
    r = client.get("/schemes/CCC")
    assert r.status_code == 200
    assert 'href="/api/schemes/CCC/conformity-scheme"' in r.text


def test_the_route_is_documented_as_served(client):
    responses = client.get("/openapi.json").json()["paths"][
        "/api/schemes/{code}/conformity-scheme"]["get"]["responses"]
    assert list(responses["200"]["content"]) == ["application/ld+json"]
    assert responses["404"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/ErrorResponse")
