"""Inputs built in code for the credential tests (illustrative names, not real certificates)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from certpass.credentials import dcc

SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
VECTORS = SHARED / "vectors"
EDDSA = VECTORS / "w3c-vc-di-eddsa" / "TestVectors"

CB_DID = "did:web:certpass.example%3A8000:bodies:cqc"
AB_DID = "did:web:certpass.example%3A8000:bodies:cnas"
BASE = "https://certpass.example:8000"


def attestation(**overrides) -> dcc.AttestationInput:
    values = dict(
        credential_id=f"{BASE}/credentials/CN-2024-0001/1",
        certificate_url=f"{BASE}/certificates/CN-2024-0001/issues/1",
        certificate_number="CN-2024-0001",
        issue_number=1,
        scheme=dcc.Scheme(
            id="https://www.iecee.org/certification/iec-standards/cb-scheme",
            code="IECEE-CB",
            name="IECEE CB Scheme",
            owner=dcc.Party("https://www.iecee.org", "IECEE"),
            valid_from=date(2023, 1, 1),
        ),
        issuer=dcc.Party(CB_DID, "China Quality Certification Centre"),
        holder=dcc.Party(
            f"{BASE}/parties/holder-1", "Example Appliances Co., Ltd.", registered_id="91440000X"
        ),
        manufacturer=dcc.Party(f"{BASE}/parties/maker-1", "Example Appliances Co., Ltd."),
        products=(
            dcc.Product(
                "Electric kettle",
                models=("EK-17", "EK-18"),
                trademark="Exemplar",
                hs_code="8516.79",
                ratings="220-240 V~, 50 Hz, 1800 W",
            ),
        ),
        factories=(dcc.Factory("Example Appliances Factory No. 1", "CN", "Foshan, Guangdong"),),
        standards=("IEC 60335-1:2020", "IEC 60335-2-15:2016"),
        regulation=None,
        accreditation=dcc.AccreditationRef(
            id=f"{BASE}/accreditations/CNAS-C001",
            number="CNAS C001",
            scope="ISO/IEC 17065 product certification: household appliances",
            body=dcc.Party(AB_DID, "China National Accreditation Service"),
            iaf_mla_signatory=True,
            ilac_mra_signatory=True,
        ),
        valid_from=datetime(2024, 3, 1, tzinfo=UTC),
        valid_until=datetime(2029, 3, 1, tzinfo=UTC),
        assessment_date=date(2024, 2, 20),
        status=(
            dcc.StatusRef(f"{BASE}/status/1", 42, "revocation"),
            dcc.StatusRef(f"{BASE}/status/2", 42, "suspension"),
        ),
    )
    values.update(overrides)
    return dcc.AttestationInput(**values)


def json_paths(value, prefix=()):  # type: ignore[no-untyped-def]
    """Every path to a leaf value in a JSON document."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from json_paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from json_paths(v, (*prefix, i))
    else:
        yield prefix
