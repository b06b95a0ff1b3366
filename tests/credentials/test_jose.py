import json

import pytest

from certpass.credentials import dcc, jose, multikey
from tests.credentials.fixtures import attestation

KEY = multikey.Ed25519KeyPair(bytes(range(1, 33)))
VM = "did:web:certpass.example:bodies:cqc#key-1"
CREDENTIAL = dcc.build_dcc(attestation())


def resolve(kid: str) -> bytes:
    if kid != VM:
        raise KeyError(kid)
    return KEY.public_key


def _segments(token):
    return token.split(".")


def _reencode(obj) -> str:
    return jose.b64url_encode(json.dumps(obj).encode())


def test_round_trip_and_header():
    token = jose.sign(CREDENTIAL, KEY, VM)
    result = jose.verify(token, resolve)
    assert result.credential == CREDENTIAL
    assert result.header == {"alg": "EdDSA", "kid": VM, "typ": "vc+jwt", "cty": "vc"}
    wrapped = jose.envelope(token)
    assert wrapped["id"].startswith("data:application/vc+jwt,")
    assert wrapped["type"] == "EnvelopedVerifiableCredential"
    assert jose.unwrap(wrapped) == token


def test_tampered_payload_rejected():
    h, _, s = _segments(jose.sign(CREDENTIAL, KEY, VM))
    changed = dict(CREDENTIAL, validUntil="2099-01-01T00:00:00Z")
    with pytest.raises(jose.BadJoseSignature):
        jose.verify(f"{h}.{_reencode(changed)}.{s}", resolve)


@pytest.mark.parametrize(
    ("header", "error"),
    [
        ({"alg": "none", "kid": VM, "typ": "vc+jwt"}, jose.UnacceptableHeader),
        ({"alg": "HS256", "kid": VM, "typ": "vc+jwt"}, jose.UnacceptableHeader),
        ({"alg": "EdDSA", "kid": VM, "typ": "JWT"}, jose.UnacceptableHeader),
        ({"alg": "EdDSA", "typ": "vc+jwt"}, jose.UnacceptableHeader),
        ({"alg": "EdDSA", "kid": VM, "typ": "vc+jwt", "crit": ["b64"]}, jose.UnacceptableHeader),
        ({"alg": "EdDSA", "kid": VM, "typ": "vc+jwt", "cty": "vc", "x": 1}, jose.BadJoseSignature),
        ({"alg": "EdDSA", "kid": "did:web:other#k", "typ": "vc+jwt"}, jose.UnknownJoseKey),
    ],
)
def test_tampered_header_rejected(header, error):
    _, p, s = _segments(jose.sign(CREDENTIAL, KEY, VM))
    with pytest.raises(error):
        jose.verify(f"{_reencode(header)}.{p}.{s}", resolve)


def test_alg_none_with_empty_signature_rejected():
    _, p, _ = _segments(jose.sign(CREDENTIAL, KEY, VM))
    header = _reencode({"alg": "none", "typ": "vc+jwt", "kid": VM})
    with pytest.raises(jose.JoseFailure):
        jose.verify(f"{header}.{p}.", resolve)


def test_every_signature_byte_matters():
    h, p, s = _segments(jose.sign(CREDENTIAL, KEY, VM))
    sig = jose.b64url_decode(s)
    for i in range(len(sig)):
        bad = bytearray(sig)
        bad[i] ^= 1
        with pytest.raises(jose.BadJoseSignature):
            jose.verify(f"{h}.{p}.{jose.b64url_encode(bytes(bad))}", resolve)


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t + ".",
        lambda t: t.replace(".", "", 1),
        lambda t: t.replace(t.split(".")[2], t.split(".")[2] + "=="),
        lambda t: t.replace(t.split(".")[0], t.split(".")[0] + "*"),
        lambda t: "a." + ".".join(t.split(".")[1:]),
    ],
)
def test_bad_encoding_rejected(mutate):
    token = jose.sign(CREDENTIAL, KEY, VM)
    with pytest.raises(jose.MalformedToken):
        jose.verify(mutate(token), resolve)


def test_signing_a_credential_with_a_proof_is_refused():
    with pytest.raises(ValueError, match="proof"):
        jose.sign(dict(CREDENTIAL, proof={}), KEY, VM)
