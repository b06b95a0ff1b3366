"""Who may sign a caller's credential through the VC-API issuer (the HTTP side is in
tests/web/test_credentials_api.py and the authorization matrix)."""

from __future__ import annotations

import pytest

from certpass.accounts.actor import OPERATOR, Actor
from certpass.credentials import service as credentials
from certpass.errors import Forbidden
from tests.registry_fixture import SETTINGS, seed

REQUEST = {"credential": {"@context": ["https://www.w3.org/ns/credentials/v2"],
                          "type": ["VerifiableCredential"],
                          "credentialSubject": {"id": "did:example:abc"}}}


@pytest.mark.parametrize(("actor", "issuer"), [
    (OPERATOR, "did:web:127.0.0.1%3A8000"),
    (Actor("root", "admin"), "did:web:127.0.0.1%3A8000"),
    (Actor("cqc", "certification-body", "cqc"), "did:web:127.0.0.1%3A8000:bodies:cqc"),
])
def test_signers_and_their_keys(sqlite_db, actor, issuer):
    seed(sqlite_db)
    with sqlite_db.write() as s:
        signed = credentials.issue_unsigned(s, SETTINGS, REQUEST, actor)
    assert signed["issuer"] == issuer and signed["proof"]["cryptosuite"] == "eddsa-rdfc-2022"


@pytest.mark.parametrize("actor", [Actor("cnas", "accreditation-body", "cnas"),
                                   Actor("nobody", "certification-body", None)])
def test_others_may_not_sign_even_a_malformed_request(sqlite_db, actor):
    seed(sqlite_db)
    with sqlite_db.write() as s, pytest.raises(Forbidden, match="may sign credentials"):
        credentials.issue_unsigned(s, SETTINGS, {}, actor)
