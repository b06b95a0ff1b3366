"""``certpass verify`` (online, offline with a trust bundle, with --market) and
``certpass trust export``, on certificates issued through the certificate service."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.certificates.schemas import TransitionRequest
from certpass.cli import context
from certpass.credentials import service as credentials
from tests.conftest import cli_runner
from tests.registry_fixture import SETTINGS, ctx, request, seed

VALID, REVOKED = "2024010701000001", "2024010701000002"


@pytest.fixture
def files(sqlite_db, tmp_path, monkeypatch) -> dict[str, Path]:
    """The credential files of a valid and a withdrawn certificate, a JWT and a tampered
    copy; the CLI runs on the same database with the same secret."""
    monkeypatch.setenv("CERTPASS_SECRET_KEY", SETTINGS.secret_key)
    seed(sqlite_db)
    with sqlite_db.write() as s:
        certificates.issue(ctx(s), request(VALID), OPERATOR)
        certificates.issue(ctx(s), request(REVOKED), OPERATOR)
    with sqlite_db.write() as s:
        certificates.transition(ctx(s), REVOKED, "withdraw", TransitionRequest(reason="x"),
                                OPERATOR)
    out = {}
    with sqlite_db.read() as s:
        for name, number in (("valid", VALID), ("revoked", REVOKED)):
            row = credentials.stored(s, certificates.get(s, number))
            out[name] = tmp_path / f"{name}.json"
            out[name].write_bytes(row.document)
            if name == "valid":
                out["jwt"] = tmp_path / "valid.jwt"
                out["jwt"].write_text(credentials.jwt(SETTINGS, row))
                tampered = copy.deepcopy(row.signed_document())
                tampered["credentialSubject"]["issuedToParty"]["name"] = "Someone Else Ltd"
                out["tampered"] = tmp_path / "tampered.json"
                out["tampered"].write_text(json.dumps(tampered))
    return out


@pytest.fixture
def cli(sqlite_db, capsys):
    yield cli_runner(sqlite_db, capsys)
    context.configure()  # drop the cached database of this test


def test_exit_code_is_zero_only_for_valid(cli, files):
    for name, verdict, code in (("valid", "valid", 0), ("jwt", "valid", 0),
                                ("revoked", "revoked", 1), ("tampered", "tampered", 1)):
        got, out, _ = cli("verify", str(files[name]))
        assert got == code and f"verdict: {verdict}" in out, (name, out)
        got, out, _ = cli("verify", str(files[name]), "--json")
        body = json.loads(out)
        assert got == code and body["verdict"] == verdict and "recognition" not in body
        assert {c["name"] for c in body["checks"]} >= {"format", "integrity", "issuer"}
    got, out, _ = cli("verify", "--number", "NOPE-404", "--json")
    assert got == 1 and json.loads(out)["verdict"] == "not-found"
    got, out, _ = cli("verify", "--number", VALID)
    assert got == 0 and "verdict: valid" in out and VALID in out


def test_unreadable_or_ambiguous_input_is_an_error(cli, files, tmp_path):
    got, _, err = cli("verify", str(tmp_path / "missing.json"))
    assert got == 1 and "cannot read" in err
    got, _, err = cli("verify", str(files["valid"]), "--number", VALID)
    assert got == 1 and "not both" in err
    got, _, err = cli("verify", str(files["valid"]), "--on", "soon")
    assert got == 1 and "YYYY-MM-DD" in err
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("hello")
    got, out, _ = cli("verify", str(garbage), "--json")
    assert got == 1 and json.loads(out)["verdict"] == "malformed"


def test_trust_export_then_offline_verify_with_the_database_gone(cli, files, sqlite_db,
                                                                  tmp_path):
    bundle = tmp_path / "bundle.json"
    got, _, err = cli("trust", "export", "-o", str(bundle))
    assert got == 0 and "wrote" in err
    sqlite_db.dispose()
    context.configure()
    db_file = Path(sqlite_db.url.removeprefix("sqlite:///"))
    db_file.unlink()
    got, out, _ = cli("verify", str(files["valid"]), "--trust", str(bundle), "--json")
    assert got == 0 and json.loads(out)["verdict"] == "valid", out
    got, out, _ = cli("verify", str(files["jwt"]), "--trust", str(bundle))
    assert got == 0 and "verdict: valid" in out
    got, out, _ = cli("verify", str(files["revoked"]), "--trust", str(bundle), "--json")
    assert got == 1 and json.loads(out)["verdict"] == "revoked"
    # Recognition needs the registry: said plainly, and the verdict still decides the exit.
    got, out, _ = cli("verify", str(files["valid"]), "--trust", str(bundle), "--market", "CN")
    assert got == 0 and "recognition needs the registry" in out
    got, out, _ = cli("verify", str(files["valid"]), "--trust", str(bundle), "--market", "CN",
                      "--json")
    body = json.loads(out)
    assert body["recognition"]["decision"] is None and body["recognition"]["skipped"]
    assert not db_file.exists()  # offline: the database was never opened


def test_market_prints_the_decision_in_both_languages(cli, files):
    got, out, _ = cli("verify", str(files["valid"]), "--market", "CN", "--date", "2024-06-01")
    assert got == 0 and "recognition in CN on 2024-06-01" in out
    assert "Recognised" in out or "recognised" in out
    got, out, _ = cli("verify", str(files["valid"]), "--market", "NZ", "--json")
    body = json.loads(out)
    assert got == 0 and body["verdict"] == "valid"
    decision = body["recognition"]
    assert decision["market"] == "NZ" and decision["decision"] == "not-recognised"
    assert decision["decision_label"]["en"] and decision["decision_label"]["zh"]
    assert [r["code"] for r in decision["reasons"]] == ["no-arrangement"]
    got, out, _ = cli("verify", str(files["valid"]), "--market", "NZ")
    reason = decision["reasons"][0]
    assert "reasons / 理由" in out and reason["text_en"] in out and reason["text_zh"] in out
    assert decision["decision_label"]["zh"] in out


def test_market_decides_nothing_when_the_credential_does_not_verify(cli, files):
    got, out, _ = cli("verify", str(files["revoked"]), "--market", "CN", "--json")
    body = json.loads(out)
    assert got == 1 and body["recognition"]["decision"] is None
    assert "did not verify (revoked)" in body["recognition"]["skipped"]
    got, _, err = cli("verify", str(files["valid"]), "--market", "ZZ")
    assert got == 1 and "unknown market" in err


def test_the_qr_hash_on_the_cli(cli, files, sqlite_db):
    with sqlite_db.read() as s:
        digest = credentials.stored(s, certificates.get(s, VALID)).sha256
    got, out, _ = cli("verify", "--number", VALID, "--sha256", digest)
    assert got == 0 and "verdict: valid" in out and "the hash is that of issue 0" in out
    got, out, _ = cli("verify", "--number", VALID, "--sha256", "0" * 64, "--json")
    body = json.loads(out)
    assert got == 1 and body["verdict"] == "no-match"
    assert "does not match the register" in body["checks"][0]["detail"]
    got, _, err = cli("verify", "--number", VALID, "--sha256", "not-a-hash")
    assert got == 1 and "64 hexadecimal digits" in err


def test_a_tampered_document_is_printed_as_claims(cli, files):
    got, out, _ = cli("verify", str(files["tampered"]))
    assert got == 1 and "the document claims: certificate" in out
    assert "claims to be issued by" in out
    got, out, _ = cli("verify", str(files["valid"]))
    assert got == 0 and "claims" not in out


def test_an_old_bundle_warns_and_exits_non_zero(cli, files, tmp_path, monkeypatch):
    bundle = tmp_path / "bundle.json"
    assert cli("trust", "export", "-o", str(bundle))[0] == 0
    got, out, _ = cli("verify", str(files["valid"]), "--bundle", str(bundle))
    assert got == 0 and "status as of" in out
    created = json.loads(bundle.read_text())["created"]
    monkeypatch.setenv("CERTPASS_BUNDLE_MAX_AGE_HOURS", "0")
    context.configure()
    got, out, err = cli("verify", str(files["valid"]), "--bundle", str(bundle))
    assert got == 3 and "verdict: valid" in out and f"status as of {created}" in out
    assert "warning" in err and "export a fresh bundle" in err
    got, out, _ = cli("verify", str(files["valid"]), "--bundle", str(bundle), "--json")
    body = json.loads(out)
    assert got == 3 and body["status_as_of"] == created and "older than" in body["warning"]
