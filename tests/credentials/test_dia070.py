"""An accreditation as a UNTP 0.7.0 Digital Identity Anchor (dia070): the exact 0.7.0 form
of the 0.6.1 DIA certpass signs, valid against the bundled 0.7.0 schema and JSON-LD safe
mode, signed by the same accreditation-body key, served by default (?untp=0.6.1 for the 0.6.1
form), and verified as the 0.6.1 one is."""

from __future__ import annotations

import copy
import json
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from certpass.credentials import dia070, jsonld_safe, keyring, proofs, schemas, verifier
from certpass.credentials.accreditation import (
    in_untp_version,
    parse_accreditation_credential,
    sign_accreditation_credential,
)
from certpass.credentials.dcc import StatusRef
from certpass.credentials.dia import build_dia
from certpass.credentials.trust import LiveTrust, signed_accreditations
from certpass.errors import InvalidInput
from certpass.registry.models import Accreditation
from tests.conftest import sqlite_copy
from tests.credentials.fixtures import BASE, VECTORS
from tests.credentials.test_dia import accreditation
from tests.credentials.test_verifier_world import World
from tests.web import conftest as web
from tests.web.conftest import bearer

# The web app's fixtures (tests/web/conftest.py), for the download test below.
app_db, client, settings_for, tokens = web.app_db, web.client, web.settings_for, web.tokens


def _checks(result: verifier.VerificationResult) -> list[tuple[str, bool | None]]:
    return [(c.name, c.ok) for c in result.checks]


def _assert_070_form(unsigned_061: dict[str, Any]) -> dict[str, Any]:
    c = dia070.from_061(unsigned_061)
    assert schemas.validate_dia_070(c) == []
    assert schemas.errors_against(c, schemas.UNTP_DIA_070) == []
    jsonld_safe.check(c)
    assert dia070.to_061(c) == unsigned_061
    assert dia070.read_070(c) == unsigned_061
    return c


# --- the mapping ---------------------------------------------------------------------------

REVOKE = StatusRef(f"{BASE}/status/ab/1", 3, "revocation")
SUSPEND = StatusRef(f"{BASE}/status/ab/2", 3, "suspension")


@pytest.mark.parametrize("status", [(), (SUSPEND,), (REVOKE,), (REVOKE, SUSPEND)],
                         ids=["none", "suspension", "revocation", "both"])
def test_the_fixture_dia_maps_to_070_and_back_exactly(status):
    d = build_dia(accreditation(status=status))
    c = _assert_070_form(d)
    assert c["@context"] == dia070.CONTEXT
    assert c["type"] == ["DigitalIdentityAnchor", "VerifiableCredential"]
    s = c["credentialSubject"]
    assert s["registerType"] == "accreditation"
    assert s["registeredName"] == "China Quality Certification Centre"
    assert s["registeredDate"] == "2022-01-01"
    assert s["registrar"] == {"type": ["Party"], **{k: d["issuer"][k] for k in ("id", "name")}}
    assert s["registrationScope"] == d["credentialSubject"]["registrationScopeList"]
    assert c["name"] == "China Quality Certification Centre: accreditation CNAS C001"
    if status:
        assert c["credentialStatus"]["statusPurpose"] == status[0].purpose
        assert c["credentialStatus"]["statusListIndex"] == 3
    assert ("suspensionStatus" in c) == (len(status) == 2)


def test_a_status_list_070_cannot_carry_is_refused():
    with pytest.raises(InvalidInput):
        dia070.from_061(build_dia(accreditation(status=(SUSPEND, REVOKE))))


@pytest.mark.parametrize("change", [
    lambda c: c["credentialSubject"].update(registeredDate="2020-01-01"),
    lambda c: c["credentialSubject"]["registrar"].update(name="Someone else"),
    lambda c: c.update(name="Another name"),
    lambda c: c["credentialSubject"].update(registerType="business"),
    lambda c: c["credentialSubject"].update(extra="claim"),
    lambda c: c.update(credentialStatus=[c["credentialStatus"]]),
    lambda c: c.update({"@context": [c["@context"][0], "https://example.org/ctx"]}),
], ids=["date", "registrar", "name", "register-type", "extra", "status-list", "context"])
def test_the_reader_refuses_what_is_not_exactly_a_070_form(change):
    c = dia070.from_061(build_dia(accreditation(status=(SUSPEND,))))
    change(c)
    with pytest.raises(dia070.NotA070Dia):
        dia070.read_070(c)


