"""eddsa-rdfc-2022 signs @direction (rdfDirection i18n-datatype, as the Digital Bazaar
suites do): flipping a text's direction after signing is detected."""

from __future__ import annotations

import copy

import pytest

from certpass.credentials import multikey, proofs

V2 = "https://www.w3.org/ns/credentials/v2"


def test_flipping_direction_breaks_an_rdfc_proof():
    key = multikey.Ed25519KeyPair.generate()
    vm = multikey.did_key_verification_method(key.public_key)
    doc = {"@context": [V2, "https://www.w3.org/ns/credentials/examples/v2"],
           "type": ["VerifiableCredential"], "issuer": vm.split("#")[0],
           "name": {"@value": "شهادة", "@language": "ar", "@direction": "rtl"},
           "credentialSubject": {"id": "did:example:abc", "alumniOf": "Example University"}}
    signed = proofs.sign(doc, key, vm, proofs.RDFC, "2025-01-01T00:00:00Z")
    proofs.verify(signed, lambda _: key.public_key)
    flipped = copy.deepcopy(signed)
    flipped["name"]["@direction"] = "ltr"
    with pytest.raises(proofs.BadSignature):
        proofs.verify(flipped, lambda _: key.public_key)
