"""Certificate numbers are unique per issuer: a body that takes another's number first (squats
it) does not stop that body, and nothing a verifier, a watcher or a reader is told about one
of the two certificates comes from the other."""

from __future__ import annotations

import datetime as dt
import hashlib
from urllib.parse import quote

import pytest

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.alerts.models import Delivery
from certpass.credentials import verifier
from certpass.credentials.trust import export_bundle
from certpass.credentials.trust_source import BundleTrust
from certpass.jcs import canonicalize
from tests.registry_fixture import request_data, second_ccc_body
from tests.web.conftest import bearer

NUMBER = "CN-SHARED-0001"
TODAY = dt.date.today()


@pytest.fixture
def two_issuers(app_db, tokens, client):
    """`squatter` issues NUMBER first; then cqc, whose numbering it is, issues it too."""
    with app_db.write() as s:
        second_ccc_body(s, "squatter", "Squatter Certification")
        accounts.add_user(s, "squat", "certification-body", "squatter", "correct horse battery",
                          OPERATOR)
        squat = accounts.create_token(s, "squat", "write", 30, "test", OPERATOR).token
    first = client.post("/api/certificates", headers=bearer(squat), json=request_data(
        NUMBER, issuer="squatter", issued_on=TODAY.isoformat()))
    assert first.status_code == 201, first.text
    own = client.post("/api/certificates", headers=bearer(tokens["cqc"]), json=request_data(
        NUMBER, issued_on=TODAY.isoformat()))
    assert own.status_code == 201, own.text  # a 409 while numbers were unique across issuers
    return {"squatter": squat, "cqc": tokens["cqc"]}


def _credential(client, issuer: str) -> bytes:
    """The registered (UNTP 0.6.1) form: the one whose hash the register and the QR hold."""
    got = client.get(f"/api/certificates/{NUMBER}/credential",
                     params={"issuer": issuer, "untp": "0.6.1"})
    assert got.status_code == 200
    return got.content


def _sha256(document: bytes) -> str:
    import json

    return hashlib.sha256(canonicalize(json.loads(document))).hexdigest()


def test_a_number_two_bodies_hold_is_ambiguous_without_the_issuer(client, two_issuers):
    bare = client.get(f"/api/certificates/{NUMBER}")
    assert bare.status_code == 409
    error = bare.json()["error"]
    assert error["code"] == "ambiguous-number"
    assert error["details"]["issuers"] == ["squatter", "cqc"]
    assert "?issuer=" in error["hint"]
    for body in ("cqc", "squatter"):
        one = client.get(f"/api/certificates/{NUMBER}", params={"issuer": body})
        assert one.status_code == 200 and one.json()["issuer"]["id"] == body
    assert client.get(f"/api/certificates/{NUMBER}", params={"issuer": "cnas"}
                      ).status_code == 404
    # Each credential's id names its issuer: the two are never one identifier.
    ids = {client.get(f"/api/certificates/{NUMBER}/credential", params={"issuer": b}
                      ).json()["id"] for b in ("cqc", "squatter")}
    assert len(ids) == 2 and all("issuer=" in i for i in ids)


def test_each_credential_verifies_against_its_own_issuer_s_register_entry(
        client, two_issuers, app_db):
    """cqc suspends its certificate: its credential verifies `suspended`, the squatter's
    stays `valid`, online and offline, and each is looked up by its own QR hash."""
    suspended = client.post(f"/api/certificates/{NUMBER}/suspend",
                            headers=bearer(two_issuers["cqc"]), json={"reason": "audit"})
    assert suspended.status_code == 200 and suspended.json()["issuer"]["id"] == "cqc"
    cqc, squatter = _credential(client, "cqc"), _credential(client, "squatter")
    verdicts = {name: client.post("/api/verify", content=doc,
                                  headers={"Content-Type": "application/json"}
                                  ).json()["verdict"]
                for name, doc in (("cqc", cqc), ("squatter", squatter))}
    assert verdicts == {"cqc": "suspended", "squatter": "valid"}
    # The number alone is ambiguous; the issuer or the QR code's hash says which.
    by_number = client.post("/api/verify", json={"number": NUMBER}).json()
    assert by_number["verdict"] == "ambiguous"
    assert by_number["certificate"]["issuers"] == ["squatter", "cqc"]
    assert client.post("/api/verify", json={"number": NUMBER, "issuer": "cqc"}
                       ).json()["verdict"] == "suspended"
    assert client.post("/api/verify", json={"number": NUMBER, "sha256": _sha256(squatter)}
                       ).json()["verdict"] == "valid"
    assert client.post("/api/verify", json={"number": NUMBER, "sha256": _sha256(cqc)}
                       ).json()["verdict"] == "suspended"
    # Offline: the bundle's signed register keeps one entry per issuer.
    with app_db.write() as s:
        trust = BundleTrust.from_dict(export_bundle(s, client.app.state.settings))
    assert [r.issuer for r in trust.registers(NUMBER)] == ["cqc", "squatter"]
    assert verifier.verify(cqc, trust).verdict == "suspended"
    assert verifier.verify(squatter, trust).verdict == "valid"


