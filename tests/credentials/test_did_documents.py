"""DID documents under strict JSON-LD processing: a rotated and a revoked key, expanded by
pyld with the bundled DID v1 and Multikey v1 contexts in safe mode (jsonld_safe: pyld has
no safe mode of its own), must drop no term; and rotation must not disown old keys."""

from __future__ import annotations

import datetime as dt

import pytest

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.credentials import jsonld_safe, keyring
from certpass.credentials.documents import DID_V1, MULTIKEY_V1
from tests.registry_fixture import SETTINGS, ctx, request, seed

ASSERTION = "https://w3id.org/security#assertionMethod"
VM = "https://w3id.org/security#verificationMethod"


@pytest.fixture
def rotated(db):
    """cqc: key-1 retired by a rotation, key-2 revoked (compromised), key-3 current."""
    seed(db)
    with db.write() as s:
        certificates.issue(ctx(s), request(), OPERATOR)
    with db.write() as s:
        keyring.rotate(s, SETTINGS, "cqc", OPERATOR)
    with db.read() as s:
        created = keyring.current_key(s, "cqc").created_at
    with db.write() as s:
        keyring.revoke(s, SETTINGS, "cqc", "key-2", created + dt.timedelta(seconds=1),
                       OPERATOR, now=created + dt.timedelta(hours=1))
    with db.read() as s:
        return keyring.did_document(s, SETTINGS, "cqc")


def test_the_did_document_expands_strictly_and_drops_nothing(rotated):
    assert rotated["@context"] == [DID_V1, MULTIKEY_V1]
    [node] = jsonld_safe.expand(rotated, what="the DID document")  # raises on a dropped term
    methods = node[VM]
    assert len(methods) == 3
    # Every property of every method came through expansion (nothing silently lost).
    assert all(len(m) >= 4 for m in methods)


def test_retired_keys_stay_listed_without_expires_and_may_still_assert(rotated):
    by_fragment = {vm["id"].split("#")[1]: vm for vm in rotated["verificationMethod"]}
    assert set(by_fragment) == {"key-1", "key-2", "key-3"}
    assert all("expires" not in vm and "created" not in vm for vm in by_fragment.values())
    assert "revoked" in by_fragment["key-2"] and "revoked" not in by_fragment["key-1"]
    asserted = {a.split("#")[1] for a in rotated["assertionMethod"]}
    assert asserted == {"key-1", "key-3"}  # the revoked key no longer asserts


def test_a_created_on_a_method_would_be_dropped(rotated):
    """What the old documents carried: strict processing refuses it."""
    doc = dict(rotated, verificationMethod=[dict(rotated["verificationMethod"][0],
                                                 created="2024-01-01T00:00:00Z")])
    with pytest.raises(jsonld_safe.InvalidJsonLd, match="created"):
        jsonld_safe.expand(doc)
