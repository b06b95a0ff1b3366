"""The verification front ends over HTTP: POST /api/verify (every accepted shape, the verdict
JSON, recognition with ?market=), the VC-API POST /credentials/verify, and a body's signed
accreditations. Certificates come from the real certificate service."""

from __future__ import annotations

import copy

import pytest

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.certificates.schemas import TransitionRequest
from certpass.credentials import service as credentials
from certpass.credentials.trust import LiveTrust
from certpass.credentials.verifier import CHECKS, MESSAGES
from certpass.ledger import service as ledger
from tests.credentials.vc2_cases import GOOD, ISSUER
from tests.registry_fixture import SETTINGS, ctx, request
from tests.web.conftest import bearer

VALID, REVOKED, SUSPENDED = "2024010701000001", "2024010701000002", "2024010701000003"
CHECK_KEYS = {"name", "ok", "detail"}


@pytest.fixture
def issued(app_db) -> dict[str, dict]:
    """Three certificates (one withdrawn, one suspended), under a signed checkpoint; returns
    each one's stored credential record: {"document", "jwt", "receipt", "entry"}."""
    with app_db.write() as s:
        for number in (VALID, REVOKED, SUSPENDED):
            certificates.issue(ctx(s), request(number), OPERATOR)
    with app_db.write() as s:
        certificates.transition(ctx(s), REVOKED, "withdraw", TransitionRequest(reason="fraud"),
                                OPERATOR)
        certificates.transition(ctx(s), SUSPENDED, "suspend", TransitionRequest(reason="audit"),
                                OPERATOR)
        ledger.checkpoint_now(s, SETTINGS)
    out = {}
    with app_db.read() as s:
        trust = LiveTrust(s, SETTINGS)
        for number in (VALID, REVOKED, SUSPENDED):
            record = trust.credential(number, "cqc")
            row = credentials.stored(s, certificates.get(s, number))
            out[number] = {"document": record.document, "jwt": credentials.jwt(SETTINGS, row),
                           "receipt": record.receipt, "entry": record.log_entry.decode()}
    return out


def _shape(body: dict) -> dict:
    """Asserts the documented verdict JSON; returns the checks by name."""
    assert set(body) >= {"verdict", "message", "checks", "certificate"}, body
    assert body["message"] == MESSAGES[body["verdict"]]
    assert all(set(c) == CHECK_KEYS for c in body["checks"]), body["checks"]
    assert all(isinstance(c["detail"], str) and c["ok"] in (True, False, None)
               for c in body["checks"])
    return {c["name"]: c for c in body["checks"]}


def test_every_accepted_shape_verifies_valid(client, issued):
    record = issued[VALID]
    shapes = {
        "credential": record["document"],
        "jwt": {"jwt": record["jwt"]},
        "number": {"number": VALID},
        "receipt": {"credential": record["document"], "receipt": record["receipt"]},
        "receipt+entry": {"credential": record["document"], "receipt": record["receipt"],
                          "entry": record["entry"]},
    }
    for name, payload in shapes.items():
        r = client.post("/api/verify", json=payload)
        assert r.status_code == 200, (name, r.text)
        body = r.json()
        checks = _shape(body)
        assert body["verdict"] == "valid", (name, body)
        assert set(CHECKS) <= set(checks)
        assert all(checks[c]["ok"] is True for c in CHECKS if c != "log"), (name, checks)
        cert = body["certificate"]
        assert cert["number"] == VALID and cert["status"] == "valid"
        assert cert["issuer"]["id"].endswith(":bodies:cqc")
        assert cert["holder"]["name"] == "Ningbo Example Appliance Co., Ltd."
        assert [p["model"] for p in cert["products"]] == ["EK-17", "EK-18"]
        if name == "number":  # looked up, then verified with its stored receipt and entry
            assert checks["lookup"]["ok"] is True and checks["log"]["ok"] is True
        if name == "jwt":
            assert "VC-JOSE" in checks["integrity"]["detail"]
        if name == "receipt+entry":
            assert checks["log"]["ok"] is True and "entry" in checks["log"]["detail"]


