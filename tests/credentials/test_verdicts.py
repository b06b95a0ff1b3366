"""One meaning of `valid` (issue 11): the registry's current, logged issue. Known answers
through the real certificate service, online (LiveTrust) and offline (an exported bundle):
a credential signed before an amendment is `superseded`; a DCC signed with a registry key
outside the register is `unregistered`; the log entry is found without a receipt."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service
from certpass.certificates.schemas import AmendRequest, Product
from certpass.credentials import keyring, proofs
from certpass.credentials import service as credentials
from certpass.credentials.trust import LiveTrust, export_bundle
from certpass.credentials.trust_source import BundleTrust
from certpass.credentials.verifier import verify, verify_number
from certpass.ledger import service as ledger
from tests.registry_fixture import SETTINGS, ctx, request, seed

NUMBER = "2024010701000001"


@pytest.fixture
def amended(db):  # type: ignore[no-untyped-def]
    """Issue 0 lists models EK-17 and EK-18; issue 1 (the amendment) removes EK-18."""
    seed(db)
    with db.write() as s:
        service.issue(ctx(s), request(NUMBER), OPERATOR)
    with db.write() as s:
        service.amend(ctx(s), NUMBER, AmendRequest(
            issued_on=dt.date(2024, 6, 1), reason="EK-18 recalled",
            products=[Product(name="Electric kettle", name_zh="电水壶", models=["EK-17"],
                              trademark="Example", ratings="220 V~ 50 Hz 1800 W",
                              hs_code="8516.79")]), OPERATOR)
    with db.write() as s:
        ledger.checkpoint_now(s, SETTINGS)
    return db


def _stored(db, issue: int) -> dict:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return credentials.stored(s, service.get(s, NUMBER), issue).signed_document()


def _check(result, name):  # type: ignore[no-untyped-def]
    return next(c for c in result.checks if c.name == name)


def test_a_credential_signed_before_an_amendment_is_superseded_online_and_offline(amended):  # type: ignore[no-untyped-def]
    old, current = _stored(amended, 0), _stored(amended, 1)
    assert "EK-18" in json.dumps(old) and "EK-18" not in json.dumps(current)
    with amended.read() as s:
        trust = LiveTrust(s, SETTINGS)
        online = verify(old, trust)
        assert verify(current, trust).verdict == "valid"
    with amended.write() as s:
        bundle = export_bundle(s, SETTINGS)
    offline_trust = BundleTrust.from_dict(json.loads(json.dumps(bundle)))
    offline = verify(old, offline_trust)
    assert verify(current, offline_trust).verdict == "valid"
    for result in (online, offline):
        assert result.verdict == "superseded", result.to_json()
        detail = _check(result, "register").detail
        assert "superseded by issue 1" in detail and "models removed: EK-18" in detail
        assert "EK-18 recalled" in detail
        assert result.certificate["status"] == "superseded"
        assert (result.certificate["issue"], result.certificate["current_issue"]) == (0, 1)


def test_a_dcc_signed_with_a_registry_key_outside_the_register_is_unregistered(amended):  # type: ignore[no-untyped-def]
    """What `POST /credentials/issue` used to sign: the body's genuine current key over a
    DCC the register never issued (here the current issue with a model added back)."""
    forged = copy.deepcopy(_stored(amended, 1))
    del forged["proof"]
    for a in forged["credentialSubject"]["assessment"]:
        a["assessedProduct"].append(copy.deepcopy(a["assessedProduct"][0]))
        a["assessedProduct"][-1]["product"]["registeredId"] = "EK-99"
    with amended.write() as s:
        signer = keyring.signer(s, SETTINGS, "cqc")
        signed = proofs.sign(forged, signer.pair, signer.verification_method, proofs.JCS,
                             dt.datetime.now(dt.UTC))
    with amended.read() as s:
        online = verify(signed, LiveTrust(s, SETTINGS))
    with amended.write() as s:
        offline = verify(signed, BundleTrust.from_dict(export_bundle(s, SETTINGS)))
    for result in (online, offline):
        assert result.verdict == "unregistered", result.to_json()
        assert _check(result, "integrity").ok is True  # the key's signature is genuine
        assert _check(result, "register").ok is False
        assert _check(result, "log").ok is False  # nor is it in the log


def test_an_unknown_number_signed_with_a_registry_key_is_unregistered(amended):  # type: ignore[no-untyped-def]
    forged = copy.deepcopy(_stored(amended, 1))
    del forged["proof"]
    subject = forged["credentialSubject"]
    subject["name"] = subject["name"].replace(NUMBER, "2099000000000001")
    with amended.write() as s:
        signer = keyring.signer(s, SETTINGS, "cqc")
        signed = proofs.sign(forged, signer.pair, signer.verification_method, proofs.JCS,
                             dt.datetime.now(dt.UTC))
    with amended.read() as s:
        result = verify(signed, LiveTrust(s, SETTINGS))
    assert result.verdict == "unregistered"
    assert "2099000000000001" in _check(result, "register").detail


def test_the_online_verifier_finds_the_log_entry_itself(amended):  # type: ignore[no-untyped-def]
    """No receipt travels with an uploaded credential: LiveTrust knows the issue's entry."""
    with amended.read() as s:
        result = verify(_stored(amended, 1), LiveTrust(s, SETTINGS))
        jwt = credentials.jwt(SETTINGS, credentials.stored(s, service.get(s, NUMBER)))
        by_jwt = verify(jwt, LiveTrust(s, SETTINGS))
    for r in (result, by_jwt):
        log = _check(r, "log")
        assert r.verdict == "valid" and log.ok is True, r.to_json()
        assert "found by the verifier" in log.detail and "checkpoint" in log.detail


