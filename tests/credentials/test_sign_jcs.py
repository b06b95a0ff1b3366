"""The issuing fast path (credentials.service.sign_jcs) gives exactly what the reference
path gives: RFC 8785 bytes of the signed document and a proof that verifies."""

from __future__ import annotations

import datetime as dt

import orjson
import rfc8785
from hypothesis import HealthCheck, given, settings

from certpass.credentials import dcc, multikey, proofs
from certpass.credentials import service as credentials
from certpass.credentials.keyring import Signer
from tests.credentials.test_dcc import attestation_inputs

PAIR = multikey.Ed25519KeyPair(bytes(range(32)))
VM = multikey.did_key_verification_method(PAIR.public_key)
SIGNER = Signer(None, VM, PAIR)  # type: ignore[arg-type]
CREATED = dt.datetime(2024, 3, 1, 8, tzinfo=dt.UTC)


def resolve(vm: str) -> bytes:
    assert vm == VM
    return PAIR.public_key


@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(attestation_inputs())
def test_sign_jcs_is_exact_and_verifies(inp: dcc.AttestationInput) -> None:
    unsigned = dcc.build_dcc(inp)
    document = credentials.sign_jcs(unsigned, SIGNER, CREATED)
    signed = orjson.loads(document)
    assert signed == proofs.sign(unsigned, PAIR, VM, proofs.JCS, CREATED)
    assert document == rfc8785.dumps(signed)
    [verified] = proofs.verify(signed, resolve)
    assert verified.cryptosuite == proofs.JCS
