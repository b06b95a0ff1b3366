"""The log's account of certificates, replayed and compared with the registry: an edit made
behind the service's back (plain SQL) is caught by `log verify` and by the monitor."""

from __future__ import annotations

import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from certpass.accounts.actor import OPERATOR
from certpass.certificates import history, remote, service
from certpass.certificates.schemas import TransitionRequest
from certpass.cli.log import _replay
from certpass.ledger import service as ledger
from certpass.ledger.monitor import run_monitor
from certpass.web.app import create_app
from tests.registry_fixture import SETTINGS, ctx, request, seed

ON = dt.date(2026, 6, 1)


def test_replay_keeps_the_last_word_per_certificate():
    events = [
        {"type": "certificate.issued", "certificate": {"number": "A", "issue": 0,
                                                       "status": "valid", "valid_until": None}},
        {"type": "key.added", "key": {"body": "x"}},
        {"type": "certificate.withdrawn", "certificate": {"number": "A", "issue": 0,
                                                          "status": "withdrawn"}},
    ]
    assert history.replay(events) == {"A": history.Recorded("withdrawn", 0, None)}


def test_compare_names_each_kind_of_difference():
    rec = {"A": history.Recorded("valid", 0, "2026-01-01"), "B": history.Recorded("valid", 1, None)}
    served = {"A": history.Served("expired", 0, "2026-01-01"),  # expiry is computed: agrees
              "B": history.Served("valid", 2, None), "C": history.Served("valid", 0, None)}
    problems = history.compare(rec, served, ON)
    assert len(problems) == 2
    assert "B: the log says status valid, issue 1" in problems[0]
    assert "C is in the registry but has no log entry" in problems[1]


@pytest.fixture
def issued(db):
    seed(db)
    with db.write() as s:
        for n in ("H-1", "H-2", "H-3"):
            service.issue(ctx(s), request(n), OPERATOR)
        service.transition(ctx(s), "H-2", "withdraw", TransitionRequest(reason="fraud"), OPERATOR)
    return db


@pytest.mark.parametrize("tamper, words", [
    ("UPDATE certificates SET status = 'valid' WHERE number = 'H-2'", "H-2@cqc: the log says"),
    ("UPDATE certificates SET valid_until = '2040-01-01' WHERE number = 'H-1'", "2040-01-01"),
    ("UPDATE certificates SET current_issue = 3 WHERE number = 'H-3'", "issue 3"),
])
def test_log_verify_catches_an_edit_behind_the_service(issued, tamper, words):
    with issued.read() as s:
        assert service.audit_registry(s, ON) == []
    with issued.engine.begin() as conn:
        conn.execute(text(tamper))
    with issued.read() as s:
        problems = service.audit_registry(s, ON)
    assert len(problems) == 1 and words in problems[0]


def test_monitor_catches_an_edit_behind_the_service(issued, tmp_path):
    with issued.write() as s:
        ledger.checkpoint_now(s, SETTINGS)
    app = create_app(SETTINGS.__class__.load(environ={}, secret_key=SETTINGS.secret_key,
                                             log_publisher=False), issued)
    state = tmp_path / "monitor.json"
    with TestClient(app) as client:
        def monitor():  # type: ignore[no-untyped-def]
            return run_monitor("http://testserver", state, client=client, replay=_replay,
                               audit=remote.audit_over_http(client, "http://testserver"))

        assert monitor().ok
        with issued.engine.begin() as conn:
            conn.execute(text("UPDATE certificates SET status = 'valid' WHERE number = 'H-2'"))
        report = monitor()
    assert [p["kind"] for p in report.problems] == ["registry"]
    assert "H-2" in report.problems[0]["message"]