def test_the_qr_hash_picks_the_issue(amended):  # type: ignore[no-untyped-def]
    with amended.read() as s:
        cert = service.get(s, NUMBER)
        old = credentials.stored(s, cert, 0).sha256
        new = credentials.stored(s, cert, 1).sha256
        trust = LiveTrust(s, SETTINGS)
        assert verify_number(NUMBER, trust, sha256=new).verdict == "valid"
        assert verify_number(NUMBER, trust, sha256=new.upper()).verdict == "valid"
        superseded = verify_number(NUMBER, trust, sha256=old)
        zeros = verify_number(NUMBER, trust, sha256="0" * 64)
    assert superseded.verdict == "superseded"
    assert zeros.verdict == "no-match" and not zeros.valid
    assert "does not match the register" in zeros.checks[0].detail
    assert "does not match the register" in zeros.message


def test_a_compromised_key_counts_only_for_what_the_log_recorded_before(amended):  # type: ignore[no-untyped-def]
    """Online, with `keys revoke --compromised-at`: the registered issues (logged before the
    compromise) stay valid; the thief's new credential, back-dated to before the compromise
    in its proof `created`, does not count."""
    current = _stored(amended, 1)
    forged = copy.deepcopy(current)
    del forged["proof"]
    forged["credentialSubject"]["issuedToParty"]["name"] = "Thief Trading Ltd"
    with amended.write() as s:
        signer = keyring.signer(s, SETTINGS, "cqc")
        stolen, vm = signer.pair, signer.verification_method
        # A second after every issue was logged (the log's times have microseconds).
        compromised_at = (dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)).replace(
            microsecond=0)
        keyring.revoke(s, SETTINGS, "cqc", vm, compromised_at, OPERATOR,
                       now=compromised_at + dt.timedelta(seconds=1))
    back_dated = proofs.sign(forged, stolen, vm, proofs.JCS, "2024-06-01T08:00:00Z")
    assert back_dated["proof"]["created"] < compromised_at.isoformat()
    with amended.read() as s:
        trust = LiveTrust(s, SETTINGS)
        assert trust.key(vm).revoked == compromised_at
        kept = verify(current, trust)
        thief = verify(back_dated, trust)
    assert kept.verdict == "valid", kept.to_json()
    assert thief.verdict == "unknown-issuer"
    assert "compromised" in _check(thief, "issuer").detail
    assert "never recorded this credential" in _check(thief, "issuer").detail
