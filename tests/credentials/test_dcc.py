import json
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyld import jsonld

from certpass.credentials import dcc, schemas
from certpass.credentials.documents import offline_loader
from certpass.errors import InvalidInput
from tests.credentials.fixtures import AB_DID, BASE, CB_DID, attestation

names = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=30
)
slugs = st.from_regex(r"[a-z0-9][a-z0-9-]{0,15}", fullmatch=True)
economies = st.sampled_from(["CN", "NZ", "HK", "MO", "BY", "SA", "DE"])
standards = st.lists(
    st.sampled_from(
        ["IEC 60335-1:2020", "IEC 60335-2-15:2016", "GB 4706.1-2005", "ISO 9001:2015",
         "EN 60079-0:2018", "IEC 60079-0:2017"]
    ),
    min_size=1,
    max_size=4,
    unique=True,
)  # fmt: skip
products = st.builds(
    dcc.Product,
    name=names,
    models=st.lists(slugs, max_size=3, unique=True).map(tuple),
    trademark=st.none() | names,
    hs_code=st.none() | st.from_regex(r"[0-9]{4}\.[0-9]{2}", fullmatch=True),
    ratings=st.none() | names,
)
factories = st.builds(dcc.Factory, name=names, economy=economies, address=st.none() | names)
accreditations = st.none() | st.builds(
    dcc.AccreditationRef,
    id=slugs.map(lambda s: f"{BASE}/accreditations/{s}"),
    number=names,
    scope=names,
    body=st.just(dcc.Party(AB_DID, "China National Accreditation Service")),
    iaf_mla_signatory=st.booleans(),
    ilac_mra_signatory=st.booleans(),
    evidence_url=st.none() | st.just(f"{BASE}/credentials/accreditation/1"),
)
regulations = st.none() | st.just(
    dcc.Regulation(
        "https://www.cnca.gov.cn/ccc", "CCC implementation rules", "CN",
        dcc.Party("https://www.cnca.gov.cn", "CNCA"), date(2020, 10, 1),
    )
)  # fmt: skip


