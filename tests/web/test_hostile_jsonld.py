"""No input to the VC-API issuer or the public verify endpoints gives a 5xx: hostile JSON-LD
contexts are a 4xx (issue) or the verdict `malformed` (verify), and no error body shows the
JSON-LD processor's internals."""

from __future__ import annotations

import pytest

from certpass.credentials.multikey import b58encode
from tests.credentials.hostile import HOSTILE, V2, credential, hostile, leaks
from tests.web.conftest import bearer

PLATFORM = "did:web:127.0.0.1%3A8000"
FAKE_PROOF = {"type": "DataIntegrityProof", "cryptosuite": "eddsa-rdfc-2022",
              "created": "2025-01-01T00:00:00Z", "verificationMethod": f"{PLATFORM}#key-1",
              "proofPurpose": "assertionMethod", "proofValue": "z" + b58encode(b"\x01" * 64)}


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_the_issuer_refuses_every_hostile_context(client, tokens, suite):
    for name in sorted(HOSTILE):
        r = client.post("/credentials/issue", headers=bearer(tokens["admin"]), json={
            "credential": hostile(name, PLATFORM), "options": {"cryptosuite": suite}})
        assert r.status_code in (400, 422), (name, r.status_code, r.text)
        assert not leaks(r.text), (name, r.text)
        assert r.json()["error"]["message"], name


def test_the_verify_endpoints_call_every_hostile_context_malformed(client, tokens):
    # A real key of the issuer, so that a verifier without safe mode reaches the signature
    # (and the RDF canonicalization) instead of stopping at an unknown key.
    r = client.post("/credentials/issue", headers=bearer(tokens["admin"]),
                    json={"credential": credential([V2], issuer=PLATFORM)})
    assert r.status_code == 201, r.text
    vm = r.json()["verifiableCredential"]["proof"]["verificationMethod"]
    for name in sorted(HOSTILE):
        for suite in ("eddsa-rdfc-2022", "eddsa-jcs-2022"):
            doc = hostile(name, PLATFORM)
            proof = FAKE_PROOF | {"cryptosuite": suite, "verificationMethod": vm}
            if suite == "eddsa-jcs-2022":
                proof["@context"] = doc["@context"]
            doc["proof"] = proof
            r = client.post("/api/verify", json=doc)
            assert r.status_code == 200, (name, r.status_code, r.text)
            assert r.json()["verdict"] == "malformed", (name, r.json()["checks"])
            assert not leaks(r.text), (name, r.text)
            r = client.post("/credentials/verify", json={"verifiableCredential": doc})
            assert r.status_code == 400, (name, r.status_code, r.text)
            body = r.json()
            assert body["verified"] is False and body["verdict"] == "malformed", (name, body)
            assert not leaks(r.text), (name, r.text)


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_the_issuer_refuses_a_value_that_expansion_drops(client, tokens, suite):
    """VC Data Integrity: JSON-LD processing that drops data is an error. {"@value": null}
    expands to nothing: refused (422, certpass's error shape), nothing signed."""
    for extra, where in (({"name": {"@value": None}}, "name"),
                         ({"credentialSubject": {"id": "did:example:s",
                                                 "name": ["Alice", {"@value": None}]}},
                          "name")):
        r = client.post("/credentials/issue", headers=bearer(tokens["admin"]), json={
            "credential": credential([V2], extra, issuer=PLATFORM),
            "options": {"cryptosuite": suite}})
        assert r.status_code == 422, (extra, r.status_code, r.text)
        error = r.json()["error"]
        assert set(error) >= {"code", "message", "hint", "details"}
        assert error["code"] == "invalid-jsonld", error
        assert f"{where}: a value object whose @value is null" in error["message"], error
        assert "proof" not in r.text and not leaks(r.text)