def test_the_published_070_sample_meets_the_bundled_schema():
    """The schema used here is UNTP's: its own sample passes it (it is no certpass form)."""
    sample = VECTORS / "untp-0.7.0" / "samples" / "dia-example-0.7.0.json"
    if not sample.is_file():
        pytest.skip("the published UNTP 0.7.0 samples are not on this machine")
    document = json.loads(sample.read_text())
    assert schemas.validate(document, schemas.UNTP_DIA_070) == []
    with pytest.raises(dia070.NotA070Dia):
        dia070.read_070(document)


def test_every_demo_accreditation_has_a_valid_070_form(demo_file, tmp_path):
    from tests.registry_fixture import SETTINGS

    db = sqlite_copy(demo_file, tmp_path)
    try:
        with db.read() as s:
            count = s.scalar(select(func.count()).select_from(Accreditation))
            dias = signed_accreditations(s, SETTINGS, create=False)
            trust = LiveTrust(s, SETTINGS)
            problems: list[str] = []
            for signed in dias:
                unsigned = {k: v for k, v in signed.items() if k != "proof"}
                c = dia070.from_061(unsigned)
                if schemas.errors_against(c, schemas.UNTP_DIA_070):
                    problems.append(f"{c['id']}: {schemas.validate_dia_070(c)[:3]}")
                    continue
                jsonld_safe.check(c)
                if dia070.read_070(c) != unsigned:
                    problems.append(f"{c['id']}: does not map back")
                if parse_accreditation_credential(c) != parse_accreditation_credential(signed):
                    problems.append(f"{c['id']}: other facts")
            # Signed by the same key, the 0.7.0 forms get the 0.6.1 ones' checks and verdicts
            # (a sample: each verification reads the live registry).
            for signed in dias[:5]:
                row = keyring.key_for(s, SETTINGS, signed["proof"]["verificationMethod"])
                assert row is not None
                signer = keyring.signer(s, SETTINGS, row.body_id, create=False)
                c = in_untp_version(signed, signer.pair, signer.verification_method,
                                    dia070.VERSION)
                old, new = verifier.verify(signed, trust), verifier.verify(c, trust)
                assert (new.verdict, _checks(new)) == (old.verdict, _checks(old)), new.checks
    finally:
        db.dispose()
    assert count and len(dias) == count > 3
    assert problems == []


# --- signed and verified -------------------------------------------------------------------


def _world_070(world: World, suite: str = proofs.JCS) -> tuple[dict[str, Any], dict[str, Any]]:
    signed = world.accreditation()
    if suite != proofs.JCS:
        unsigned = {k: v for k, v in signed.items() if k != "proof"}
        signed = proofs.sign(unsigned, world.ab.key(), world.ab.vm(), suite,
                             signed["proof"]["created"])
    return signed, in_untp_version(signed, world.ab.key(), world.ab.vm(), dia070.VERSION)


@pytest.mark.parametrize("suite", proofs.SUITES)
def test_a_signed_070_dia_verifies_as_the_061_one(suite):
    world = World()
    signed, c = _world_070(world, suite)
    assert c["proof"]["cryptosuite"] == signed["proof"]["cryptosuite"] == suite
    assert c["proof"]["verificationMethod"] == signed["proof"]["verificationMethod"]
    assert c["proof"]["created"] == signed["proof"]["created"]
    trust = world.trust()
    old, new = verifier.verify(signed, trust), verifier.verify(c, trust)
    assert new.verdict == old.verdict == "valid", new.checks
    assert _checks(new) == _checks(old)
    assert new.readable == {k: v for k, v in signed.items() if k != "proof"}


def test_in_untp_version_keeps_061_and_refuses_another_key():
    world = World()
    signed = world.accreditation()
    assert in_untp_version(signed, world.ab.key(), world.ab.vm(), "0.6.1") == signed
    with pytest.raises(InvalidInput):
        in_untp_version(signed, world.cb.key(), world.cb.vm(), dia070.VERSION)
    with pytest.raises(InvalidInput):
        in_untp_version(signed, world.ab.key(), world.ab.vm(), "0.8.0")


def test_a_070_dia_altered_after_mapping_does_not_verify():
    world = World()
    _, c = _world_070(world)
    trust = world.trust()
    tampered = copy.deepcopy(c)
    tampered["credentialSubject"]["registrationScope"][1] = "urn:certpass:scheme:Anything"
    result = verifier.verify(tampered, trust)
    assert result.verdict == "tampered", result.checks
    # Altered, then signed again by the accreditation body's own key: a valid signature on
    # a document that is not the 0.7.0 form of any certpass accreditation.
    unsigned = {k: v for k, v in c.items() if k != "proof"}
    unsigned["credentialSubject"]["registeredDate"] = "1999-01-01"
    resigned = sign_accreditation_credential(unsigned, world.ab.key(), world.ab.vm(),
                                             c["proof"]["created"])
    result = verifier.verify(resigned, trust)
    assert result.verdict == "malformed" and "not exactly the form" in result.checks[0].detail