@st.composite
def attestation_inputs(draw):
    start = datetime(2020, 1, 1, tzinfo=UTC) + timedelta(days=draw(st.integers(0, 3000)))
    until = draw(st.none() | st.integers(1, 3650).map(lambda d: start + timedelta(days=d)))
    number = draw(st.from_regex(r"[A-Z]{2}-[0-9]{4}-[0-9]{4}[XU]?", fullmatch=True))
    issue = draw(st.integers(0, 20))
    return attestation(
        credential_id=f"{BASE}/credentials/{number}/{issue}",
        certificate_url=f"{BASE}/certificates/{number}/issues/{issue}",
        certificate_number=number,
        issue_number=issue,
        issuer=dcc.Party(CB_DID, draw(names)),
        holder=dcc.Party(f"{BASE}/parties/{draw(slugs)}", draw(names), draw(st.none() | slugs)),
        manufacturer=draw(st.none() | st.builds(dcc.Party, st.just(f"{BASE}/parties/m"), names)),
        products=tuple(draw(st.lists(products, min_size=1, max_size=3))),
        factories=tuple(draw(st.lists(factories, max_size=3))),
        standards=tuple(draw(standards)),
        regulation=draw(regulations),
        accreditation=draw(accreditations),
        government_designated=draw(st.booleans()),
        attestation_type=draw(st.sampled_from(dcc.ATTESTATION_TYPES)),
        valid_from=start,
        valid_until=until,
        assessment_date=draw(st.none() | st.just(start.date())),
        certificate_document=draw(
            st.none()
            | st.just(dcc.DocumentLink(f"{BASE}/certificates/x.pdf", "Certificate", "ab" * 32))
        ),
        status=tuple(
            dcc.StatusRef(f"{BASE}/status/{p}", i, p)
            for p, i in draw(
                st.lists(
                    st.tuples(
                        st.sampled_from(["revocation", "suspension"]), st.integers(0, 131071)
                    ),
                    max_size=2,
                    unique_by=lambda t: t[0],
                )
            )
        ),
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(attestation_inputs())
def test_every_dcc_validates_against_both_schemas(inp):
    credential = dcc.build_dcc(inp)
    assert schemas.validate_dcc(credential) == []
    assert json.loads(json.dumps(credential)) == credential


def test_fixture_dcc_shape():
    c = dcc.build_dcc(attestation())
    assert c["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://test.uncefact.org/vocabulary/untp/dcc/0.6.1/",
    ]
    assert c["type"] == ["VerifiableCredential", "DigitalConformityCredential"]
    subject = c["credentialSubject"]
    assert subject["assessmentLevel"] == "GlobalMRA"
    assert subject["assessorLevel"] == "3rdParty"
    assert [a["referenceStandard"]["name"] for a in subject["assessment"]] == [
        "IEC 60335-1:2020",
        "IEC 60335-2-15:2016",
    ]
    products = subject["assessment"][0]["assessedProduct"]
    assert [p["product"]["registeredId"] for p in products] == ["EK-17", "EK-18"]
    assert [s["statusPurpose"] for s in c["credentialStatus"]] == ["revocation", "suspension"]
    assert schemas.validate_dcc(c) == []


def test_assessment_level_follows_the_accreditation_body():
    acc = attestation().accreditation
    not_signatory = acc.__class__(**{**acc.__dict__, "iaf_mla_signatory": False,
                                     "ilac_mra_signatory": False})  # fmt: skip
    assert dcc.assessment_level(attestation()) == "GlobalMRA"
    assert dcc.assessment_level(attestation(accreditation=not_signatory)) == "Accredited"
    assert dcc.assessment_level(attestation(accreditation=None)) == "Unspecified"
    assert (
        dcc.assessment_level(attestation(accreditation=None, government_designated=True))
        == "GovtApproval"
    )


def _with_links() -> dcc.AttestationInput:
    acc = attestation().accreditation
    return attestation(
        accreditation=dcc.AccreditationRef(**{**acc.__dict__,
                                              "evidence_url": f"{BASE}/accreditations/1"}),
        certificate_document=dcc.DocumentLink(f"{BASE}/x.pdf", "Certificate", "ab" * 32),
        regulation=dcc.Regulation("https://www.cnca.gov.cn/ccc", "CCC rules", "CN",
                                  dcc.Party("https://www.cnca.gov.cn", "CNCA"), date(2020, 1, 1)),
    )


@pytest.mark.parametrize("inp", [attestation(), _with_links()], ids=["plain", "links"])
def test_every_value_reaches_the_rdf_graph(inp):
    """Only context-defined terms are used, so rdfc signs every value."""
    c = dcc.build_dcc(inp)
    nquads = jsonld.normalize(
        c,
        {"algorithm": "URDNA2015", "format": "application/n-quads",
         "documentLoader": offline_loader()},
    )  # fmt: skip

    def leaves(o):
        if isinstance(o, dict):
            for k, v in o.items():
                if k != "@context":
                    yield from leaves(v)
        elif isinstance(o, list):
            for v in o:
                yield from leaves(v)
        else:
            yield o

    def in_graph(v):
        return json.dumps(v, ensure_ascii=False).strip('"') in nquads or str(v).lower() in nquads

    missing = {v for v in leaves(c) if not in_graph(v)}
    assert missing == set()


def test_invalid_inputs_are_refused_with_reasons():
    with pytest.raises(InvalidInput, match="at least one product"):
        dcc.build_dcc(attestation(products=()))
    with pytest.raises(InvalidInput, match="valid_until after valid_from"):
        dcc.build_dcc(attestation(valid_until=datetime(2000, 1, 1, tzinfo=UTC)))
    with pytest.raises(InvalidInput, match="unknown publisher"):
        dcc.build_dcc(attestation(standards=("XYZ 1:2000",)))
    with pytest.raises(InvalidInput, match="timezone"):
        dcc.build_dcc(attestation(valid_from=datetime(2024, 1, 1)))


# --- the reader: read_dcc is build_dcc's inverse ---------------------------------------------


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(attestation_inputs())
def test_reading_a_dcc_and_writing_it_again_gives_the_same_credential(inp):
    credential = dcc.build_dcc(inp)
    back = dcc.read_dcc(credential)
    assert dcc.build_dcc(back) == credential
    claims = dcc.read_claims(credential)  # the verifier's part, by the same rules
    assert (claims.number, claims.issue, claims.scheme, claims.valid_from) == (
        inp.certificate_number, inp.issue_number, back.scheme.code, inp.valid_from)
    assert claims.standards == tuple(dict.fromkeys(
        s if isinstance(s, str) else s.designation for s in inp.standards))


def test_read_dcc_returns_the_input_in_normal_form():
    inp = attestation(standards=tuple(dcc.standard_ref(s) for s in
                                      ("IEC 60335-1:2020", "IEC 60335-2-15:2016")),
                      accreditation=dcc.AccreditationRef(
                          id=f"{BASE}/accreditations/CNAS-C001", number="CNAS C001",
                          scope="ISO/IEC 17065 product certification: household appliances",
                          body=dcc.Party(AB_DID, "China National Accreditation Service"),
                          iaf_mla_signatory=True))
    back = dcc.read_dcc(dcc.build_dcc(inp))
    assert back == inp
    assert back.certificate_number == "CN-2024-0001" and back.issue_number == 1
    assert back.products[0].models == ("EK-17", "EK-18")
    assert back.products[0].trademark == "Exemplar"


def test_read_dcc_names_what_is_not_a_dcc():
    with pytest.raises(InvalidInput, match="not a Digital Conformity Credential"):
        dcc.read_dcc({"type": ["VerifiableCredential"], "credentialSubject": {}})
    broken = dcc.build_dcc(attestation())
    del broken["credentialSubject"]["scope"]
    with pytest.raises(InvalidInput, match="scope"):
        dcc.read_dcc(broken)
