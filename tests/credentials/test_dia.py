from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from certpass.credentials import schemas
from certpass.credentials.dcc import Party, StatusRef
from certpass.credentials.dia import AccreditationInput, build_dia, scope_uri
from certpass.errors import InvalidInput
from tests.credentials.fixtures import AB_DID, BASE, CB_DID


def accreditation(**overrides) -> AccreditationInput:
    values = dict(
        credential_id=f"{BASE}/credentials/accreditations/CNAS-C001",
        accreditation_body=Party(AB_DID, "China National Accreditation Service"),
        accredited_body=Party(CB_DID, "China Quality Certification Centre"),
        number="CNAS C001",
        register_url="https://www.cnas.org.cn/register",
        register_name="CNAS register of accredited certification bodies",
        scope=(
            "https://www.iecee.org/certification/iec-standards/cb-scheme",
            scope_uri("standard", "IEC 60335-1:2020"),
            scope_uri("category", "IECEE HOUS"),
        ),
        valid_from=datetime(2022, 1, 1, tzinfo=UTC),
        valid_until=datetime(2028, 1, 1, tzinfo=UTC),
        status=(StatusRef(f"{BASE}/status/ab/1", 3, "suspension"),),
    )
    values.update(overrides)
    return AccreditationInput(**values)


def test_fixture_dia():
    c = build_dia(accreditation())
    assert c["type"] == ["VerifiableCredential", "DigitalIdentityAnchor"]
    assert c["credentialSubject"]["registerType"] == "Accreditation"
    assert c["credentialSubject"]["registrationScopeList"][0] == (
        "urn:certpass:accreditation-standard:ISO%2FIEC%2017065"
    )
    assert schemas.validate_dia(c) == []


@settings(max_examples=40, deadline=None)
@given(
    st.text(min_size=1, max_size=20),
    st.lists(st.text(min_size=1, max_size=20).map(lambda s: scope_uri("standard", s)), min_size=1),
    st.integers(1, 4000),
    st.sampled_from(["ISO/IEC 17065", "ISO/IEC 17025", "ISO/IEC 17020"]),
)
def test_every_dia_validates(number, scope, days, standard):
    c = build_dia(
        accreditation(
            number=number,
            scope=tuple(scope),
            valid_until=datetime(2022, 1, 1, tzinfo=UTC) + timedelta(days=days),
            accreditation_standard=standard,
        )
    )
    assert schemas.validate_dia(c) == []


def test_invalid_dia_inputs():
    with pytest.raises(InvalidInput):
        build_dia(accreditation(scope=()))
    with pytest.raises(InvalidInput):
        build_dia(accreditation(valid_until=datetime(2020, 1, 1, tzinfo=UTC)))
