"""Keys and identities: did:web names, DID documents, the `certpass keys` commands."""

from __future__ import annotations

import json
import threading
import time

import pytest

from certpass.config import Settings
from certpass.credentials import keyring
from tests.conftest import cli_runner
from tests.registry_fixture import SETTINGS, request_data, seed


def test_did_web_names_follow_the_settings():
    s = Settings.load(environ={}, base_url="https://certpass.example:8443/")
    assert keyring.did(s, None) == "did:web:certpass.example%3A8443"
    assert keyring.did(s, "cqc") == "did:web:certpass.example%3A8443:bodies:cqc"
    assert keyring.did_url(s, "cqc") == "https://certpass.example:8443/bodies/cqc/did.json"
    assert keyring.did_url(s, None) == "https://certpass.example:8443/.well-known/did.json"


@pytest.fixture
def cli(sqlite_db, capsys):
    seed(sqlite_db)
    return cli_runner(sqlite_db, capsys)


def test_keys_rotate_and_list(cli, tmp_path, sqlite_db, monkeypatch):
    monkeypatch.setenv("CERTPASS_SECRET_KEY", SETTINGS.secret_key)
    path = tmp_path / "req.json"
    path.write_text(json.dumps(request_data()))
    assert cli("certificates", "issue", str(path))[0] == 0
    code, out, _ = cli("keys", "rotate", "cqc", "--json")
    assert code == 0 and json.loads(out)["id"].endswith(":bodies:cqc#key-2")
    code, out, _ = cli("keys", "list", "cqc", "--json")
    keys = json.loads(out)
    assert [k["id"].split("#")[1] for k in keys] == ["key-1", "key-2"]
    assert keys[0]["retired"] and keys[1]["retired"] is None
    assert all(set(k) == {"body_id", "controller", "id", "type", "publicKeyMultibase",
                          "created", "retired", "compromised_at", "revoked_at"} for k in keys)
    code, out, _ = cli("keys", "list", "cqc")
    assert code == 0 and "signing keys of cqc" in out
    code, _, err = cli("keys", "rotate", "nobody")
    assert code == 1 and "nobody" in err
    code, _, err = cli("keys", "rotate")
    assert code != 0
    with sqlite_db.read() as s:
        did_doc = keyring.did_document(s, Settings.load(environ={}), "cqc")
    # Both keys listed, neither with `expires` (it would disown what key-1 signed) nor
    # `created` (no context defines it); both may still assert.
    assert [set(vm) for vm in did_doc["verificationMethod"]] == [
        {"id", "type", "controller", "publicKeyMultibase"}] * 2
    assert did_doc["assertionMethod"] == [vm["id"] for vm in did_doc["verificationMethod"]]


def test_two_first_issuances_at_once_share_the_body_s_first_key(db):
    """The second of two transactions making a body's first key waits for the first (on the
    log's append lock) and signs with its key-1 (on PostgreSQL it used to add a second key-1
    and fail at commit)."""
    if db.dialect != "postgresql":
        pytest.skip("SQLite serialises writers whole (BEGIN IMMEDIATE): nothing races")
    seed(db)
    second: dict[str, object] = {}

    def issue_second() -> None:
        try:
            with db.write() as s:
                second["fragment"] = keyring.signer(s, SETTINGS, "cqc").row.fragment
        except Exception as exc:  # reported below, on the test's thread
            second["error"] = exc

    with db.write() as s:
        assert keyring.current_key(s, "cqc") is None
        first = keyring.signer(s, SETTINGS, "cqc")
        thread = threading.Thread(target=issue_second)
        thread.start()
        for _ in range(300):  # until the second waits on a lock (at most 30 s)
            with db.engine.connect() as c:
                if c.exec_driver_sql(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                        " AND (query ILIKE '%%log_head%%' OR query ILIKE '%%signing_keys%%')"
                ).scalar():
                    break
            time.sleep(0.1)
    thread.join(60)
    assert first.row.fragment == "key-1" and second == {"fragment": "key-1"}
    with db.read() as s:
        assert [k.fragment for k in keyring.keys(s, "cqc")] == ["key-1"]
