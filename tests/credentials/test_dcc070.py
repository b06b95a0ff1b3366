"""UNTP 0.7.0 Digital Conformity Credentials: the 0.7.0 form of a 0.6.1 issue (dcc070),
valid against the 0.7.0 schema, mapped back exactly, and verified as that registered issue
(offline, from a trust bundle); the published 0.7.0 samples through the verifier's schema
path; the independent JS stack on a 0.7.0 credential."""

from __future__ import annotations

import copy
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest

from certpass.credentials import dcc, dcc070, jose, proofs, schemas, status_list, verifier
from certpass.credentials.documents import UNTP_070, bundled_context
from tests.credentials.fixtures import attestation
from tests.credentials.test_verifier_world import World

JS = Path(__file__).resolve().parents[1] / "js"


def _variants() -> list[dcc.AttestationInput]:
    base = attestation()
    return [
        base,
        attestation(accreditation=None, government_designated=True, regulation=None),
        attestation(accreditation=None, factories=(), manufacturer=None,
                    issuer_also_known_as=(), valid_until=None),
        attestation(certificate_document=dcc.DocumentLink(
            "https://certpass.example/c.pdf", "Certificate", "ab" * 32),
            assessor_level="Self", conformity_topic="social.safety"),
        World().attestation(),  # with revocation and suspension entries
    ]


@pytest.mark.parametrize("inp", _variants())
def test_the_070_form_validates_and_maps_back_exactly(inp):
    d = dcc.build_dcc(inp)
    c = dcc070.build_dcc_070(inp)
    assert schemas.validate_dcc_070(c) == []
    assert schemas.errors_against(c, schemas.UNTP_DCC_070) == []  # the verifier's path
    assert c["@context"] == ["https://www.w3.org/ns/credentials/v2", UNTP_070]
    assert dcc070.to_061(c) == d
    assert dcc070.read_070(c) == d
    assert dcc070.read_dcc_070(c) == dcc.read_dcc(d)


def test_what_the_070_form_says():
    inp = World().attestation()
    c = dcc070.build_dcc_070(inp)
    s = c["credentialSubject"]
    assert c["name"] == s["name"] and c["validFrom"] == "2024-03-01T00:00:00Z"
    assert s["assessmentLevel"] == "authority-globalmra"
    designated = attestation(accreditation=None, government_designated=True)
    assert dcc070.build_dcc_070(designated)["credentialSubject"]["assessmentLevel"] == \
        "authority-mandate"
    neither = attestation(accreditation=None)
    assert dcc070.build_dcc_070(neither)["credentialSubject"]["assessmentLevel"] == \
        "no-endorsement"
    assert s["referenceScheme"]["id"] == "urn:certpass:scheme:CCC"
    assert s["referenceProfile"]["id"] == "urn:certpass:scheme:CCC#profile-current"
    a1, _ = s["conformityAssessment"]
    assert [x["name"] for x in a1["referenceStandard"]] == ["GB 4706.1-2005"]
    assert a1["conformityTopic"][0]["id"].endswith("#governance.compliance")
    assert a1["assessedProduct"][0]["product"]["modelNumber"] == "EK-17"
    # one status entry as 0.7.0 allows (index an integer), the suspension one beside it
    assert c["credentialStatus"]["statusPurpose"] == "revocation"
    assert c["credentialStatus"]["statusListIndex"] == 7
    assert c[dcc070.SUSPENSION]["statusPurpose"] == "suspension"


def test_a_070_credential_saying_more_than_the_issue_is_refused():
    c = dcc070.build_dcc_070(World().attestation())
    extra = copy.deepcopy(c)
    extra["credentialSubject"]["conformityAssessment"][0]["specifiedCondition"] = ["any use"]
    with pytest.raises(dcc070.NotA070Dcc, match="credentialSubject"):
        dcc070.read_070(extra)
    other_topic = copy.deepcopy(c)
    other_topic["credentialSubject"]["conformityAssessment"][0]["conformityTopic"][0]["id"] = \
        "https://vocabulary.uncefact.org/conformity-topic/forced-labor-elimination"
    with pytest.raises(dcc070.NotA070Dcc):
        dcc070.read_070(other_topic)


def test_the_070_context_is_bundled():
    assert "ConformityAttestation" in bundled_context(UNTP_070)["@context"]


# --- the verifier -----------------------------------------------------------------------


