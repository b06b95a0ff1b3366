"""Issuance rules (issue 12): back-dating only within a window or by the operator, logged;
valid_until within the scheme's validity; numbers without dot segments and never another
issuer's; accreditations starting far back only with a logged reason."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from pydantic import ValidationError
from sqlalchemy import func, select

from certpass.accounts.actor import OPERATOR, Actor
from certpass.certificates import service
from certpass.certificates.models import Certificate
from certpass.certificates.schemas import AmendRequest, TransitionRequest
from certpass.errors import (
    AmbiguousNumber,
    Backdated,
    BackdateReasonNeeded,
    DuplicateCertificate,
    NotFound,
    ValidityTooLong,
)
from certpass.ledger.models import LogEntry
from certpass.registry import service as registry
from certpass.registry.schemas import AccreditationIn
from tests.registry_fixture import ctx, request, second_ccc_body, seed

CQC = Actor(name="cqc-user", role="certification-body", body_id="cqc")
TODAY = dt.date.today()


@pytest.fixture
def registry_db(sqlite_db):
    seed(sqlite_db)
    return sqlite_db


def _certificates(db) -> int:
    with db.read() as s:
        return s.scalar(select(func.count()).select_from(Certificate)) or 0


def _last_entry(db) -> dict:
    with db.read() as s:
        entry = s.scalars(select(LogEntry).order_by(LogEntry.index.desc())).first()
        assert entry is not None
        return json.loads(entry.entry)


def test_a_certification_body_cannot_backdate_beyond_the_window(registry_db):
    with pytest.raises(Backdated) as caught, registry_db.write() as s:
        service.issue(ctx(s), request(issued_on=TODAY - dt.timedelta(days=8)), CQC)
    assert caught.value.code == "backdated" and caught.value.http_status == 403
    assert caught.value.details["window_days"] == 7
    assert _certificates(registry_db) == 0


def test_within_the_window_is_allowed_and_not_marked(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(issued_on=TODAY - dt.timedelta(days=7)), CQC)
    assert "backdated" not in _last_entry(registry_db)


def test_the_window_is_a_setting(registry_db):
    with registry_db.write() as s:
        c = ctx(s)
        c.settings = c.settings.replace(backdate_days=0)
        with pytest.raises(Backdated):
            service.issue(c, request(issued_on=TODAY - dt.timedelta(days=1)), CQC)


def test_the_operator_may_backdate_and_the_log_says_so(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(issued_on=dt.date(2024, 3, 1),
                                      backdate_reason="register migration"), OPERATOR)
    entry = _last_entry(registry_db)
    assert entry["type"] == "certificate.issued"
    assert entry["backdated"]["reason"] == "register migration"
    assert entry["backdated"]["days"] == (TODAY - dt.date(2024, 3, 1)).days


def test_an_amendment_cannot_be_backdated_by_a_certification_body(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(issued_on=TODAY - dt.timedelta(days=30)), OPERATOR)
    with pytest.raises(Backdated), registry_db.write() as s:
        service.amend(ctx(s), "2024010701000001", AmendRequest(
            issued_on=TODAY - dt.timedelta(days=20), reason="x",
            holder={"name": "New name", "economy": "CN"}), CQC)


@pytest.mark.parametrize("action", ["suspend", "withdraw"])
def test_a_suspension_or_withdrawal_cannot_be_dated_back_beyond_the_window(registry_db, action):
    with registry_db.write() as s:
        service.issue(ctx(s), request(issued_on=TODAY - dt.timedelta(days=30)), OPERATOR)
    before = _last_entry(registry_db)
    far_back = TransitionRequest(reason="x", effective_on=TODAY - dt.timedelta(days=8))
    with pytest.raises(Backdated) as caught, registry_db.write() as s:
        service.transition(ctx(s), "2024010701000001", action, far_back, CQC)
    assert caught.value.details["window_days"] == 7
    assert _last_entry(registry_db) == before  # nothing recorded
    with registry_db.read() as s:
        assert service.get(s, "2024010701000001").status == "valid"
    within = TransitionRequest(reason="x", effective_on=TODAY - dt.timedelta(days=7))
    with registry_db.write() as s:
        service.transition(ctx(s), "2024010701000001", action, within, CQC)
    assert "backdated" not in _last_entry(registry_db)


def test_the_operator_may_date_a_withdrawal_back_and_the_log_says_so(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(issued_on=TODAY - dt.timedelta(days=30)), OPERATOR)
        service.transition(ctx(s), "2024010701000001", "withdraw", TransitionRequest(
            reason="register migration", effective_on=TODAY - dt.timedelta(days=20)), OPERATOR)
    entry = _last_entry(registry_db)
    assert entry["type"] == "certificate.withdrawn"
    assert entry["backdated"]["days"] == 20 and entry["backdated"]["window_days"] == 7


def test_valid_until_is_bounded_by_the_scheme_validity(registry_db):
    with pytest.raises(ValidityTooLong) as caught, registry_db.write() as s:
        service.issue(ctx(s), request(issued_on=TODAY, valid_until=dt.date(9999, 12, 31)), CQC)
    assert caught.value.http_status == 422
    assert caught.value.details["validity_years"] == 5  # CCC
    longest = TODAY.replace(year=TODAY.year + 5) if (TODAY.month, TODAY.day) != (2, 29) \
        else TODAY.replace(year=TODAY.year + 5, day=28)
    with registry_db.write() as s:  # the scheme's full validity is still allowed
        service.issue(ctx(s), request(issued_on=TODAY, valid_until=longest), CQC)


def test_an_amendment_cannot_extend_beyond_the_validity(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(issued_on=TODAY), CQC)
    with pytest.raises(ValidityTooLong), registry_db.write() as s:
        service.amend(ctx(s), "2024010701000001", AmendRequest(
            issued_on=TODAY, reason="x", valid_until=dt.date(9999, 12, 31),
            holder={"name": "New name", "economy": "CN"}), CQC)


@pytest.mark.parametrize("number", ["CN/../admin", "CN/./1", "../CN-1", "CN//1", "CN-1/",
                                    "CN/.."])
def test_numbers_with_dot_or_empty_segments_are_refused(number):
    with pytest.raises(ValidationError) as caught:
        request(number)
    assert [e["loc"] for e in caught.value.errors()] == [("number",)]


def test_numbers_with_slashes_and_dots_inside_segments_stay_valid():
    assert request("CN/NEP/ExTR24.0031/00").number == "CN/NEP/ExTR24.0031/00"


def test_numbers_are_unique_per_issuer_so_no_body_can_squat_another_s(registry_db):
    """A body that takes a number first does not stop the body whose numbering it is: each
    holds its own certificate, and a look-up without the issuer says it is ambiguous."""
    with registry_db.write() as s:
        other = second_ccc_body(s)
        service.issue(ctx(s), request("CQC-2026-0001", issuer="other-cb", issued_on=TODAY),
                      other)
    with registry_db.write() as s:
        service.issue(ctx(s), request("CQC-2026-0001", issued_on=TODAY), CQC)
    with registry_db.read() as s:
        assert service.get(s, "CQC-2026-0001", issuer="cqc").issuer_id == "cqc"
        assert service.get(s, "CQC-2026-0001", issuer="other-cb").issuer_id == "other-cb"
        with pytest.raises(AmbiguousNumber) as caught:
            service.get(s, "CQC-2026-0001")
        assert caught.value.http_status == 409 and caught.value.code == "ambiguous-number"
        assert caught.value.details["issuers"] == ["other-cb", "cqc"]
        assert service.get(s, "CQC-2026-0001", prefer="cqc").issuer_id == "cqc"
        with pytest.raises(NotFound):
            service.get(s, "CQC-2026-0001", issuer="cnas")
    with pytest.raises(DuplicateCertificate) as again, registry_db.write() as s:
        service.issue(ctx(s), request("CQC-2026-0001", issued_on=TODAY), CQC)
    assert again.value.code == "duplicate-certificate"  # one's own number: amend it


def test_a_body_s_write_reaches_its_own_certificate_of_a_shared_number(registry_db):
    with registry_db.write() as s:
        other = second_ccc_body(s)
        service.issue(ctx(s), request("CN-SHARED-1", issuer="other-cb", issued_on=TODAY),
                      other)
        service.issue(ctx(s), request("CN-SHARED-1", issued_on=TODAY), CQC)
    with registry_db.write() as s:
        service.transition(ctx(s), "CN-SHARED-1", "suspend",
                           TransitionRequest(reason="audit"), CQC)
    with registry_db.read() as s:
        assert service.get(s, "CN-SHARED-1", issuer="cqc").status == "suspended"
        assert service.get(s, "CN-SHARED-1", issuer="other-cb").status == "valid"
        # The log names the issuer, and the registry audit tells the two apart.
        assert _last_entry(registry_db)["certificate"]["issuer"] == "cqc"
        assert service.audit_registry(s) == []
    with pytest.raises(AmbiguousNumber), registry_db.write() as s:  # the operator must say
        service.transition(ctx(s), "CN-SHARED-1", "restore", TransitionRequest(reason="x"),
                           OPERATOR)


def _grant(valid_from: dt.date, reason: str = "") -> AccreditationIn:
    return AccreditationIn(number="CNAS-C777", accreditor_id="cnas", body_id="paused-cb",
                           standard="ISO/IEC 17065", scope={"schemes": ["CCC"]},
                           valid_from=valid_from, valid_until=dt.date(2040, 1, 1),
                           backdate_reason=reason)


def test_an_accreditation_starting_far_back_needs_a_reason(registry_db):
    cnas = Actor(name="cnas-user", role="accreditation-body", body_id="cnas")
    with pytest.raises(BackdateReasonNeeded) as caught, registry_db.write() as s:
        registry.accredit(s, _grant(dt.date(2000, 1, 1)), cnas, 30)
    assert caught.value.http_status == 422
    with registry_db.write() as s:
        registry.accredit(s, _grant(dt.date(2000, 1, 1), "paper register since 2000"), cnas, 30)
    entry = _last_entry(registry_db)
    assert entry["type"] == "accreditation.granted"
    assert entry["backdated"]["reason"] == "paper register since 2000"


def test_a_recent_accreditation_needs_no_reason(registry_db):
    cnas = Actor(name="cnas-user", role="accreditation-body", body_id="cnas")
    with registry_db.write() as s:
        registry.accredit(s, _grant(TODAY - dt.timedelta(days=30)), cnas, 30)
    assert "backdated" not in _last_entry(registry_db)
