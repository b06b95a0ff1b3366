"""Key compromise: `certpass keys revoke`, the DID document, the log entry, the trust sources."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.credentials import keyring, trust
from certpass.errors import Conflict, InvalidInput, NotFound
from certpass.ledger import service as ledger
from tests.conftest import cli_runner
from tests.registry_fixture import SETTINGS, ctx, request, request_data, seed

UTC = dt.UTC


@pytest.fixture
def issued(db):
    seed(db)
    with db.write() as s:
        certificates.issue(ctx(s), request(), OPERATOR)
    return db


def _events(session, kind):
    size = ledger.tree_size(session)
    return [json.loads(e.entry) for e in ledger.entries_range(session, 0, size)
            if e.event_type == kind]


def test_revoking_the_current_key_logs_it_replaces_it_and_the_did_document_shows_it(issued):
    with issued.read() as s:
        created = keyring.current_key(s, "cqc").created_at
    compromised = created + dt.timedelta(seconds=5)
    revoked_at = compromised + dt.timedelta(hours=1)
    with issued.write() as s:
        done = keyring.revoke(s, SETTINGS, "cqc", "key-1", compromised, OPERATOR,
                              now=revoked_at)
        assert done.replacement is not None and done.replacement.fragment == "key-2"
    with issued.read() as s:
        rows = keyring.keys(s, "cqc")
        assert [(k.fragment, k.compromised_at, k.revoked_at) for k in rows] == [
            ("key-1", compromised, revoked_at), ("key-2", None, None)]
        assert rows[0].retired_at == revoked_at  # no longer the signing key
        (event,) = _events(s, "key.revoked")
        vm = keyring.verification_method(SETTINGS, rows[0])
        assert event["key"] == {
            "id": vm, "body": "cqc", "publicKeyMultibase": rows[0].public_multibase,
            "compromised_at": compromised.astimezone(UTC).isoformat(),
            "revoked_at": revoked_at.astimezone(UTC).isoformat()}
        assert [e["key"]["id"].split("#")[1] for e in _events(s, "key.retired")] == ["key-1"]
        assert [e["key"]["id"].split("#")[1] for e in _events(s, "key.added")] == [
            "key-1", "key-2"]
        doc = keyring.did_document(s, SETTINGS, "cqc")
        by_id = {m["id"]: m for m in doc["verificationMethod"]}
        assert by_id[vm]["revoked"] == compromised.strftime("%Y-%m-%dT%H:%M:%SZ")
        assert vm not in doc["assertionMethod"] and vm not in doc["authentication"]
        assert doc["assertionMethod"] == [vm.replace("key-1", "key-2")]
        # Both trust sources say when it was compromised.
        live = trust.LiveTrust(s, SETTINGS).key(vm)
        assert live is not None and live.revoked == compromised
        (offline,) = [k for k in trust.keys_of_did_document(doc) if k.verification_method == vm]
        assert offline.revoked == compromised.replace(microsecond=0)
        # New credentials are signed by the new key, never by the revoked one.
        assert keyring.signer(s, SETTINGS, "cqc", create=False).row.fragment == "key-2"


def test_a_retired_key_can_be_revoked_without_a_new_key(issued):
    with issued.write() as s:
        keyring.rotate(s, SETTINGS, "cqc", OPERATOR)
    with issued.write() as s:
        old = keyring.keys(s, "cqc")[0]
        vm = keyring.verification_method(SETTINGS, old)
        done = keyring.revoke(s, SETTINGS, "cqc", vm, old.created_at, OPERATOR)
        assert done.replacement is None
    with issued.read() as s:
        assert [k.fragment for k in keyring.keys(s, "cqc")] == ["key-1", "key-2"]


def test_refusals(issued):
    with issued.read() as s:
        created = keyring.current_key(s, "cqc").created_at
    now = created + dt.timedelta(days=1)
    cases = [
        (dict(compromised_at=now + dt.timedelta(seconds=1)), InvalidInput, "in the future"),
        (dict(compromised_at=created - dt.timedelta(seconds=1)), InvalidInput, "before key"),
        (dict(compromised_at=dt.datetime(2026, 1, 1)), InvalidInput, "time zone"),
        (dict(key="key-9"), NotFound, "no key 'key-9'"),
        (dict(key="did:web:elsewhere.example#key-1"), InvalidInput, "is not a key of cqc"),
        (dict(body="nobody"), NotFound, "nobody"),
    ]
    for change, error, words in cases:
        args = {"body": "cqc", "key": "key-1", "compromised_at": created, **change}
        with issued.write() as s, pytest.raises(error, match=words):
            keyring.revoke(s, SETTINGS, args["body"], args["key"], args["compromised_at"],
                           OPERATOR, now=now)
    with issued.read() as s:  # nothing was written by any refusal
        assert _events(s, "key.revoked") == []
    with issued.write() as s:
        keyring.revoke(s, SETTINGS, "cqc", "key-1", created + dt.timedelta(hours=2), OPERATOR,
                       now=now)
    with issued.write() as s, pytest.raises(Conflict, match="already revoked"):
        keyring.revoke(s, SETTINGS, "cqc", "key-1", created + dt.timedelta(hours=3), OPERATOR,
                       now=now)
    with issued.write() as s:  # an earlier compromise found later tightens it
        keyring.revoke(s, SETTINGS, "cqc", "key-1", created + dt.timedelta(hours=1), OPERATOR,
                       now=now)
    with issued.read() as s:
        assert keyring.keys(s, "cqc")[0].compromised_at == created + dt.timedelta(hours=1)
        assert len(_events(s, "key.revoked")) == 2


def test_bundle_carries_the_revocation(issued):
    with issued.read() as s:
        created = keyring.current_key(s, "cqc").created_at
    with issued.write() as s:
        keyring.revoke(s, SETTINGS, "cqc", "key-1", created, OPERATOR)
    with issued.write() as s:
        bundle = trust.export_bundle(s, SETTINGS)
    (cqc,) = [b for b in bundle["bodies"] if b["id"] == "cqc"]
    (key,) = [k for k in trust.keys_of_did_document(cqc["did_document"])
              if k.verification_method.endswith("#key-1")]
    assert key.revoked == created.replace(microsecond=0)


@pytest.fixture
def cli(sqlite_db, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("CERTPASS_SECRET_KEY", SETTINGS.secret_key)
    seed(sqlite_db)
    run = cli_runner(sqlite_db, capsys)
    path = tmp_path / "req.json"
    path.write_text(json.dumps(request_data()))
    assert run("certificates", "issue", str(path))[0] == 0
    return run


def test_cli_revoke(cli, sqlite_db):
    with sqlite_db.read() as s:
        created = keyring.current_key(s, "cqc").created_at
    when = created.strftime("%Y-%m-%dT%H:%M:%SZ")  # its creation second: all it signed
    code, out, err = cli("keys", "revoke", "cqc", "key-1", "--compromised-at", when, "--json")
    assert code == 0, err
    body = json.loads(out)
    assert body["revoked"]["compromised_at"] == when
    assert body["revoked"]["id"].endswith(":bodies:cqc#key-1")
    assert body["replacement"]["id"].endswith(":bodies:cqc#key-2")
    code, out, _ = cli("keys", "list", "cqc", "--json")
    assert code == 0
    assert [k["compromised_at"] for k in json.loads(out)] == [when, None]
    code, _, err = cli("keys", "revoke", "cqc", "key-1", "--compromised-at", when)
    assert code == 1 and "conflict" in err and "earlier" in err


@pytest.mark.parametrize(("args", "words"), [
    (["cqc", "key-1", "--compromised-at", "2999-01-01T00:00:00Z"], "in the future"),
    (["cqc", "key-1", "--compromised-at", "yesterday"], "not an ISO 8601 time"),
    (["cqc", "key-1", "--compromised-at", "2026-01-01T00:00:00"], "no time zone"),
    (["cqc", "key-1"], "--compromised-at is required"),
    (["cqc", "--compromised-at", "2026-01-01T00:00:00Z"], "give the BODY_ID and the KEY"),
    (["cqc", "key-7", "--compromised-at", "2026-01-01T00:00:00Z"], "no key 'key-7'"),
    (["--platform", "key-1", "--compromised-at", "2999-01-01T00:00:00Z"], "in the future"),
])
def test_cli_revoke_refusals(cli, args, words):
    code, out, err = cli("keys", "revoke", *args)
    assert code != 0 and words in err, (out, err)
    assert "Traceback" not in err
