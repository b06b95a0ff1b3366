"""The VC-API presentation verifier, POST /presentations/verify: embedded credentials, the
holder's authentication proof (did:key), challenge and domain, and refusals (never a 5xx)."""

from __future__ import annotations

import copy

from certpass.credentials import multikey, proofs
from tests.credentials.hostile import leaks
from tests.credentials.vc2_cases import GOOD, ISSUER
from tests.web.conftest import bearer

V2 = "https://www.w3.org/ns/credentials/v2"
CREATED = "2025-01-01T00:00:00Z"


def _issued(client, tokens) -> dict:
    r = client.post("/credentials/issue", headers=bearer(tokens["admin"]),
                    json={"credential": GOOD["minimal"](ISSUER),
                          "options": {"cryptosuite": "eddsa-jcs-2022"}})
    assert r.status_code == 201, r.text
    return r.json()["verifiableCredential"]


def _presentation(holder: str, credentials: list[dict]) -> dict:
    return {"@context": [V2], "type": ["VerifiablePresentation"], "holder": holder,
            "verifiableCredential": credentials}


def _verify(client, vp, **options):  # type: ignore[no-untyped-def]
    return client.post("/presentations/verify",
                       json={"verifiablePresentation": vp, "options": options})


def test_a_holder_signed_presentation_verifies_and_a_replay_does_not(client, tokens):
    key = multikey.Ed25519KeyPair.generate()
    holder = multikey.did_key(key.public_key)
    vp = proofs.sign(_presentation(holder, [_issued(client, tokens)]), key,
                     multikey.did_key_verification_method(key.public_key), proofs.RDFC,
                     CREATED, "authentication", challenge="c-123", domain="verifier.example")
    r = _verify(client, vp, challenge="c-123", domain="verifier.example")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verified"] is True and body["errors"] == []
    assert [c["verified"] for c in body["credentialResults"]] == [True]
    assert {"format", "proof", "credentials"} <= set(body["checks"])
    # Another challenge (a replay), another domain, or a presentation altered after signing.
    assert _verify(client, vp, challenge="c-999").status_code == 400
    assert _verify(client, vp, challenge="c-123", domain="other.example").status_code == 400
    altered = copy.deepcopy(vp)
    altered["holder"] = multikey.did_key(multikey.Ed25519KeyPair.generate().public_key)
    assert _verify(client, altered, challenge="c-123").status_code == 400


def test_an_altered_embedded_credential_fails_the_presentation(client, tokens):
    vc = _issued(client, tokens)
    vc["credentialSubject"]["alumniOf"] = "Another University"
    r = _verify(client, _presentation("did:example:holder", [vc]))
    assert r.status_code == 400
    body = r.json()
    assert body["verified"] is False
    assert body["credentialResults"][0]["verdict"] == "tampered"
    assert any("verifiableCredential[0]" in e for e in body["errors"])


def test_without_a_proof_only_when_no_challenge_is_asked(client, tokens):
    vp = _presentation("did:example:holder", [_issued(client, tokens)])
    r = _verify(client, vp)
    assert r.status_code == 200 and r.json()["verified"] is True, r.text
    assert _verify(client, vp, challenge="c-1").status_code == 400


def test_a_proof_by_someone_else_than_the_holder_is_refused(client, tokens):
    key, other = multikey.Ed25519KeyPair.generate(), multikey.Ed25519KeyPair.generate()
    vp = proofs.sign(_presentation(multikey.did_key(other.public_key), [_issued(client, tokens)]),
                     key, multikey.did_key_verification_method(key.public_key), proofs.JCS,
                     CREATED, "authentication")
    r = _verify(client, vp)
    assert r.status_code == 400 and r.json()["verified"] is False


def test_broken_and_hostile_presentations_are_400_never_500(client):
    for vp in ({"type": "VerifiablePresentation"},
               _presentation("not a url", []),
               dict(_presentation("did:example:h", []), type=["Other"]),
               _presentation("did:example:h", ["a string"]),
               dict(_presentation("did:example:h", []), **{"@context": [V2, {"@vocab": None}]}),
               dict(_presentation("did:example:h", []), proof={"type": "x"})):
        r = _verify(client, vp)
        assert r.status_code == 400, (vp, r.status_code, r.text)
        assert r.json()["verified"] is False and not leaks(r.text)
    for body in ({}, {"verifiablePresentation": "x"},
                 {"verifiablePresentation": {}, "options": {"challenge": 5}}):
        r = client.post("/presentations/verify", json=body)
        assert r.status_code == 400, (body, r.text)
