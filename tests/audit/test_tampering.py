"""`log verify` replays the log against the tables: each edit made with raw SQL behind the
service's back, on a fresh demo-like registry, is caught with its own finding code; the
untouched registry verifies clean. SQLite, and PostgreSQL when configured."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from sqlalchemy import text

from certpass.audit import service as audit
from certpass.audit.replay import replay
from certpass.credentials import multikey, status_list
from tests.audit.registry import AMENDED, PLAIN, RESTORED, SUSPENDED, WITHDRAWN, build
from tests.registry_fixture import SETTINGS

LATER = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)  # past every checkpoint deadline


@pytest.fixture
def registry(db):
    build(db)
    return db


def _run(db, **kw):  # type: ignore[no-untyped-def]
    with db.read() as s:
        return audit.audit(s, SETTINGS, now=LATER, **kw)


def _one(conn, sql: str, **params):  # type: ignore[no-untyped-def]
    return conn.execute(text(sql), params).one()


def _slot(conn, number: str, purpose: str) -> tuple[int, int]:
    return _one(conn, "SELECT s.list_id, s.\"index\" FROM status_slots s JOIN certificates c "
                      "ON c.id = s.certificate_id WHERE c.number = :n AND s.purpose = :p",
                n=number, p=purpose)


def _flip(conn, number: str, purpose: str, value: bool) -> None:
    list_id, index = _slot(conn, number, purpose)
    bits = bytearray(_one(conn, "SELECT bits FROM status_lists WHERE id = :i", i=list_id)[0])
    status_list.set(bits, index, value)
    conn.execute(text("UPDATE status_lists SET bits = :b WHERE id = :i"),
                 {"b": bytes(bits), "i": list_id})


def clear_revocation_bit(conn):  # revoked -> valid for any verifier reading the list
    _flip(conn, WITHDRAWN, "revocation", False)


def clear_suspension_bit(conn):
    _flip(conn, SUSPENDED, "suspension", False)


def set_revocation_bit(conn):  # a valid certificate made to look revoked
    _flip(conn, PLAIN, "revocation", True)


def repoint_status_slot(conn):  # the withdrawn certificate's slot moved to a clear bit
    list_id, index = _slot(conn, PLAIN, "revocation")
    conn.execute(text("UPDATE status_slots SET \"index\" = :x WHERE list_id = :l AND "
                      "\"index\" = :i"), {"x": 100_000, "l": list_id, "i": index})


def unsuspend_accreditation(conn):
    conn.execute(text("UPDATE accreditations SET status = 'active' WHERE number = 'IANZ-C003'"))


def widen_scope(conn):
    scope = {"schemes": ["CCC", "IECEE-CB", "IECEx"], "categories": ["HOUS", "EX"],
             "standards": ["IEC 60335-1", "IEC 60335-2-*", "GB 4706.1-2005", "IEC 60079-0:2017"]}
    conn.execute(text("UPDATE accreditations SET scope = :s WHERE number = 'CNAS-C001'"),
                 {"s": json.dumps(scope)})


def extend_accreditation(conn):
    conn.execute(text("UPDATE accreditations SET valid_until = '2099-01-01' "
                      "WHERE number = 'CNAS-C002'"))


def backdate_history(conn):  # "suspended since 2010": the suspension's start moved
    raw = _one(conn, "SELECT history FROM accreditations WHERE number = 'IANZ-C003'")[0]
    history = json.loads(raw) if isinstance(raw, str) else raw  # PostgreSQL parses JSON
    history[0]["at"] = "2010-01-01T00:00:00+00:00"
    conn.execute(text("UPDATE accreditations SET history = :h WHERE number = 'IANZ-C003'"),
                 {"h": json.dumps(history)})


def replace_public_key(conn):  # the attacker's own key under cqc's current key id
    mb = multikey.Ed25519KeyPair.generate().public_multibase
    conn.execute(text("UPDATE signing_keys SET public_multibase = :m WHERE body_id = 'cqc' "
                      "AND fragment = 'key-2'"), {"m": mb})


def unrevoke_key(conn):
    conn.execute(text("UPDATE signing_keys SET compromised_at = NULL, revoked_at = NULL "
                      "WHERE body_id = 'cqc' AND fragment = 'key-1'"))


def unretire_key(conn):
    conn.execute(text("UPDATE signing_keys SET retired_at = NULL "
                      "WHERE body_id = 'cqc' AND fragment = 'key-1'"))


def change_holder(conn):
    holder = {"name": "Someone Else Trading Ltd", "economy": "CN"}
    conn.execute(text("UPDATE certificate_issues SET holder = :h WHERE certificate_id = "
                      "(SELECT id FROM certificates WHERE number = :n)"),
                 {"h": json.dumps(holder), "n": PLAIN})


def add_recalled_model(conn):  # EK-18 back on the amended (current) issue
    products = [{"name": "Electric kettle", "models": ["EK-17", "EK-18"], "hs_code": "8516.79"}]
    conn.execute(text("UPDATE certificate_issues SET products = :p WHERE issue_no = 1 AND "
                      "certificate_id = (SELECT id FROM certificates WHERE number = :n)"),
                 {"p": json.dumps(products), "n": AMENDED})


def replace_credential(conn):  # another issue's signed credential, hash column and all
    conn.execute(text(
        "UPDATE credentials SET document = (SELECT document FROM credentials c2 WHERE "
        "c2.issue_no = 0 AND c2.certificate_id = credentials.certificate_id), sha256 = "
        "(SELECT sha256 FROM credentials c2 WHERE c2.issue_no = 0 AND c2.certificate_id = "
        "credentials.certificate_id) WHERE issue_no = 1 AND certificate_id = "
        "(SELECT id FROM certificates WHERE number = :n)"), {"n": AMENDED})


def add_unlogged_credential(conn):  # a credential for an issue the log never recorded
    conn.execute(text(
        "INSERT INTO credentials (certificate_id, issue_no, key_id, document, sha256, "
        "created_at) SELECT certificate_id, 7, key_id, document, sha256, created_at FROM "
        "credentials WHERE certificate_id = (SELECT id FROM certificates WHERE number = :n)"),
        {"n": PLAIN})


def restore_withdrawn(conn):
    conn.execute(text("UPDATE certificates SET status = 'valid' WHERE number = :n"),
                 {"n": WITHDRAWN})


def grant_anchor_role(conn):
    conn.execute(text("UPDATE bodies SET roles = :r WHERE id = 'paused-cb'"),
                 {"r": json.dumps(["certification-body", "accreditation-body"])})


def delete_middle_checkpoint(conn):
    conn.execute(text("DELETE FROM log_checkpoints WHERE id = 2"))


def delete_newest_checkpoint(conn):
    conn.execute(text("DELETE FROM log_checkpoints WHERE id = (SELECT max(id) FROM "
                      "log_checkpoints)"))


TAMPERS: list[tuple[Callable, set[str]]] = [
    (clear_revocation_bit, {"status-bit"}),
    (clear_suspension_bit, {"status-bit"}),
    (set_revocation_bit, {"status-bit"}),
    (repoint_status_slot, {"status-slot"}),
    (unsuspend_accreditation, {"accreditation-status"}),
    (widen_scope, {"accreditation-scope"}),
    (extend_accreditation, {"accreditation-validity"}),
    (backdate_history, {"accreditation-history"}),
    (replace_public_key, {"key-public-key", "did-document"}),
    (unrevoke_key, {"key-revocation", "did-document"}),
    (unretire_key, {"key-dates"}),  # retirement is not in the DID document
    (change_holder, {"issue-content"}),
    (add_recalled_model, {"issue-content"}),
    (replace_credential, {"credential-hash"}),
    (add_unlogged_credential, {"credential-unlogged"}),
    (restore_withdrawn, {"certificate-status"}),
    (grant_anchor_role, {"body-roles"}),
    (delete_middle_checkpoint, {"checkpoint-gap", "checkpoint-count-drop"}),
    (delete_newest_checkpoint, {"checkpoint-behind", "checkpoint-count-drop"}),
]


def test_the_untouched_registry_verifies_clean(registry):
    report = _run(registry, previous_checkpoints=4)
    assert report.ok, [str(f) for f in report.findings]
    assert report.checkpoints == 4 and report.entries_replayed > 20


@pytest.mark.parametrize(("tamper", "codes"), TAMPERS, ids=[t.__name__ for t, _ in TAMPERS])
def test_each_tamper_is_caught(registry, tamper, codes):
    assert _run(registry, previous_checkpoints=4).ok
    with registry.engine.begin() as conn:
        tamper(conn)
    report = _run(registry, previous_checkpoints=4)
    assert {f.code for f in report.findings} == codes, [str(f) for f in report.findings]
    assert all(f.what and f.where for f in report.findings)


def test_findings_say_what_and_where(registry):
    with registry.engine.begin() as conn:
        clear_revocation_bit(conn)
        widen_scope(conn)
    found = {f.code: f for f in _run(registry).findings}
    assert found["status-bit"].where.endswith(f"certificate {WITHDRAWN}@cqc (revocation)")
    assert "/status/cqc/revocation/" in found["status-bit"].where
    assert found["status-bit"].what == \
        "the log's transitions leave this bit set; the list has it clear"
    assert found["accreditation-scope"].where == "accreditation CNAS-C001"
    assert "IECEx" in found["accreditation-scope"].what
    assert "(log entry " in found["accreditation-scope"].what


def test_a_head_left_uncovered_within_the_policy_is_not_a_problem(registry):
    with registry.write() as s:
        from certpass.accounts.actor import OPERATOR
        from certpass.certificates import service as certificates
        from certpass.certificates.schemas import TransitionRequest
        from tests.registry_fixture import ctx
        certificates.transition(ctx(s), RESTORED, "suspend",
                                TransitionRequest(reason="again"), OPERATOR)
    with registry.read() as s:
        assert audit.audit(s, SETTINGS).ok  # just appended: the publisher has time
        late = audit.audit(s, SETTINGS, now=LATER)
    assert [f.code for f in late.findings] == ["checkpoint-behind"]


def test_replay_folds_bits_like_the_lifecycle():
    def event(i, status):  # type: ignore[no-untyped-def]
        return i, {"type": "certificate.x", "certificate": {
            "number": "N", "issue": 0, "status": status}}
    seq = ["valid", "suspended", "valid", "suspended", "withdrawn"]
    states = [replay([event(i, s) for i, s in enumerate(seq[:n])])["certificates"]["N"]["bits"]
              for n in range(1, len(seq) + 1)]
    assert states == [{}, {"suspension": True}, {"suspension": False}, {"suspension": True},
                      {"suspension": True, "revocation": True}]


def test_cli_log_verify_remembers_the_checkpoint_count(sqlite_db, capsys, tmp_path,
                                                       monkeypatch):
    from tests.conftest import cli_runner

    monkeypatch.setenv("CERTPASS_SECRET_KEY", SETTINGS.secret_key)
    build(sqlite_db)
    run = cli_runner(sqlite_db, capsys)
    state = tmp_path / "verify.json"
    code, out, err = run("log", "verify", "--json", "--state", str(state))
    assert code == 0, err
    assert json.loads(out)["ok"] is True and json.loads(state.read_text()) == {"checkpoints": 4}
    with sqlite_db.engine.begin() as conn:
        delete_middle_checkpoint(conn)
        widen_scope(conn)
    code, out, err = run("log", "verify", "--json", "--state", str(state))
    assert code == 1
    kinds = {p["kind"] for p in json.loads(out)["problems"]}
    assert kinds == {"checkpoint-gap", "checkpoint-count-drop", "accreditation-scope"}
    assert "accreditation CNAS-C001: scope: the log says" in err
    assert json.loads(state.read_text()) == {"checkpoints": 4}  # not advanced past a problem
    state.write_text("not json")
    code, _, err = run("log", "verify", "--state", str(state))
    assert code == 1 and "is not a log verify state file" in err
