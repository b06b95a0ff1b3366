import json

import base58
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpass.credentials import multikey
from certpass.errors import InvalidInput


def test_vector_key_pair(eddsa_vectors):
    kp = json.loads((eddsa_vectors / "keyPair.json").read_text())
    key = multikey.Ed25519KeyPair.from_secret_multibase(kp["privateKeyMultibase"])
    assert key.public_multibase == kp["publicKeyMultibase"]
    assert key.secret_multibase == kp["privateKeyMultibase"]
    assert (
        multikey.encode_public_key(multikey.decode_public_key(kp["publicKeyMultibase"]))
        == (kp["publicKeyMultibase"])
    )
    assert kp["publicKeyMultibase"] not in repr(key) or "seed" not in repr(key)
    assert key.seed.hex() not in repr(key)


def test_public_and_secret_headers_are_not_interchangeable():
    key = multikey.Ed25519KeyPair.generate()
    assert key.public_multibase.startswith("z6Mk")
    with pytest.raises(multikey.InvalidKey):
        multikey.decode_public_key(key.secret_multibase)
    with pytest.raises(multikey.InvalidKey):
        multikey.decode_secret_key(key.public_multibase)
    with pytest.raises(multikey.InvalidKey):
        multikey.decode_public_key("z0OIl")  # not base58
    with pytest.raises(multikey.InvalidKey):
        multikey.decode_public_key("z6Mké")  # not ASCII


def test_did_key_document():
    key = multikey.Ed25519KeyPair.generate()
    doc = multikey.did_key_document(key.public_key)
    vm = multikey.did_key_verification_method(key.public_key)
    assert doc["id"] == multikey.did_key(key.public_key) == vm.split("#")[0]
    assert multikey.find_verification_method(doc, vm)["publicKeyMultibase"] == (
        key.public_multibase
    )


def test_did_web_round_trip():
    did = multikey.did_web_for_body("certpass.example", "cqc", port=8000)
    assert did == "did:web:certpass.example%3A8000:bodies:cqc"
    url = multikey.did_web_to_url(did + "#key-1")
    assert url == "https://certpass.example:8000/bodies/cqc/did.json"
    assert multikey.url_to_did_web(url) == did
    assert multikey.did_web_to_url("did:web:example.com") == (
        "https://example.com/.well-known/did.json"
    )
    assert multikey.url_to_did_web("https://example.com/.well-known/did.json") == (
        "did:web:example.com"
    )
    with pytest.raises(InvalidInput):
        multikey.did_web_to_url("did:key:z6Mk")


def test_did_web_document_with_retired_and_revoked_keys():
    did = multikey.did_web_for_body("certpass.example", "cqc")
    new, old, bad = (multikey.Ed25519KeyPair.generate() for _ in range(3))
    doc = multikey.did_web_document(
        did,
        [
            multikey.DidKeyEntry("key-3", new.public_key),
            multikey.DidKeyEntry("key-2", old.public_key),  # retired: listed unchanged
            multikey.DidKeyEntry("key-1", bad.public_key, revoked="2023-01-01T00:00:00Z"),
        ],
    )
    assert [vm["id"] for vm in doc["verificationMethod"]] == [
        f"{did}#key-3",
        f"{did}#key-2",
        f"{did}#key-1",
    ]
    assert doc["assertionMethod"] == [f"{did}#key-3", f"{did}#key-2"]
    retired = multikey.find_verification_method(doc, f"{did}#key-2")
    assert retired and "expires" not in retired and "created" not in retired
    assert [vm.get("revoked") for vm in doc["verificationMethod"]] == [
        None, None, "2023-01-01T00:00:00Z"]
    assert multikey.find_verification_method(doc, f"{did}#key-1") is None


@settings(max_examples=200)
@given(st.binary(max_size=80))
def test_base58btc_matches_the_reference(data):
    assert multikey.b58encode(data) == base58.b58encode(data).decode()
    assert multikey.b58decode(base58.b58encode(data).decode()) == data
