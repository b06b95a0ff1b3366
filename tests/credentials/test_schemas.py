import copy
import json

from certpass.credentials import dcc, schemas
from tests.credentials.fixtures import attestation


def test_published_samples_validate(vectors):
    base = vectors / "untp-0.6.1" / "data-models"
    dcc_sample = json.loads((base / "untp-dcc/artefacts/untp-dcc-instance.json").read_text())
    dia_sample = json.loads((base / "untp-dia/artefacts/untp-dia-instance.json").read_text())
    assert schemas.validate_dcc(dcc_sample) == []
    assert schemas.validate_dia(dia_sample) == []


def test_missing_required_field_is_reported_readably():
    c = dcc.build_dcc(attestation())
    broken = copy.deepcopy(c)
    del broken["credentialSubject"]["issuedToParty"]
    del broken["issuer"]["name"]
    broken["validFrom"] = "1 March 2024"
    broken["credentialSubject"]["type"] = ["Attestation"]
    errors = schemas.validate_dcc(broken)
    assert "UNTP DCC 0.6.1: credentialSubject: 'issuedToParty' is a required property" in errors
    assert "UNTP DCC 0.6.1: issuer: 'name' is a required property" in errors
    assert "VC 2.0: validFrom: '1 March 2024' is not in the required format" in errors
    assert "UNTP DCC 0.6.1: credentialSubject.type: must include 'ConformityAttestation'" in errors


def test_wrong_context_and_enum_reported():
    c = dcc.build_dcc(attestation())
    broken = copy.deepcopy(c)
    broken["@context"] = ["https://www.w3.org/2018/credentials/v1"]
    broken["credentialSubject"]["assessmentLevel"] = "Excellent"
    errors = schemas.validate_dcc(broken)
    assert any(e.startswith("VC 2.0: @context") for e in errors)
    assert any("assessmentLevel" in e and "Excellent" in e for e in errors)
