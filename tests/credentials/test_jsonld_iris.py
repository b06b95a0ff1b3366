"""Nothing certpass signs expands to a relative IRI. jsonld.js in safe mode (the JS
eddsa-rdfc-2022 suite) refuses such a document, and pyld silently drops it from the RDF graph,
so an rdfc signature would not cover it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from pyld import jsonld

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.credentials import dcc, proofs
from certpass.credentials import service as credentials
from certpass.credentials.documents import offline_loader
from tests.credentials.test_dcc import attestation_inputs
from tests.credentials.test_verifier_world import World
from tests.registry_fixture import ctx, request, seed

_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_LOADER = offline_loader()


def relative_iris(document: dict[str, Any]) -> list[str]:
    """Every @type, @id (and property) value of the expanded document that is not an absolute
    IRI or a blank node."""
    expanded = jsonld.expand(document, {"documentLoader": _LOADER})
    found: list[str] = []

    def check(iri: Any, where: str) -> None:
        if not (isinstance(iri, str) and (_ABSOLUTE.match(iri) or iri.startswith("_:"))):
            found.append(f"{where} {iri!r}")

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for v in node:
                walk(v)
        elif isinstance(node, dict):
            for key, value in node.items():
                if key == "@type" and "@value" not in node:
                    for t in value if isinstance(value, list) else [value]:
                        check(t, "@type")
                elif key == "@id":
                    check(value, "@id")
                elif not key.startswith("@"):
                    check(key, "property")
                if key not in ("@value", "@type", "@id"):
                    walk(value)

    walk(expanded)
    return found


def test_the_check_sees_a_relative_type() -> None:
    """Guards the check itself: the types dcc.py once emitted are reported."""
    c = dcc.build_dcc(World().attestation())
    c["credentialSubject"]["assessment"][0]["assessedProduct"][0]["type"] = [
        "ProductVerification"]
    assert set(relative_iris(c)) == {"@type 'ProductVerification'"}


@pytest.mark.parametrize("suite", [None, *proofs.SUITES])
def test_dcc_signed_or_not_has_only_absolute_iris(suite: str | None) -> None:
    world = World()
    c = world.unsigned() if suite is None else world.credential(suite)
    assert relative_iris(c) == []


@settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(attestation_inputs())
def test_every_dcc_has_only_absolute_iris(inp: dcc.AttestationInput) -> None:
    assert relative_iris(dcc.build_dcc(inp)) == []


def test_accreditation_and_status_list_credentials_have_only_absolute_iris() -> None:
    world = World()
    assert relative_iris(world.accreditation()) == []
    lists = world.bundle()["status_lists"]
    assert lists and all(relative_iris(s) == [] for s in lists)


def test_a_credential_issued_by_the_service_has_only_absolute_iris(sqlite_db) -> None:
    seed(sqlite_db)
    with sqlite_db.write() as s:
        certificates.issue(ctx(s), request(), OPERATOR)
    with sqlite_db.read() as s:
        row = credentials.stored(s, certificates.get(s, "2024010701000001"))
        assert relative_iris(row.signed_document()) == []