def test_a_070_credential_verifies_as_its_registered_issue_offline():
    world = World()
    trust = world.trust()
    c070 = world.sign(dcc070.from_061(world.unsigned()))
    result = verifier.verify(c070, trust, on=dt.date(2024, 6, 1))
    assert result.verdict == "valid", [x.to_json() for x in result.checks]
    checks = {x.name: x for x in result.checks}
    assert "UNTP DCC 0.7.0" in checks["format"].detail
    assert checks["register"].ok and checks["status"].ok
    assert result.certificate["number"] == "2024010701000001"
    assert result.certificate["products"] == [{"name": "Electric kettle EK-17",
                                               "model": "EK-17"}]
    assert result.readable == world.unsigned()
    # the enveloped (VC-JOSE) form of the 0.7.0 credential verifies the same
    token = jose.sign(dcc070.from_061(world.unsigned()), world.cb.key(), world.cb.vm())
    assert verifier.verify(token, trust, on=dt.date(2024, 6, 1)).verdict == "valid"


def test_the_070_form_reads_both_status_bits():
    world = World()
    status_list.set(world.suspension, 7, True)
    c070 = world.sign(dcc070.from_061(world.unsigned()))
    assert verifier.verify(c070, world.trust(), on=dt.date(2024, 6, 1)).verdict == "suspended"
    status_list.set(world.revocation, 7, True)
    assert verifier.verify(c070, world.trust(), on=dt.date(2024, 6, 1)).verdict == "revoked"


def test_a_signed_070_credential_with_an_added_claim_is_not_valid():
    world = World()
    doc = dcc070.from_061(world.unsigned())
    doc["credentialSubject"]["conformityAssessment"][0]["specifiedCondition"] = ["any use"]
    result = verifier.verify(world.sign(doc), world.trust(), on=dt.date(2024, 6, 1))
    assert result.verdict == "malformed"
    assert "not exactly the form of a certpass certificate issue" in result.checks[0].detail
    tampered = world.sign(dcc070.from_061(world.unsigned()))
    tampered["credentialSubject"]["issuedToParty"]["name"] = "Someone Else Ltd"
    assert verifier.verify(tampered, world.trust(), on=dt.date(2024, 6, 1)).verdict == \
        "tampered"


def test_an_070_credential_outside_the_register_is_unregistered():
    world = World()
    other = dcc070.from_061(world.unsigned(certificate_number="2024010701000099"))
    result = verifier.verify(world.sign(other), world.trust(), on=dt.date(2024, 6, 1))
    assert result.verdict == "unregistered"


# --- the published samples --------------------------------------------------------------


@pytest.mark.parametrize("name, schema", [("dcc-example-0.7.0.json", schemas.UNTP_DCC_070),
                                          ("dia-example-0.7.0.json", schemas.UNTP_DIA_070)])
def test_the_published_070_samples_meet_the_bundled_schemas(vectors, name, schema):
    sample = json.loads((vectors / "untp-0.7.0" / "samples" / name).read_text())
    assert schemas.validate(sample, schema) == []
    assert schemas.errors_against(sample, schema) == []


def test_the_published_070_dcc_goes_through_the_verifiers_schema_path(vectors):
    """The sample meets the VC 2.0 and UNTP 0.7.0 schemas (the format check says so); it is
    no certpass certificate issue (and unsigned), so it is not valid."""
    sample = json.loads((vectors / "untp-0.7.0" / "samples" / "dcc-example-0.7.0.json")
                        .read_text())
    result = verifier.verify(sample, World().trust())
    fmt = result.checks[0]
    # It passes the schemas (checked first), then JSON-LD safe mode: the published sample's
    # links use terms (linkName, linkType, linkURL) the 0.7.0 context does not define.
    assert fmt.name == "format" and "schemas" not in fmt.detail
    assert "linkURL" in fmt.detail and "would drop" in fmt.detail
    assert result.verdict == "malformed"
    broken = copy.deepcopy(sample)
    del broken["name"]  # required in 0.7.0
    detail = verifier.verify(broken, World().trust()).checks[0].detail
    assert "does not meet the VC 2.0 and UNTP DCC 0.7.0 schemas" in detail and "name" in detail


# --- the independent JS verifier ----------------------------------------------------------


@pytest.mark.skipif(shutil.which("node") is None
                    or not (JS / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
                    reason="node or tests/js/node_modules missing")
def test_js_verifies_a_070_credential(tmp_path):
    from tests.credentials.test_crossverify import run_js

    world = World()
    jcs = world.sign(dcc070.from_061(world.unsigned()))
    rdfc = world.sign(dcc070.from_061(world.unsigned()), suite=proofs.RDFC)
    forged = copy.deepcopy(jcs)
    forged["credentialSubject"]["issuedToParty"]["name"] = "Someone Else Ltd"
    ok_jcs, ok_rdfc, bad = run_js(world, [jcs, rdfc, forged], tmp_path)
    assert ok_jcs["verified"] is True, ok_jcs
    assert ok_rdfc["verified"] is True, ok_rdfc
    assert bad["verified"] is False
