"""`certpass log monitor` replays the log it fetches against what the instance serves over
HTTP: the same tamper SQL as tests/audit/test_tampering.py, caught from outside."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from certpass.audit import remote
from certpass.config import Settings
from certpass.ledger.monitor import MonitorState, run_monitor
from certpass.web.app import create_app
from tests.audit import test_tampering as tampering
from tests.audit.registry import build
from tests.registry_fixture import SETTINGS

# What a remote monitor sees differently: slots are not served (the credential's own
# status entry, which is served, still points right, and the next transition through the
# moved slot flips a bit the monitor then reports); a deleted newest checkpoint makes the
# served checkpoint smaller than the one the monitor holds; a credential row for an issue
# that does not exist is never served.
REMOTE = {"repoint_status_slot": set(), "delete_newest_checkpoint": {"rewrite"},
          "add_unlogged_credential": set()}  # the API serves issues, not credential rows


@pytest.fixture
def served(sqlite_db):  # the storage side is covered on both databases by test_tampering
    db = sqlite_db
    build(db)
    settings = Settings.load(environ={}, secret_key=SETTINGS.secret_key, log_publisher=False,
                             warm_caches=False)
    with TestClient(create_app(settings, db)) as client:
        yield db, client


def _monitor(client, state):  # type: ignore[no-untyped-def]
    return run_monitor("http://testserver", state, client=client, fold=remote.fold,
                       inspect=remote.inspector(client, "http://testserver"))


def test_a_clean_instance_monitors_clean_and_the_state_keeps_the_replay(served, tmp_path):
    _, client = served
    state = tmp_path / "monitor.json"
    first = _monitor(client, state)
    assert first.ok, first.problems
    saved = MonitorState.load(state)
    assert saved is not None and saved.checkpoints == 4
    # Numbers are unique per issuer: the replay names each certificate with its issuer.
    assert set(saved.folded["certificates"]) == {f"A-{i}@cqc" for i in range(1, 6)}
    again = _monitor(client, state)  # nothing new: the folded state alone is compared
    assert again.ok and again.entries_checked == 0
    assert json.loads(state.read_text())["folded"] == saved.folded


def test_a_state_kept_before_numbers_were_per_issuer_still_monitors_clean(served, tmp_path):
    """A monitor's state from before names certificates by number alone; its records carry
    their issuer, so the next run names them afresh instead of reporting every certificate
    as in the log but not served."""
    _, client = served
    state = tmp_path / "monitor.json"
    assert _monitor(client, state).ok
    data = json.loads(state.read_text())
    data["folded"]["certificates"] = {k.partition("@")[0]: v for k, v in
                                      data["folded"]["certificates"].items()}
    data["statuses"] = {k.partition("@")[0]: v for k, v in data["statuses"].items()}
    state.write_text(json.dumps(data))
    again = _monitor(client, state)
    assert again.ok, again.problems
    assert set(json.loads(state.read_text())["folded"]["certificates"]) == {
        f"A-{i}@cqc" for i in range(1, 6)}


@pytest.mark.parametrize(("tamper", "codes"), tampering.TAMPERS,
                         ids=[t.__name__ for t, _ in tampering.TAMPERS])
def test_each_tamper_is_caught_over_http(served, tmp_path, tamper, codes):
    db, client = served
    state = tmp_path / "monitor.json"
    assert _monitor(client, state).ok
    with db.engine.begin() as conn:
        tamper(conn)
    report = _monitor(client, state)
    want = REMOTE.get(tamper.__name__, codes)
    assert {p["kind"] for p in report.problems} == want, report.problems
    if want:  # reported again on the next run: the state did not advance
        assert {p["kind"] for p in _monitor(client, state).problems} == want
