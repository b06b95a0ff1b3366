"""A credentialStatus of a kind certpass does not read (VC 2.0 §4.10 leaves the mechanism
open): a conforming credential whose status is unknown, and said so; never `malformed`,
never silently checked. A conformity credential's status is always a Bitstring Status List,
so there a foreign entry still makes it malformed. (The HTTP side: test_w3c_vc2_suite.py.)"""

from __future__ import annotations

import copy

import pytest

from certpass.credentials.verifier import verify
from tests.credentials.test_verifier_world import World

FOREIGN = {"id": "did:example:status", "type": "CredentialStatusList2017"}
CONTEXT = ["https://www.w3.org/ns/credentials/v2",
           {"CredentialStatusList2017": "https://example.org/examples#CredentialStatusList2017"}]


@pytest.fixture(scope="module")
def world() -> World:
    return World()


def _status(result):  # type: ignore[no-untyped-def]
    return next(c for c in result.checks if c.name == "status")


def test_a_plain_credential_with_a_foreign_status_is_verified_with_its_status_unknown(world):  # type: ignore[no-untyped-def]
    doc = {"@context": CONTEXT, "type": ["VerifiableCredential"], "issuer": world.cb.did,
           "credentialSubject": {"id": "did:example:subject"}, "credentialStatus": FOREIGN}
    result = verify(world.sign(doc), world.trust())
    assert result.verdict == "valid", result.to_json()
    status = _status(result)
    assert status.ok is None and "CredentialStatusList2017" in status.detail
    assert "unknown" in status.detail


def test_a_conformity_credential_with_a_foreign_status_is_malformed(world):  # type: ignore[no-untyped-def]
    doc = copy.deepcopy(world.unsigned())
    doc["@context"] = [*doc["@context"], CONTEXT[1]]
    doc["credentialStatus"] = [*doc["credentialStatus"], FOREIGN]
    result = verify(world.sign(doc), world.trust())
    # The UNTP DCC schema refuses it first; the status check would too (defence in depth).
    assert result.verdict == "malformed", result.to_json()
    assert _status(result).ok is not True
