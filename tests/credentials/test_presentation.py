"""The presentation verifier (credentials/presentation.py) with real keys: enveloped
presentations (VC-JOSE vp+jwt, EnvelopedVerifiableCredential inside a presentation) and
holders certpass cannot resolve (did:web: it never goes to the network)."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from certpass.credentials import jose, multikey, proofs
from certpass.credentials.presentation import verify_presentation
from tests.credentials.test_verifier_world import World

V2 = "https://www.w3.org/ns/credentials/v2"
WORLD = World()
TRUST = WORLD.trust()
HOLDER_KEY = multikey.Ed25519KeyPair(b"\x07" * 32)
HOLDER = multikey.did_key(HOLDER_KEY.public_key)
HOLDER_VM = multikey.did_key_verification_method(HOLDER_KEY.public_key)
CREATED = "2025-01-01T00:00:00Z"


def unsigned_vp(holder: str | None = HOLDER, credentials: list[Any] | None = None,
                **claims: Any) -> dict[str, Any]:
    vp: dict[str, Any] = {"@context": [V2], "type": ["VerifiablePresentation"],
                          "verifiableCredential": credentials if credentials is not None
                          else [jose.envelope(WORLD.jwt()), WORLD.credential()]}
    if holder is not None:
        vp["holder"] = holder
    return vp | claims


def enveloped(vp: dict[str, Any], key: multikey.Ed25519KeyPair = HOLDER_KEY,
              vm: str = HOLDER_VM, typ: str = jose.VP_TYP) -> dict[str, Any]:
    return jose.envelope_presentation(jose.sign(vp, key, vm, typ=typ, cty=jose.VP_CTY))


def check(result: Any, name: str) -> Any:
    return next(c for c in result.checks if c.name == name)


def test_an_enveloped_presentation_is_verified_holder_and_credentials() -> None:
    result = verify_presentation(enveloped(unsigned_vp()), TRUST)
    assert result.verified, result.to_json()
    assert check(result, "proof").ok is True
    assert HOLDER_VM in check(result, "proof").detail
    # The enveloped credential (VC-JOSE) and the embedded one, each by the credential verifier.
    assert [r.verdict for r in result.credentials] == ["valid", "valid"]
    assert "credentials" in result.to_json()["checks"]


def test_an_altered_enveloped_presentation_is_not_verified() -> None:
    token = jose.sign(unsigned_vp(), HOLDER_KEY, HOLDER_VM, typ=jose.VP_TYP, cty=jose.VP_CTY)
    header, _, signature = token.split(".")
    other = jose.b64url_encode(jose.canonicalize(unsigned_vp(credentials=[])))
    result = verify_presentation(jose.envelope_presentation(f"{header}.{other}.{signature}"),
                                 TRUST)
    assert not result.verified
    assert check(result, "proof").ok is False
    assert "altered" in check(result, "proof").detail


def test_an_enveloped_presentation_signed_by_another_than_the_holder_is_refused() -> None:
    other = multikey.Ed25519KeyPair(b"\x08" * 32)
    result = verify_presentation(enveloped(
        unsigned_vp(), other, multikey.did_key_verification_method(other.public_key)), TRUST)
    assert not result.verified
    assert "not of the holder" in check(result, "proof").detail


def test_an_enveloped_presentation_with_a_failing_credential_is_not_verified() -> None:
    tampered = WORLD.credential()
    tampered["credentialSubject"]["issuedToParty"]["name"] = "Someone Else Ltd"
    result = verify_presentation(enveloped(unsigned_vp(credentials=[tampered])), TRUST)
    assert check(result, "proof").ok is True
    assert not result.verified
    assert [r.verdict for r in result.credentials] == ["tampered"]
    assert any(e.startswith("verifiableCredential[0]") for e in result.errors)


def test_challenge_and_domain_are_the_payload_nonce_and_aud() -> None:
    vp = enveloped(unsigned_vp(nonce="c-1", aud=["verifier.example", "other.example"]))
    assert verify_presentation(vp, TRUST, challenge="c-1", domain="verifier.example").verified
    for challenge, domain, why in (("c-2", None, "nonce"), ("c-1", "elsewhere.example", "aud")):
        result = verify_presentation(vp, TRUST, challenge=challenge, domain=domain)
        assert not result.verified and why in check(result, "proof").detail
    # A presentation without a nonce cannot answer a challenge.
    result = verify_presentation(enveloped(unsigned_vp()), TRUST, challenge="c-1")
    assert not result.verified


def test_exp_and_nbf_of_an_enveloped_presentation_hold_now() -> None:
    now = int(dt.datetime.now(dt.UTC).timestamp())
    assert verify_presentation(enveloped(unsigned_vp(exp=now + 600, nbf=now - 60)),
                               TRUST).verified
    for claims in ({"exp": now - 1}, {"nbf": now + 600}, {"exp": "tomorrow"}):
        result = verify_presentation(enveloped(unsigned_vp(**claims)), TRUST)
        assert not result.verified and check(result, "proof").ok is False, claims


@pytest.mark.parametrize(("envelope", "said"), [
    ({"@context": V2, "type": "EnvelopedVerifiablePresentation",
      "id": "data:application/vp+sd-jwt,eyJ.eyJ.sig"}, "not one certpass verifies"),
    ({"@context": V2, "type": "EnvelopedVerifiablePresentation", "id": "https://x.example"},
     "data: URL"),
    ({"@context": V2, "type": "EnvelopedVerifiablePresentation"}, "data: URL"),
    ({"type": "EnvelopedVerifiablePresentation", "id": jose.VP_ENVELOPE_PREFIX + "a.b.c"},
     "@context"),
    ({"@context": V2, "type": "EnvelopedVerifiablePresentation",
      "id": jose.VP_ENVELOPE_PREFIX + "not-a-jws"}, "compact JWS"),
    ({"@context": V2, "type": "EnvelopedVerifiablePresentation",
      "id": jose.VP_ENVELOPE_PREFIX + "a.!!.c"}, "base64url"),
    ({"@context": V2, "type": "EnvelopedVerifiablePresentation",
      "id": jose.VP_ENVELOPE_PREFIX + "a." + jose.b64url_encode(b"[1]") + ".c"},
     "a presentation is a JSON object"),
], ids=["sd-jwt", "not-data-url", "no-id", "no-context", "not-a-jws", "bad-base64",
        "payload-not-object"])
def test_broken_envelopes_are_refused_as_format(envelope: dict[str, Any], said: str) -> None:
    result = verify_presentation(envelope, TRUST)
    assert not result.verified
    assert check(result, "format").ok is False and said in check(result, "format").detail


def test_the_payload_of_an_envelope_is_checked_as_a_presentation() -> None:
    # A credential's token (typ vc+jwt) is no presentation, nor is a payload with a proof.
    vc_token = enveloped(unsigned_vp(), typ=jose.TYP)
    result = verify_presentation(vc_token, TRUST)
    assert not result.verified and "typ must be 'vp+jwt'" in check(result, "proof").detail
    payload = unsigned_vp()
    payload["type"] = ["VerifiableCredential"]
    result = verify_presentation(enveloped(payload), TRUST)
    assert "VerifiablePresentation" in check(result, "format").detail
    with_proof = proofs.sign(unsigned_vp(), HOLDER_KEY, HOLDER_VM, proofs.JCS, CREATED,
                             "authentication")
    token = ".".join([jose.b64url_encode(b'{"alg":"EdDSA","kid":"%s","typ":"vp+jwt"}'
                                         % HOLDER_VM.encode()),
                      jose.b64url_encode(jose.canonicalize(with_proof)), "sig"])
    result = verify_presentation(jose.envelope_presentation(token), TRUST)
    assert not result.verified and "must not carry a proof" in check(result, "format").detail


def test_an_enveloped_credential_inside_a_signed_presentation_is_verified() -> None:
    """EnvelopedVerifiableCredential in a Data Integrity-secured presentation."""
    vp = proofs.sign(unsigned_vp(credentials=[jose.envelope(WORLD.jwt())]), HOLDER_KEY,
                     HOLDER_VM, proofs.RDFC, CREATED, "authentication")
    result = verify_presentation(vp, TRUST)
    assert result.verified, result.to_json()
    assert [r.verdict for r in result.credentials] == ["valid"]
    bad = copy.deepcopy(vp)
    bad["verifiableCredential"][0]["id"] = jose.ENVELOPE_PREFIX + WORLD.jwt()[:-4] + "AAAA"
    assert not verify_presentation(bad, TRUST).verified  # the presentation's proof breaks


# --- holders certpass cannot resolve -------------------------------------------------------

WEB_HOLDER = "did:web:holder.example"
WEB_KEY = multikey.Ed25519KeyPair(b"\x09" * 32)


@pytest.mark.parametrize("secured", ["data-integrity", "vc-jose"])
def test_a_did_web_holder_certpass_does_not_know_is_said_so(secured: str) -> None:
    vp = unsigned_vp(WEB_HOLDER)
    vm = f"{WEB_HOLDER}#key-1"
    signed = (proofs.sign(vp, WEB_KEY, vm, proofs.JCS, CREATED, "authentication")
              if secured == "data-integrity" else enveloped(vp, WEB_KEY, vm))
    result = verify_presentation(signed, TRUST)
    assert not result.verified
    detail = check(result, "proof").detail
    assert "the holder's signature cannot be checked" in detail
    assert f"holder {WEB_HOLDER} is unknown" in detail and "never fetches did:web" in detail
    assert result.to_json()["errors"][0].startswith("proof: the holder's signature cannot")
    # Its credentials are still verified, each on its own.
    assert [r.verdict for r in result.credentials] == ["valid", "valid"]


def test_a_did_web_holder_the_trust_source_knows_is_verified() -> None:
    """A body certpass knows (its did:web and keys are in the trust source) may hold."""
    vp = proofs.sign(unsigned_vp(WORLD.cb.did), WORLD.cb.key(), WORLD.cb.vm(), proofs.JCS,
                     CREATED, "authentication")
    result = verify_presentation(vp, TRUST)
    assert result.verified, result.to_json()
    assert check(result, "proof").ok is True


def test_a_did_key_holder_is_resolved_from_the_key() -> None:
    vp = proofs.sign(unsigned_vp(), HOLDER_KEY, HOLDER_VM, proofs.JCS, CREATED,
                     "authentication")
    assert verify_presentation(vp, TRUST).verified
    broken = proofs.sign(unsigned_vp("did:key:z6MkNotAKey"), HOLDER_KEY,
                         "did:key:z6MkNotAKey#z6MkNotAKey", proofs.JCS, CREATED,
                         "authentication")
    result = verify_presentation(broken, TRUST)
    assert not result.verified and "not a did:key" in check(result, "proof").detail


@pytest.mark.parametrize("secured", ["data-integrity", "vc-jose"])
def test_a_holder_key_retired_by_now_does_not_authenticate(secured: str) -> None:
    """cqc retired key-1 on 2024-01-01: a presentation signed with it is not cqc's now,
    whatever `created` the signer wrote; its current key still is."""
    vp = unsigned_vp(WORLD.cb.did)
    old_vm = WORLD.cb.vm(0)
    signed = (proofs.sign(vp, WORLD.cb.key(0), old_vm, proofs.JCS, "2023-06-01T00:00:00Z",
                          "authentication")
              if secured == "data-integrity" else enveloped(vp, WORLD.cb.key(0), old_vm))
    result = verify_presentation(signed, TRUST)
    assert not result.verified
    detail = check(result, "proof").detail
    assert f"key {old_vm} was retired at 2024-01-01T00:00:00Z" in detail
    assert verify_presentation(enveloped(vp, WORLD.cb.key(), WORLD.cb.vm()), TRUST).verified


def test_a_compromised_holder_key_does_not_authenticate() -> None:
    world = World()
    world.cb.revoked["key-2"] = dt.datetime(2024, 5, 1, tzinfo=dt.UTC)
    vp = proofs.sign(unsigned_vp(world.cb.did), world.cb.key(), world.cb.vm(), proofs.JCS,
                     "2024-04-01T00:00:00Z", "authentication")
    result = verify_presentation(vp, world.trust())
    assert not result.verified
    assert "was compromised (revoked) at 2024-05-01T00:00:00Z" in check(result, "proof").detail
