"""The VC-API presentation verifier, POST /presentations/verify: embedded credentials, the
holder's authentication proof (did:key), challenge and domain, enveloped presentations and
credentials (VC-JOSE), holders certpass cannot resolve, and refusals (never a 5xx)."""

from __future__ import annotations

import copy

from certpass.credentials import jose, multikey, proofs
from tests.credentials.hostile import leaks
from tests.credentials.vc2_cases import GOOD, ISSUER
from tests.registry_fixture import request_data
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


NUMBER = "2024010701000001"


def _registered_jwt(client, tokens) -> str:
    """The VC-JOSE form of a certificate the register issued (its own JWT download)."""
    r = client.post("/api/certificates", json=request_data(NUMBER),
                    headers=bearer(tokens["cqc"]))
    assert r.status_code == 201, r.text
    jwt = client.get(f"/api/certificates/{NUMBER}/credential.jwt")
    assert jwt.status_code == 200
    return jwt.text


def _enveloped_vp(key, vp: dict) -> dict:
    token = jose.sign(vp, key, multikey.did_key_verification_method(key.public_key),
                      typ=jose.VP_TYP, cty=jose.VP_CTY)
    return jose.envelope_presentation(token)


def test_an_enveloped_presentation_with_an_enveloped_credential_verifies(client, tokens):
    key = multikey.Ed25519KeyPair.generate()
    credentials = [jose.envelope(_registered_jwt(client, tokens)), _issued(client, tokens)]
    vp = _presentation(multikey.did_key(key.public_key), credentials)
    r = _verify(client, _enveloped_vp(key, vp | {"nonce": "n-1", "aud": "verifier.example"}),
                challenge="n-1", domain="verifier.example")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["verified"] is True and body["errors"] == []
    assert [c["verdict"] for c in body["credentialResults"]] == ["valid", "valid"]
    assert {"format", "proof", "credentials"} <= set(body["checks"])
    # The same presentation secured with Data Integrity instead: the enveloped credential
    # inside is verified the same way.
    signed = proofs.sign(vp, key, multikey.did_key_verification_method(key.public_key),
                         proofs.RDFC, CREATED, "authentication")
    r = _verify(client, signed)
    assert r.status_code == 200 and r.json()["credentialResults"][0]["verdict"] == "valid"
    # Replayed elsewhere: another challenge is refused.
    r = _verify(client, _enveloped_vp(key, vp | {"nonce": "n-1"}), challenge="n-2")
    assert r.status_code == 400 and "nonce" in " ".join(r.json()["errors"])


def test_broken_and_hostile_enveloped_presentations_are_400_never_500(client):
    key = multikey.Ed25519KeyPair.generate()
    good = _enveloped_vp(key, _presentation(multikey.did_key(key.public_key), []))
    head, payload, signature = good["id"].removeprefix(jose.VP_ENVELOPE_PREFIX).split(".")
    env = "EnvelopedVerifiablePresentation"
    for vp in ({"@context": V2, "type": env},
               {"@context": V2, "type": env, "id": 7},
               {"@context": V2, "type": env, "id": "data:application/vp+sd-jwt,a~b~"},
               {"@context": V2, "type": env, "id": "data:application/vp+cose,AAAA"},
               {"@context": V2, "type": env, "id": jose.VP_ENVELOPE_PREFIX},
               {"@context": V2, "type": env, "id": jose.VP_ENVELOPE_PREFIX + "a.b"},
               {"@context": V2, "type": env, "id": jose.VP_ENVELOPE_PREFIX + "\u0000.\u00ff.x"},
               {"@context": V2, "type": env, "id": f"{jose.VP_ENVELOPE_PREFIX}{head}.{payload}."},
               {"@context": V2, "type": env,  # another signature (its first 6 bits)
                "id": f"{jose.VP_ENVELOPE_PREFIX}{head}.{payload}."
                      f"{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"},
               {"@context": V2, "type": env, "id": jose.VP_ENVELOPE_PREFIX + ".".join(
                   [head, jose.b64url_encode(b'{"@context": 5}'), signature])},
               dict(good, extra="x"),
               dict(good, **{"@context": [V2, {"@vocab": None}]})):
        r = _verify(client, vp)
        assert r.status_code == 400, (vp, r.status_code, r.text)
        body = r.json()
        assert "error" in body or (body["verified"] is False and body["errors"]), (vp, body)
        assert not leaks(r.text), r.text


def test_a_did_web_holder_certpass_cannot_resolve_is_answered_so(client, tokens):
    holder = "did:web:wallet.example"
    key = multikey.Ed25519KeyPair.generate()
    vp = proofs.sign(_presentation(holder, [_issued(client, tokens)]), key,
                     f"{holder}#key-1", proofs.JCS, CREATED, "authentication")
    r = _verify(client, vp)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["verified"] is False
    assert body["errors"][0].startswith("proof: the holder's signature cannot be checked: "
                                        f"holder {holder} is unknown"), body["errors"]
    assert body["credentialResults"][0]["verified"] is True  # still checked, on its own


def test_options_checks_can_require_the_holder_s_signature(client, tokens):
    """An unsigned presentation verifies (its holder is not authenticated) unless
    options.checks requires "proof"; "credentials" requires a credential that verifies."""
    vp = _presentation("did:example:holder", [_issued(client, tokens)])
    assert _verify(client, vp).status_code == 200
    r = _verify(client, vp, checks=["proof"])
    assert r.status_code == 400 and r.json()["verified"] is False
    assert r.json()["errors"][0].startswith("proof: required by options.checks, but not "
                                            "performed (the presentation carries no proof")
    assert _verify(client, vp, checks=["format", "credentials"]).status_code == 200
    empty = _verify(client, _presentation("did:example:holder", []), checks=["credentials"])
    assert empty.status_code == 400
    assert empty.json()["errors"] == ["credentials: required by options.checks, but not "
                                      "performed"]
    r = _verify(client, vp, checks=["status"])
    assert r.status_code == 400 and "certpass runs no check 'status'" in r.json()["errors"][0]