def test_a_bundle_may_carry_the_070_form():
    """parse_accreditation_credential reads the 0.7.0 form as the same facts: a
    certificate checks out against a bundle carrying it."""
    world = World()
    signed, c = _world_070(world)
    assert parse_accreditation_credential(c) == parse_accreditation_credential(signed)
    result = verifier.verify(world.credential(), world.trust(accreditations=[c]))
    assert result.verdict == "valid", result.checks


def test_the_js_verifier_verifies_the_070_dia(tmp_path):
    from tests.credentials import test_crossverify as cross

    if cross.pytestmark.mark.args[0]:  # the same skip as the cross-verification tests
        pytest.skip(cross.pytestmark.mark.kwargs["reason"])
    world = World()
    _, jcs = _world_070(world)
    _, rdfc = _world_070(world, proofs.RDFC)
    tampered = copy.deepcopy(jcs)
    tampered["credentialSubject"]["registrationScope"][1] = "urn:certpass:scheme:Anything"
    good_jcs, good_rdfc, forged = cross.run_js(world, [jcs, rdfc, tampered], tmp_path)
    assert good_jcs["verified"] is True, good_jcs
    assert good_rdfc["verified"] is True, good_rdfc
    assert forged["verified"] is False


# --- over HTTP -----------------------------------------------------------------------------

NUMBER = "CNAS C070/2024"


def _grant(client, tokens) -> str:
    grant = {"number": NUMBER, "accreditor_id": "cnas", "body_id": "paused-cb",
             "standard": "ISO/IEC 17065", "scope": {"schemes": ["CCC"]},
             "valid_from": "2024-01-01", "valid_until": "2028-01-01"}
    r = client.post("/api/accreditations", json=grant, headers=bearer(tokens["cnas"]))
    assert r.status_code == 201, r.text
    return f"/api/accreditations/{quote(NUMBER, safe='')}/credential.json"


def test_the_070_download_is_the_default_and_verifies_as_the_061_form(client, tokens, app_db,
                                                                       settings_for):
    from fastapi.responses import JSONResponse

    url = _grant(client, tokens)
    with app_db.read() as s:
        [signed] = signed_accreditations(s, settings_for(), create=False, number=NUMBER)
    # The 0.6.1 form (what the trust bundle carries), for partners still on 0.6.1.
    old_form = client.get(url, params={"untp": "0.6.1"})
    assert old_form.content == JSONResponse(signed).body
    assert old_form.headers["content-disposition"].endswith("-untp0.6.1.dia.json")

    r = client.get(url)  # UNTP 0.7.0 by default
    assert r.status_code == 200, r.text
    assert client.get(url, params={"untp": "0.7.0"}).content == r.content
    disposition = r.headers["content-disposition"]
    assert disposition.endswith(".dia.json") and "untp" not in disposition
    c = r.json()
    assert c["credentialSubject"]["registerType"] == "accreditation"
    assert c["proof"]["verificationMethod"] == signed["proof"]["verificationMethod"]
    assert c["proof"]["cryptosuite"] == signed["proof"]["cryptosuite"]
    assert dia070.read_070(c) == {k: v for k, v in signed.items() if k != "proof"}
    assert client.get(url, params={"untp": "0.7.0"}).content == r.content  # deterministic

    old = client.post("/api/verify", json=signed).json()
    new = client.post("/api/verify", json=c).json()
    assert new["verdict"] == old["verdict"] == "valid", new
    assert [(x["name"], x["ok"]) for x in new["checks"]] == \
        [(x["name"], x["ok"]) for x in old["checks"]]
    with app_db.read() as s:
        assert verifier.verify(c, LiveTrust(s, settings_for())).verdict == "valid"

    tampered = copy.deepcopy(c)
    tampered["credentialSubject"]["registrationScope"][1] = "urn:certpass:scheme:GB"
    assert client.post("/api/verify", json=tampered).json()["verdict"] == "tampered"

    assert client.get(url, params={"untp": "0.8.0"}).status_code == 422
    missing = client.get("/api/accreditations/NOPE/credential.json", params={"untp": "0.7.0"})
    assert missing.status_code == 404


def test_the_served_version_is_the_070_mapping():
    from certpass.credentials import accreditation, dcc070
    from certpass.credentials import service as credentials

    assert accreditation.UNTP_SERVED == dia070.VERSION == "0.7.0"
    assert credentials.UNTP_SERVED == dcc070.VERSION == "0.7.0"