def test_not_found_revoked_suspended_and_tampered_say_different_things(client, issued):
    tampered = copy.deepcopy(issued[VALID]["document"])
    tampered["credentialSubject"]["issuedToParty"]["name"] = "Someone Else Ltd"
    bodies = {
        "not-found": client.post("/api/verify", json={"number": "NOPE-404"}).json(),
        "revoked": client.post("/api/verify", json={"number": REVOKED}).json(),
        "suspended": client.post("/api/verify", json=issued[SUSPENDED]["document"]).json(),
        "tampered": client.post("/api/verify", json=tampered).json(),
    }
    for verdict, body in bodies.items():
        checks = _shape(body)
        assert body["verdict"] == verdict, body
        failed = [c for c in checks.values() if c["ok"] is False]
        assert failed and all(c["detail"] for c in failed), body
    assert len({b["message"] for b in bodies.values()}) == len(bodies)
    assert bodies["not-found"]["certificate"] == {"number": "NOPE-404", "status": None}
    assert bodies["revoked"]["certificate"]["status"] == "revoked"
    assert "revocation bit" in next(c["detail"] for c in bodies["revoked"]["checks"]
                                    if c["name"] == "status")
    assert next(c for c in bodies["tampered"]["checks"] if c["name"] == "integrity")["ok"] \
        is False


def test_a_tampered_receipt_is_tampered(client, issued):
    record = issued[VALID]
    other = issued[REVOKED]
    r = client.post("/api/verify", json={"credential": record["document"],
                                         "receipt": other["receipt"], "entry": other["entry"]})
    body = r.json()
    assert r.status_code == 200 and body["verdict"] == "tampered"
    assert _shape(body)["log"]["ok"] is False


@pytest.mark.parametrize("payload", [[], "text", 42, {}, {"number": 5}, {"number": ""},
                                     {"number": "x" * 81}, {"jwt": 7}, {"jwt": None}])
def test_malformed_requests_are_4xx_with_a_message(client, payload):
    r = client.post("/api/verify", json=payload)
    assert 400 <= r.status_code < 500, r.text
    assert r.json()["error"]["message"]


def test_a_well_formed_request_that_is_no_credential_is_a_malformed_verdict(client):
    for payload in ({"hello": "world"}, {"jwt": "not.a.jwt"},
                    {"credential": {"@context": ["https://example.org"]}}):
        r = client.post("/api/verify", json=payload)
        assert r.status_code == 200 and r.json()["verdict"] == "malformed", (payload, r.text)
    r = client.post("/api/verify", content=b"{broken", headers={"content-type":
                                                                 "application/json"})
    assert 400 <= r.status_code < 500


def test_market_adds_the_recognition_decision(client, issued):
    record = issued[VALID]
    r = client.post("/api/verify?market=CN&on=2024-06-01", json=record["document"])
    body = r.json()
    assert r.status_code == 200 and body["verdict"] == "valid"
    decision = body["recognition"]
    assert decision["market"] == "CN" and decision["date"] == "2024-06-01"
    assert decision["decision"] == "recognised" and decision["decision_label"]["zh"]
    assert decision["certificate"] == VALID
    r = client.post("/api/verify?market=nz", json={"number": VALID})
    decision = r.json()["recognition"]
    assert decision["market"] == "NZ" and decision["decision"] == "not-recognised"
    assert [x["code"] for x in decision["reasons"]] == ["no-arrangement"]
    assert decision["reasons"][0]["text_en"] and decision["reasons"][0]["text_zh"]
    assert "recognition" not in client.post("/api/verify", json={"number": VALID}).json()


