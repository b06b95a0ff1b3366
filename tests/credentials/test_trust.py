"""Live trust through the certificate service, the exported bundle offline, and the bundle's
refusals. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service
from certpass.certificates.schemas import TransitionRequest
from certpass.credentials import service as credentials
from certpass.credentials import status_list
from certpass.credentials.trust import LiveTrust, export_bundle
from certpass.credentials.trust_source import BundleTrust, InvalidTrustBundle
from certpass.credentials.verifier import verify, verify_number
from certpass.ledger import service as ledger
from tests.credentials.test_verifier_world import World
from tests.registry_fixture import SETTINGS, ctx, request, seed

NUMBER = "2024010701000001"


@pytest.fixture
def issued(db):  # type: ignore[no-untyped-def]
    seed(db)
    with db.write() as s:
        service.issue(ctx(s), request(NUMBER), OPERATOR)
        service.issue(ctx(s), request("2024010701000002"), OPERATOR)
    with db.write() as s:
        ledger.checkpoint_now(s, SETTINGS)
    return db


def _document(db, number: str = NUMBER) -> dict:  # type: ignore[no-untyped-def]
    with db.read() as s:
        return credentials.stored(s, service.get(s, number)).signed_document()


def test_issued_credential_verifies_live_with_its_log_receipt(issued) -> None:  # type: ignore[no-untyped-def]
    with issued.read() as s:
        result = verify_number(NUMBER, LiveTrust(s, SETTINGS))
    assert result.verdict == "valid", result.to_json()
    log = next(c for c in result.checks if c.name == "log")
    assert log.ok is True and "entry" in log.detail
    authority = next(c for c in result.checks if c.name == "authority")
    assert "CNAS-C001" in authority.detail and "IAF MLA" in authority.detail


def test_jwt_of_a_back_dated_certificate_verifies_live(issued) -> None:  # type: ignore[no-untyped-def]
    """A JWS has no signing time; validFrom (the issue date, 2024-03-01, before the key was
    made) must not count as one, or every back-dated certificate's JWT is refused."""
    with issued.read() as s:
        row = credentials.stored(s, service.get(s, NUMBER))
        result = verify(credentials.jwt(SETTINGS, row), LiveTrust(s, SETTINGS))
    assert row.key.created_at.date() > dt.date(2024, 3, 1)
    assert result.verdict == "valid", result.to_json()


def test_withdrawn_and_suspended_live(issued) -> None:  # type: ignore[no-untyped-def]
    with issued.write() as s:
        service.transition(ctx(s), NUMBER, "withdraw", TransitionRequest(reason="fraud"),
                           OPERATOR)
        service.transition(ctx(s), "2024010701000002", "suspend",
                           TransitionRequest(reason="audit"), OPERATOR)
    with issued.read() as s:
        trust = LiveTrust(s, SETTINGS)
        assert verify_number(NUMBER, trust).verdict == "revoked"
        assert verify_number("2024010701000002", trust).verdict == "suspended"
        assert verify_number("NOPE-404", trust).verdict == "not-found"


def test_bundle_verifies_offline_with_the_database_gone(issued) -> None:  # type: ignore[no-untyped-def]
    document = _document(issued)
    with issued.write() as s:
        service.transition(ctx(s), "2024010701000002", "withdraw",
                           TransitionRequest(reason="x"), OPERATOR)
    revoked = _document(issued, "2024010701000002")
    with issued.write() as s:
        bundle = export_bundle(s, SETTINGS)
    issued.engine.dispose()
    text = json.dumps(bundle)
    trust = BundleTrust.from_json(text)
    assert verify(document, trust).verdict == "valid"
    assert verify(revoked, trust).verdict == "revoked"
    assert trust.log_vkey() and trust.checkpoint
    assert bundle["anchors"][0]["id"] == "cnas"
    assert bundle["anchors"][0]["signatories"] == ["IAF MLA", "ILAC MRA"]


def test_accreditation_credentials_are_deterministic(issued) -> None:  # type: ignore[no-untyped-def]
    from certpass.credentials.trust import signed_accreditations
    with issued.write() as s:
        first = signed_accreditations(s, SETTINGS, "cqc")
    with issued.write() as s:
        again = signed_accreditations(s, SETTINGS, "cqc")
    assert first == again and len(first) == 1
    assert first[0]["credentialSubject"]["registerType"] == "Accreditation"
    assert first[0]["issuer"]["id"].endswith(":bodies:cnas")


# --- bundle refusals (no database needed) -----------------------------------------------


def test_bundle_with_altered_accreditation_is_refused() -> None:
    bundle = World().bundle()
    bundle["accreditations"][0]["credentialSubject"]["registrationScopeList"].append(
        "urn:certpass:standard:IEC%2060079-0%3A2017")
    with pytest.raises(InvalidTrustBundle, match="bad signature"):
        BundleTrust.from_dict(bundle)


