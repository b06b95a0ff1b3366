"""Each verdict from a realistic case, against a bundle built in code (test_verifier_world)."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from certpass.credentials import dcc, jose, proofs, status_list
from certpass.credentials.verifier import CHECKS, MESSAGES, VERDICTS, verify, verify_number
from tests.credentials.fixtures import json_paths
from tests.credentials.test_verifier_world import World, out_of_scope

ON = dt.date(2024, 6, 1)
WORLD = World()
TRUST = WORLD.trust()
GOOD = WORLD.credential()


def check(result, name):  # type: ignore[no-untyped-def]
    return next(c for c in result.checks if c.name == name)


@pytest.mark.parametrize("suite", [proofs.JCS, proofs.RDFC])
def test_valid_credential_in_both_suites(suite: str) -> None:
    result = verify(WORLD.credential(suite), TRUST, on=ON)
    assert result.verdict == "valid", result.to_json()
    assert [c.name for c in result.checks] == list(CHECKS)
    assert [c.ok for c in result.checks] == [True] * 8  # the signed register vouches for the log
    assert "CNAS-C001" in check(result, "authority").detail
    assert result.certificate == {
        "number": "2024010701000001",
        "issuer": {"id": WORLD.cb.did, "name": WORLD.cb.name},
        "holder": {"id": "https://certpass.example:8000/parties/holder-1",
                   "name": "Example Appliances Co., Ltd."},
        "products": [{"name": "Electric kettle EK-17", "model": "EK-17"}],
        "status": "valid", "issue": 0, "current_issue": 0,
    }


def test_jwt_and_envelope_and_bytes_are_accepted() -> None:
    token = WORLD.jwt()
    for data in (token, token.encode(), jose.envelope(token), json.dumps(GOOD).encode()):
        assert verify(data, TRUST, on=ON).verdict == "valid"


@pytest.mark.parametrize("data", [
    b"\xff\xfe not utf-8", "not json at all", "[1, 2]", "{}",
    json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["Thing"]}),
])
def test_malformed_input(data: str | bytes) -> None:
    result = verify(data, TRUST, on=ON)
    assert result.verdict == "malformed"
    assert check(result, "format").ok is False
    assert all(c.ok is None for c in result.checks[1:])


@pytest.mark.parametrize("token", [
    "abc",  # no dots at all (this raised IndexError: a 500 on /api/verify)
    "a.b",
    jose.b64url_encode(b"{}") + "." + jose.b64url_encode(b"\xff") + ".c",
    jose.b64url_encode(b"{}") + "." + jose.b64url_encode(b"[1, 2]") + ".c",
])
def test_an_envelope_whose_id_is_no_json_jws_is_malformed(token: str) -> None:
    result = verify(jose.envelope(token), TRUST, on=ON)
    assert result.verdict == "malformed"
    assert "JSON" in check(result, "format").detail


def test_schema_invalid_dcc_is_malformed_and_says_why() -> None:
    bad = copy.deepcopy(GOOD)
    bad["credentialSubject"]["assessmentLevel"] = "Excellent"  # not in the UNTP enumeration
    result = verify(bad, TRUST, on=ON)
    assert result.verdict == "malformed"
    assert "assessmentLevel" in check(result, "format").detail


def test_changed_holder_name_is_tampered() -> None:
    forged = copy.deepcopy(GOOD)
    forged["credentialSubject"]["issuedToParty"]["name"] = "Someone Else Ltd"
    result = verify(forged, TRUST, on=ON)
    assert result.verdict == "tampered"
    assert check(result, "integrity").ok is False


def test_changed_proof_value_is_tampered() -> None:
    forged = copy.deepcopy(GOOD)
    value = forged["proof"]["proofValue"]
    forged["proof"]["proofValue"] = value[:-2] + ("2" if value[-2] != "2" else "3") + value[-1]
    assert verify(forged, TRUST, on=ON).verdict == "tampered"


def test_tampered_jwt() -> None:
    header, payload, sig = WORLD.jwt().split(".")
    claims = json.loads(jose.b64url_decode(payload))
    claims["validUntil"] = "2039-03-01T00:00:00Z"
    forged = ".".join([header, jose.b64url_encode(json.dumps(claims).encode()), sig])
    assert verify(forged, TRUST, on=ON).verdict == "tampered"


def test_unknown_issuer() -> None:
    stranger = WORLD.stranger
    cred = WORLD.sign(WORLD.unsigned(issuer=dcc.Party(stranger.did, stranger.name)),
                      signer=stranger)
    result = verify(cred, TRUST, on=ON)
    assert result.verdict == "unknown-issuer"
    assert check(result, "issuer").ok is False and check(result, "integrity").ok is None


def test_known_key_of_another_body_naming_cqc_as_issuer_is_unknown_issuer() -> None:
    cred = WORLD.sign(WORLD.unsigned(), signer=WORLD.ab)  # the AB signs "as" cqc
    result = verify(cred, TRUST, on=ON)
    assert result.verdict == "unknown-issuer"
    assert "not of the named issuer" in check(result, "issuer").detail


def test_out_of_scope_certificate_from_accredited_body_is_unauthorised() -> None:
    result = verify(out_of_scope(WORLD), TRUST, on=ON)
    assert result.verdict == "unauthorised-issuer"
    assert check(result, "integrity").ok is True and check(result, "issuer").ok is True
    assert "IEC 60079-0:2017 is not in scope" in check(result, "authority").detail


def test_accreditation_suspended_before_issue_date_is_unauthorised_but_not_after() -> None:
    suspended = WORLD.scope.__class__(**{**WORLD.scope.__dict__, "status": "suspended"})
    before = WORLD.trust(accreditations=[WORLD.accreditation(suspended, dt.date(2023, 1, 1))])
    after = WORLD.trust(accreditations=[WORLD.accreditation(suspended, dt.date(2024, 5, 1))])
    assert verify(GOOD, before, on=ON).verdict == "unauthorised-issuer"
    assert verify(GOOD, after, on=ON).verdict == "valid"


def test_an_accreditation_change_takes_effect_at_its_instant_not_its_day() -> None:
    """Issue 12: a suspension at 12:00 reached back to a certificate signed at 08:00 the
    same day (status changes took effect by the day). GOOD is signed 2024-03-01T08:00Z."""
    suspended = WORLD.scope.__class__(**{**WORLD.scope.__dict__, "status": "suspended"})
    noon = dt.datetime(2024, 3, 1, 12, tzinfo=dt.UTC)
    dawn = dt.datetime(2024, 3, 1, 7, tzinfo=dt.UTC)
    later = WORLD.trust(accreditations=[WORLD.accreditation(suspended, noon)])
    earlier = WORLD.trust(accreditations=[WORLD.accreditation(suspended, dawn)])
    assert verify(GOOD, later, on=ON).verdict == "valid"
    assert verify(GOOD, earlier, on=ON).verdict == "unauthorised-issuer"


def test_the_status_instant_survives_the_accreditation_credential() -> None:
    from certpass.credentials.accreditation import parse_accreditation_credential

    suspended = WORLD.scope.__class__(**{**WORLD.scope.__dict__, "status": "suspended"})
    at = dt.datetime(2024, 3, 1, 12, 30, 5, 250000, tzinfo=dt.UTC)
    facts = parse_accreditation_credential(WORLD.accreditation(suspended, at))
    assert facts.status_since == at
    assert facts.status_on(at - dt.timedelta(seconds=1)) == "active"
    assert facts.status_on(at) == "suspended"


def test_no_accreditation_from_a_trusted_ab_is_unauthorised() -> None:
    assert verify(GOOD, WORLD.trust(accreditations=[]), on=ON).verdict == "unauthorised-issuer"


@pytest.mark.parametrize(("purpose", "verdict"), [("revocation", "revoked"),
                                                  ("suspension", "suspended")])
def test_status_bits(purpose: str, verdict: str) -> None:
    world = World()
    status_list.set(world.revocation if purpose == "revocation" else world.suspension, 7, True)
    other = {"certificate_number": "2024010701000002", "index": 8}
    world.issue(world.unsigned(**other))
    trust = world.trust()
    result = verify(world.credential(index=7), trust, on=ON)
    assert result.verdict == verdict and result.certificate["status"] == verdict
    assert verify(world.credential(**other), trust, on=ON).verdict == "valid"


def test_revoked_beats_expired_and_messages_differ() -> None:
    world = World()
    status_list.set(world.revocation, 7, True)
    result = verify(world.credential(index=7), world.trust(), on=dt.date(2030, 1, 1))
    assert result.verdict == "revoked"
    assert {c.name for c in result.checks if c.ok is False} == {"status", "validity"}
    assert len(set(MESSAGES.values())) == len(MESSAGES)


def test_expired_and_not_yet_valid() -> None:
    assert verify(GOOD, TRUST, on=dt.date(2029, 3, 1)).verdict == "expired"
    assert verify(GOOD, TRUST, on=dt.date(2029, 2, 28)).verdict == "valid"
    assert verify(GOOD, TRUST, on=dt.date(2024, 2, 29)).verdict == "not-yet-valid"
    assert verify(GOOD, TRUST, on=dt.date(2024, 3, 1)).verdict == "valid"


def test_retired_key_signing_after_retirement_is_unknown_issuer() -> None:
    after = WORLD.sign(WORLD.unsigned(), key_index=0,
                       created=dt.datetime(2024, 3, 1, tzinfo=dt.UTC))
    result = verify(after, TRUST, on=ON)
    assert result.verdict == "unknown-issuer"
    assert check(result, "integrity").ok is True  # the bytes are what the key signed
    assert "retired" in check(result, "issuer").detail
    before = WORLD.sign(WORLD.unsigned(), key_index=0,
                        created=dt.datetime(2023, 12, 31, tzinfo=dt.UTC))
    assert verify(before, TRUST, on=ON).verdict == "valid"


def test_missing_status_list_is_not_valid() -> None:
    cred = WORLD.credential(status=(
        dcc.StatusRef("https://certpass.example:8000/status/cqc/revocation/99", 1),))
    assert verify(cred, TRUST, on=ON).verdict == "unknown-issuer"


def test_not_found_by_number() -> None:
    result = verify_number("NO-SUCH-1", TRUST)
    assert result.verdict == "not-found"
    assert result.to_json()["message"] == MESSAGES["not-found"]


def test_verdict_precedence_is_the_documented_one() -> None:
    assert VERDICTS == ("malformed", "tampered", "unknown-issuer", "unauthorised-issuer",
                        "unregistered", "revoked", "suspended", "superseded", "expired",
                        "not-yet-valid", "valid")


# --- any single change breaks it --------------------------------------------------------

CANONICAL = json.dumps(GOOD, ensure_ascii=False).encode()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, len(CANONICAL) - 1), st.integers(1, 255))
def test_any_changed_byte_is_not_valid(position: int, delta: int) -> None:
    data = bytearray(CANONICAL)
    data[position] = (data[position] + delta) % 256
    try:
        same = json.loads(bytes(data)) == GOOD
    except (UnicodeDecodeError, json.JSONDecodeError):
        same = False
    if same:  # e.g. whitespace between tokens: the same JSON value, rightly still valid
        return
    assert verify(bytes(data), TRUST, on=ON).verdict != "valid"


LEAVES = list(json_paths(GOOD))


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(LEAVES), st.one_of(st.text(max_size=5), st.integers(), st.booleans()))
def test_any_changed_field_or_proof_value_is_not_valid(path: tuple, value: object) -> None:
    forged = copy.deepcopy(GOOD)
    target = forged
    for p in path[:-1]:
        target = target[p]
    if target[path[-1]] == value:
        return
    target[path[-1]] = value
    assert verify(forged, TRUST, on=ON).verdict != "valid"


@pytest.mark.parametrize("suite", proofs.SUITES)
def test_a_signed_credential_whose_expansion_drops_a_value_is_malformed(suite: str) -> None:
    """Signed by a key the trust source knows: without safe mode it would verify (the
    dropped {"@value": null} is not in the RDF an eddsa-rdfc-2022 proof signs)."""
    unsigned = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"], "issuer": WORLD.cb.did,
                "validFrom": "2024-03-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:subject", "name": "Alice"}}
    assert verify(WORLD.sign(unsigned, suite=suite), TRUST, on=ON).verdict == "valid"
    dropping = dict(unsigned, name={"@value": None})
    result = verify(WORLD.sign(dropping, suite=suite), TRUST, on=ON)
    assert result.verdict == "malformed"
    assert "a value object whose @value is null" in check(result, "format").detail