def test_market_decides_nothing_for_a_credential_that_did_not_verify(client, issued):
    body = client.post("/api/verify?market=CN", json={"number": REVOKED}).json()
    assert body["verdict"] == "revoked"
    assert body["recognition"]["decision"] is None
    assert "did not verify (revoked)" in body["recognition"]["skipped"]


def test_an_unknown_market_is_refused(client, issued):
    r = client.post("/api/verify?market=ZZ", json={"number": VALID})
    assert r.status_code == 422 and "unknown market" in r.json()["error"]["message"]


# --- VC-API ---------------------------------------------------------------------------------


def test_vc_api_verify(client, issued):
    r = client.post("/credentials/verify",
                    json={"verifiableCredential": issued[VALID]["document"], "options": {}})
    body = r.json()
    assert r.status_code == 200 and body["verified"] is True and body["errors"] == []
    assert {"format", "integrity", "issuer", "status"} <= set(body["checks"])
    assert body["verdict"] == "valid" and all(set(c) == CHECK_KEYS for c in body["results"])

    r = client.post("/credentials/verify",
                    json={"verifiableCredential": issued[REVOKED]["document"]})
    body = r.json()
    assert r.status_code == 400 and body["verified"] is False and body["verdict"] == "revoked"
    assert any(e.startswith("status:") for e in body["errors"])

    tampered = copy.deepcopy(issued[VALID]["document"])
    tampered["validUntil"] = "2099-01-01T00:00:00Z"
    r = client.post("/credentials/verify", json={"verifiableCredential": tampered})
    assert r.status_code == 400 and r.json()["verdict"] == "tampered"

    for bad in ({}, {"verifiableCredential": "x"}, [],
                {"verifiableCredential": issued[VALID]["document"], "options": "x"}):
        r = client.post("/credentials/verify", json=bad)
        assert r.status_code == 400 and r.json()["verified"] is False and r.json()["errors"]


def test_vc_api_options_checks_require_checks_and_never_skip_one(client, issued, tokens):
    """options.checks names checks that must also have been performed and passed: every
    check runs whatever it asks (a revoked credential is not verified when only "proof" is
    asked for); one not performed (no register entry) is an error; unknown names are
    refused with the names certpass runs."""
    doc = issued[VALID]["document"]

    def ask(document, checks):  # type: ignore[no-untyped-def]
        return client.post("/credentials/verify", json={"verifiableCredential": document,
                                                        "options": {"checks": checks}})
    r = client.post("/credentials/verify", json={"verifiableCredential": doc, "options": None})
    assert r.status_code == 200, r.text  # null options are the defaults, as absent ones
    r = ask(doc, ["proof", "credentialStatus", "expiration", "issuer"])
    assert r.status_code == 200 and r.json()["verified"] is True, r.text
    r = ask(issued[REVOKED]["document"], ["proof"])
    assert r.status_code == 400 and r.json()["verdict"] == "revoked"
    # A credential that is no certificate's (VC-API issued) has no register entry to check.
    plain = client.post("/credentials/issue", headers=bearer(tokens["admin"]), json={
        "credential": GOOD["minimal"](ISSUER)}).json()["verifiableCredential"]
    assert ask(plain, []).status_code == 200
    r = ask(plain, ["proof", "register"])
    assert r.status_code == 400 and r.json()["verified"] is False
    assert r.json()["errors"] == [next(
        f"register: required by options.checks, but not performed ({c['detail']})"
        for c in r.json()["results"] if c["name"] == "register")]
    for bad, said in ((["bogus"], "certpass runs no check 'bogus'"),
                      ("proof", "options.checks: Input should be a valid list"),
                      ([1], "options.checks.0: Input should be a valid string")):
        r = ask(doc, bad)
        assert r.status_code == 400 and said in r.json()["errors"][0], r.text


# --- accreditations -------------------------------------------------------------------------


def _prepare(app_db) -> None:
    """The accreditation bodies' keys, as a grant through the web or API makes them."""
    from certpass.credentials import bundle
    from tests.registry_fixture import SETTINGS

    with app_db.write() as s:
        bundle.prepare(s, SETTINGS)