def test_bundle_with_altered_status_list_is_refused() -> None:
    bundle = World().bundle()
    subject = bundle["status_lists"][0]["credentialSubject"]
    cleared = status_list.new()
    status_list.set(cleared, 7, True)
    assert subject["encodedList"] != status_list.encode(cleared)
    subject["encodedList"] = status_list.encode(cleared)  # someone "un-revokes" nobody
    with pytest.raises(InvalidTrustBundle):
        BundleTrust.from_dict(bundle)


def test_accreditation_signed_by_a_body_that_is_not_an_anchor_is_refused() -> None:
    world = World()
    bundle = world.bundle()
    forged = copy.deepcopy(bundle["accreditations"][0])
    forged.pop("proof")
    forged["issuer"]["id"] = world.cb.did
    bundle["accreditations"] = [world.sign(forged)]  # cqc accrediting itself
    with pytest.raises(InvalidTrustBundle, match="bad signature"):
        BundleTrust.from_dict(bundle)


@pytest.mark.parametrize("raw", [b"not json", b"[]", b'{"format": "x"}',
                                 b'{"format": "certpass-trust-bundle", "version": 9}',
                                 b'{"format": "certpass-trust-bundle", "version": 1}'])
def test_malformed_bundles_are_refused_clearly(raw: bytes) -> None:
    with pytest.raises(InvalidTrustBundle) as info:
        BundleTrust.from_json(raw)
    assert info.value.message


def test_bundle_from_file_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    world = World()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(world.bundle()))
    trust = BundleTrust.load(str(path))
    assert verify(world.credential(), trust, on=dt.date(2024, 6, 1)).verdict == "valid"
    with pytest.raises(InvalidTrustBundle, match="cannot read"):
        BundleTrust.load(str(tmp_path / "missing.json"))


def test_the_bundles_register_reads_in_batches_what_each_lookup_reads(issued) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from certpass.certificates.models import Certificate
    from certpass.certificates.schemas import AmendRequest
    from certpass.credentials import trust

    with issued.write() as s:
        service.amend(ctx(s), NUMBER, AmendRequest.model_validate(
            {"issued_on": "2024-04-01", "reason": "models removed",
             "products": [{**request(NUMBER).products[0].model_dump(), "models": ["EK-17"]}]}),
            OPERATOR)
    with issued.read() as s:
        one = [trust.registered_certificate(s, c)
               for c in s.scalars(select(Certificate).order_by(Certificate.number))]
        batched = trust.registered_certificates(s)
    assert batched == one
    amended = next(r for r in batched if r.number == NUMBER)
    assert [i.issue for i in amended.issues] == [0, 1] and amended.issues[1].changes
    assert all(i.logged_at is not None for r in batched for i in r.issues)


def _statements(db, document: dict) -> tuple[str, int]:  # type: ignore[no-untyped-def]
    """The verdict of a fresh LiveTrust in a read session, and the queries it ran."""
    from sqlalchemy import event

    seen: list[str] = []

    def count(_conn, _cursor, statement: str, *_: object) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append(statement)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with db.read() as s:
            verdict = verify(document, LiveTrust(s, SETTINGS)).verdict
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return verdict, len(seen)


def test_live_trust_is_read_once_per_state_and_never_stale(issued) -> None:  # type: ignore[no-untyped-def]
    """What one verification read is shared by the next while the database is in the same
    state (three stamp reads instead of about twenty), and every logged change, a status
    change, ends it: the verdict is never an earlier state's."""
    document = _document(issued)
    verdict, first = _statements(issued, document)
    assert verdict == "valid"
    verdict, again = _statements(issued, document)
    assert verdict == "valid" and again <= 3 < first  # the log's size, newest leaf, checkpoint

    with issued.write() as s:
        service.transition(ctx(s), NUMBER, "suspend", TransitionRequest(reason="audit"),
                           OPERATOR)
    assert _statements(issued, document)[0] == "suspended"
    with issued.write() as s:
        service.transition(ctx(s), NUMBER, "restore", TransitionRequest(reason="ok"),
                           OPERATOR)
    assert _statements(issued, document)[0] == "valid"
    with issued.write() as s:
        service.transition(ctx(s), NUMBER, "withdraw", TransitionRequest(reason="fraud"),
                           OPERATOR)
    assert _statements(issued, document)[0] == "revoked"


def test_a_new_checkpoint_gives_a_receipt_at_once(issued) -> None:  # type: ignore[no-untyped-def]
    """A checkpoint appends nothing to the log, yet it is part of the stamp: an entry that
    was 'not under a checkpoint yet' has its receipt as soon as one is signed."""
    with issued.write() as s:
        service.issue(ctx(s), request("2024010701000003"), OPERATOR)
    document = _document(issued, "2024010701000003")

    def log_check() -> str:
        with issued.read() as s:
            result = verify(document, LiveTrust(s, SETTINGS))
        return next(c.detail for c in result.checks if c.name == "log")
    before = log_check()
    with issued.write() as s:
        ledger.checkpoint_now(s, SETTINGS)
    after = log_check()
    assert after != before and "checkpoint" in after