def test_pages_link_each_certificate_with_its_issuer(client, two_issuers):
    bare = client.get(f"/certificates/{NUMBER}", follow_redirects=False)
    assert bare.status_code == 303 and bare.headers["location"] == f"/certificates?q={NUMBER}"
    listing = client.get(bare.headers["location"]).text
    assert f'href="/certificates/{NUMBER}?issuer=cqc"' in listing
    assert f'href="/certificates/{NUMBER}?issuer=squatter"' in listing
    page = client.get(f"/certificates/{NUMBER}", params={"issuer": "squatter"})
    assert page.status_code == 200
    assert f"/api/certificates/{NUMBER}/passport.pdf?issuer=squatter" in page.text
    assert "issuer=cqc" not in page.text
    for link in (f"/api/certificates/{NUMBER}/passport.pdf?issuer=squatter",
                 f"/api/certificates/{NUMBER}/qr.png?issuer=squatter",
                 f"/feeds/certificates/{NUMBER}.atom?issuer=squatter",
                 f"/id/certificates/{NUMBER}?linkType=all&issuer=squatter"):
        assert client.get(link).status_code == 200, link
    assert client.get(f"/api/certificates/{NUMBER}/passport.pdf").status_code == 409
    verify = client.get("/verify", params={"number": NUMBER})
    assert 'data-verdict="ambiguous"' in verify.text
    assert f'href="/verify?number={NUMBER}&amp;issuer=cqc"' in verify.text
    assert "<bdi>Squatter Certification</bdi> (squatter)" in verify.text  # each names its body
    # The lookup's line says why, not "no certificate with this number" (it has two).
    assert "Several bodies have registered this number" in verify.text
    assert "No certificate with this number is registered here" not in verify.text


def test_the_resolver_tells_the_two_apart_by_the_qr_code_s_hash(client, two_issuers):
    squatter = _credential(client, "squatter")
    path = f"/id/certificates/{quote(NUMBER)}"
    assert client.get(path, params={"linkType": "all"}).status_code == 409
    found = client.get(path, params={"linkType": "all", "sha256": _sha256(squatter)})
    assert found.status_code == 200
    assert "issuer=squatter" in found.text and "issuer=cqc" not in found.text


def test_a_watch_names_the_issuer_and_hears_only_its_certificate(client, two_issuers, app_db,
                                                                  tokens):
    url = "https://alerts.example.org/hook"
    unsure = client.post("/api/subscriptions", headers=bearer(tokens["cnas"]),
                         json={"target_kind": "certificate", "target": NUMBER, "url": url})
    assert unsure.status_code == 409 and unsure.json()["error"]["code"] == "ambiguous-number"
    made = client.post("/api/subscriptions", headers=bearer(tokens["cnas"]),
                       json={"target_kind": "certificate", "target": NUMBER, "issuer": "cqc",
                             "url": url})
    assert made.status_code == 201, made.text
    assert made.json()["target_issuer"] == "cqc"
    assert client.post(f"/api/certificates/{NUMBER}/suspend", json={"reason": "audit"},
                       headers=bearer(two_issuers["squatter"])).status_code == 200
    with app_db.read() as s:
        from sqlalchemy import func, select

        assert s.scalar(select(func.count()).select_from(Delivery)) == 0
    assert client.post(f"/api/certificates/{NUMBER}/suspend", json={"reason": "audit"},
                       headers=bearer(two_issuers["cqc"])).status_code == 200
    with app_db.read() as s:
        assert s.scalar(select(func.count()).select_from(Delivery)) == 1
