"""The certificate lifecycle service, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from certpass.accounts.actor import OPERATOR, Actor
from certpass.certificates import service
from certpass.certificates.models import Certificate, CertificateIssue, StatusEvent
from certpass.certificates.schemas import AmendRequest, TransitionRequest
from certpass.errors import (
    DuplicateCertificate,
    Forbidden,
    IllegalTransition,
    InvalidInput,
    NotAccredited,
    NotFound,
    OutOfScope,
)
from certpass.ledger.models import LogEntry
from certpass.search import service as search
from tests.registry_fixture import ctx, request, seed


@pytest.fixture
def registry_db(db):
    seed(db)
    return db


def counts(db) -> tuple[int, int, int, int]:
    with db.read() as s:
        rows = tuple(s.scalar(select(func.count()).select_from(m)) for m in
                     (Certificate, CertificateIssue, StatusEvent))
        # Certificate entries only: an issuer's first credential also logs its key.added.
        return (*rows, s.scalar(select(func.count()).select_from(LogEntry).where(
            LogEntry.event_type.startswith("certificate."))))


def test_issue_records_certificate_history_and_log(registry_db):
    before = counts(registry_db)
    with registry_db.write() as s:
        service.issue(ctx(s), request(), OPERATOR)
    with registry_db.read() as s:
        c = service.get(s, "2024010701000001")
        detail = service.to_detail(c, dt.date(2024, 6, 1)).model_dump(by_alias=True)
    assert detail["status"] == "valid" and detail["status_word"] == "有效"
    assert detail["valid_until"] == dt.date(2029, 3, 1)  # CCC: five years
    assert [h["action"] for h in detail["history"]] == ["issue"]
    assert detail["history"][0]["log_index"] is not None
    assert counts(registry_db) == tuple(b + 1 for b in before)


@pytest.mark.parametrize("overrides, error, words", [
    ({"scheme": "IECEx"}, OutOfScope, "scheme IECEx"),
    ({"standards": ["IEC 60079-0:2017"]}, OutOfScope, "IEC 60079-0:2017"),
    ({"category": "EX"}, OutOfScope, "category EX"),
    ({"issuer": "lapsed-cb"}, NotAccredited, "not valid on"),
    ({"issuer": "paused-cb", "scheme": "IECEE-CB"}, NotAccredited, "suspended"),
    ({"issuer": "nobody"}, NotFound, "unknown body"),
    ({"scheme": "XYZ"}, NotFound, "unknown scheme"),
    ({"holder": {"name": "X", "economy": "ZZ"}}, NotFound, "unknown economy"),
    ({"standards": ["IEC 99999:2000"]}, NotFound, "unknown standard"),
    ({"issued_on": "2014-01-01"}, NotAccredited, "not valid on"),
    ({"issued_on": (dt.date.today() + dt.timedelta(days=30)).isoformat()}, InvalidInput,
     "in the future"),
])
def test_refused_issuance_writes_nothing(registry_db, overrides, error, words):
    before = counts(registry_db)
    with pytest.raises(error) as caught, registry_db.write() as s:
        service.issue(ctx(s), request(**overrides), OPERATOR)
    assert words in caught.value.message
    assert counts(registry_db) == before


def test_scope_accepts_family_and_any_edition(registry_db):
    with registry_db.write() as s:
        issued = service.issue(ctx(s), request(scheme="IECEE-CB", kind="cb-test-certificate",
                                          standards=["IEC 60335-1:2010", "IEC 60335-2-15:2012"]),
                               OPERATOR)
        c = service.get(s, issued.number)
    assert c.valid_until is None  # IECEE CB test certificates carry no expiry here


def test_duplicate_number_refused(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(), OPERATOR)
    before = counts(registry_db)
    with pytest.raises(DuplicateCertificate), registry_db.write() as s:
        service.issue(ctx(s), request(), OPERATOR)
    assert counts(registry_db) == before


def test_lifecycle_and_scheme_words(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(), OPERATOR)
    steps = [("suspend", "suspended", "暂停"), ("restore", "valid", "有效"),
             ("withdraw", "withdrawn", "撤销")]
    for action, status, word in steps:
        with registry_db.write() as s:
            c = service.transition(ctx(s), "2024010701000001", action,
                                   TransitionRequest(reason=f"test {action}"), OPERATOR)
        assert (c.status, c.status_word) == (status, word)
    with pytest.raises(IllegalTransition) as caught, registry_db.write() as s:
        service.transition(ctx(s), "2024010701000001", "restore", TransitionRequest(reason="x"),
                           OPERATOR)
    assert "withdrawn" in caught.value.message
    with registry_db.read() as s:
        history = service.to_detail(service.get(s, "2024010701000001")).model_dump(
            by_alias=True)["history"]
    assert [(h["action"], h["from"], h["to"]) for h in history] == [
        ("issue", "", "valid"), ("suspend", "valid", "suspended"),
        ("restore", "suspended", "valid"), ("withdraw", "valid", "withdrawn")]
    assert all(h["actor"] == "operator" and h["reason"] for h in history)


def test_cancelled_cannot_be_amended(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(), OPERATOR)
        service.transition(ctx(s), "2024010701000001", "cancel",
                           TransitionRequest(reason="holder asked"), OPERATOR)
    with pytest.raises(IllegalTransition), registry_db.write() as s:
        service.amend(ctx(s), "2024010701000001",
                      AmendRequest(issued_on=dt.date(2024, 5, 1), reason="new model",
                                   standards=["GB 4706.1-2005"]), OPERATOR)


def test_amend_makes_new_issue_and_supersedes(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(), OPERATOR)
    new_products = [{"name": "Electric kettle", "models": ["EK-17", "EK-19"], "hs_code": "8516.79"}]
    with registry_db.write() as s:
        service.amend(ctx(s), "2024010701000001", AmendRequest.model_validate(
            {"issued_on": "2024-06-01", "reason": "model EK-19 added",
             "products": new_products}), OPERATOR)
    with registry_db.read() as s:
        d = service.to_detail(service.get(s, "2024010701000001"), dt.date(2024, 7, 1)).model_dump(
            by_alias=True)
    assert d["issue"] == 1 and d["issued_on"] == dt.date(2024, 6, 1)
    assert [i["status"] for i in d["issues"]] == ["superseded", "current"]
    assert d["issues"][0]["products"][0]["models"] == ["EK-17", "EK-18"]  # history readable
    assert d["products"][0]["models"] == ["EK-17", "EK-19"]


def test_amend_cannot_be_backdated(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(), OPERATOR)
    with pytest.raises(InvalidInput) as caught, registry_db.write() as s:
        service.amend(ctx(s), "2024010701000001", AmendRequest(
            issued_on=dt.date(2024, 1, 1), reason="backdated", standards=["GB 4706.1-2005"]),
            OPERATOR)
    assert "backdated" in caught.value.hint


def test_expiry_is_computed_from_validity(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(issued_on="2019-01-10"), OPERATOR)  # valid until 2024-01-10
    with registry_db.read() as s:
        c = service.get(s, "2024010701000001")
        assert service.to_summary(c, dt.date(2024, 1, 10)).status == "valid"
        summary = service.to_summary(c, dt.date(2024, 1, 11)).model_dump()
        assert (summary["status"], summary["status_word"]) == ("expired", "过期")
        _, total = search.listing(
            s, search.CertificateQuery(status="expired"), 10, 0)
        assert total == 1
    with pytest.raises(IllegalTransition, match="expired"), registry_db.write() as s:
        service.transition(ctx(s), "2024010701000001", "suspend", TransitionRequest(reason="x"),
                           OPERATOR)


def test_only_the_issuing_body_writes_its_certificates(registry_db):
    other = Actor(name="someone", role="certification-body", body_id="paused-cb")
    with pytest.raises(Forbidden), registry_db.write() as s:
        service.issue(ctx(s), request(), other)
    with registry_db.write() as s:  # a certification body records today's issue
        service.issue(ctx(s), request(issued_on=dt.date.today()),
                      Actor(name="cqc-user", role="certification-body", body_id="cqc"))
    for actor in (other, Actor(name="ab", role="accreditation-body", body_id="cnas")):
        with pytest.raises(Forbidden), registry_db.write() as s:
            service.transition(ctx(s), "2024010701000001", "suspend",
                               TransitionRequest(reason="x"), actor)


def test_list_filters_and_pagination(registry_db):
    with registry_db.write() as s:
        for i in range(7):
            service.issue(ctx(s), request(f"N-{i:04d}", issued_on=f"2024-03-0{i + 1}"), OPERATOR)
        service.transition(ctx(s), "N-0003", "suspend", TransitionRequest(reason="x"), OPERATOR)
    with registry_db.read() as s:
        rows, total = search.listing(s, search.CertificateQuery(), 3, 0)
        assert total == 7 and [r.number for r in rows] == ["N-0006", "N-0005", "N-0004"]
        rows, total = search.listing(s, search.CertificateQuery(status="suspended"),
                                                10, 0)
        assert [r.number for r in rows] == ["N-0003"]
        _, total = search.listing(s, search.CertificateQuery(q="n-000"), 10, 5)
        assert total == 7


def test_reserved_ids_are_the_stored_ids_and_never_repeat(registry_db) -> None:  # type: ignore[no-untyped-def]
    issued = []
    for batch in (["A-001", "A-002", "A-003"], ["B-001", "B-002"]):
        with registry_db.write() as s:
            issued += service.issue_many(ctx(s), [request(n) for n in batch], OPERATOR)
    # A transaction that rolls back spends ids, harmlessly.
    with pytest.raises(RuntimeError), registry_db.write() as s:
        service.issue(ctx(s), request("C-001"), OPERATOR)
        raise RuntimeError
    with registry_db.write() as s:
        issued.append(service.issue(ctx(s), request("D-001"), OPERATOR))
    with registry_db.read() as s:
        stored = {n: i for n, i in s.execute(select(Certificate.number, Certificate.id))}
    assert stored == {i.number: i.id for i in issued}
    ids = [i.id for i in issued]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)


def test_a_batch_is_refused_whole_for_one_taken_number(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request("T-001"), OPERATOR)
    for numbers in (["T-002", "T-001"], ["T-003", "T-003"]):  # registered; twice in the batch
        with pytest.raises(DuplicateCertificate), registry_db.write() as s:
            service.issue_many(ctx(s), [request(n) for n in numbers], OPERATOR)
    assert counts(registry_db)[0] == 1
