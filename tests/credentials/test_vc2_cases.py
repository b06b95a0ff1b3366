"""The suite-style table (vc2_cases) against the one validation path and the verifier."""

from __future__ import annotations

import pytest

from certpass.credentials import jsonld_safe, proofs, validation
from certpass.credentials.documents import DocumentNotAvailable
from certpass.credentials.verifier import verify
from tests.credentials.test_verifier_world import World
from tests.credentials.vc2_cases import BAD, GOOD


@pytest.mark.parametrize("name", sorted(GOOD))
def test_good_inputs_pass_validation(name):
    validation.ensure_valid(GOOD[name]())


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_inputs_are_refused(name):
    with pytest.raises((validation.InvalidCredential, jsonld_safe.InvalidJsonLd)) as caught:
        validation.ensure_valid(BAD[name]())
    assert caught.value.http_status == 422 and caught.value.message


@pytest.fixture(scope="module")
def world():
    return World()


@pytest.mark.parametrize("suite", proofs.SUITES)
@pytest.mark.parametrize("name", sorted(BAD))
def test_the_verifier_calls_bad_inputs_malformed_even_when_signed(world, name, suite):
    """Signed by a key the trust source knows (the signer skips validation): the verifier
    must still say `malformed`, never `valid` nor a crash."""
    issuer = world.cb.did
    doc = BAD[name](issuer)
    try:
        signed = world.sign(doc, suite=suite)
    except (proofs.ProofFailure, DocumentNotAvailable):
        pytest.skip("no signature can be made over it (the rdfc suite refuses it)")
    assert verify(signed, world.trust()).verdict == "malformed"