def test_body_accreditations_are_signed_by_the_accreditation_body(client, issued, app_db):
    _prepare(app_db)
    r = client.get("/bodies/cqc/accreditations.json", params={"untp": "0.6.1"})
    assert r.status_code == 200, r.text
    [dia] = r.json()
    assert dia["type"] == ["VerifiableCredential", "DigitalIdentityAnchor"]
    assert dia["issuer"]["id"].endswith(":bodies:cnas")
    assert dia["credentialSubject"]["id"].endswith(":bodies:cqc")
    assert dia["credentialSubject"]["registeredId"] == "CNAS-C001"
    verified = client.post("/api/verify", json=dia).json()
    assert verified["verdict"] == "valid", verified
    # UNTP 0.7.0 by default: the same accreditation, registerType accreditation, as valid.
    [dia070] = client.get("/bodies/cqc/accreditations.json").json()
    assert dia070["credentialSubject"]["registerType"] == "accreditation"
    assert dia070["credentialSubject"]["registeredId"] == "CNAS-C001"
    assert dia070["proof"]["verificationMethod"] == dia["proof"]["verificationMethod"]
    assert client.post("/api/verify", json=dia070).json()["verdict"] == "valid"
    assert client.get("/bodies/cqc-lab/accreditations.json").json() == []
    # (Under /bodies/ errors are rendered as HTML pages, even for the .json documents.)
    missing = client.get("/bodies/nobody/accreditations.json")
    assert missing.status_code == 404 and "nobody" in missing.text


def test_number_with_the_qr_hash(client, issued, app_db):
    with app_db.read() as s:
        digest = credentials.stored(s, certificates.get(s, VALID)).sha256
    r = client.post("/api/verify", json={"number": VALID, "sha256": digest})
    assert r.status_code == 200 and r.json()["verdict"] == "valid"
    body = client.post("/api/verify", json={"number": VALID, "sha256": "0" * 64}).json()
    assert body["verdict"] == "no-match" and _shape(body)["lookup"]["ok"] is False
    for bad in ("xyz", 5, "0" * 63):
        r = client.post("/api/verify", json={"number": VALID, "sha256": bad})
        assert r.status_code == 422 and "64 hexadecimal" in r.json()["error"]["message"]


def test_accreditations_json_is_a_read(client, app_db):
    from certpass.ledger import service as ledger

    _prepare(app_db)
    with app_db.read() as s:
        before = ledger.tree_size(s)
    assert client.get("/bodies/cqc/accreditations.json").status_code == 200
    with app_db.read() as s:
        assert ledger.tree_size(s) == before  # a GET appended nothing (no key was made)


def test_an_accreditor_without_a_key_is_a_409_not_a_write(client, app_db):
    import datetime as dt

    from certpass.accounts.actor import OPERATOR
    from certpass.ledger import service as ledger
    from certpass.registry import service as registry
    from certpass.registry.schemas import AccreditationIn, BodyIn

    with app_db.write() as s:  # behind the web's back: no key for the new accreditor
        registry.add_body(s, BodyIn(id="new-ab", name_en="New AB", economy_code="CN",
                                    roles=["accreditation-body"]), OPERATOR)
        registry.accredit(s, AccreditationIn(
            number="NEW-1", accreditor_id="new-ab", body_id="cqc", standard="ISO/IEC 17065",
            scope={"schemes": ["CCC"]}, valid_from=dt.date(2024, 1, 1),
            valid_until=dt.date(2030, 1, 1), backdate_reason="test: on record"), OPERATOR)
        before = ledger.tree_size(s)
    r = client.get("/bodies/cqc/accreditations.json")
    assert r.status_code == 409 and "trust prepare" in r.text
    with app_db.read() as s:
        assert ledger.tree_size(s) == before
