"""The command line: thin commands over the services, JSON on request, errors on stderr."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_runner
from tests.registry_fixture import request_data, second_ccc_body, seed


@pytest.fixture
def cli(sqlite_db, capsys):
    seed(sqlite_db)
    return cli_runner(sqlite_db, capsys)


def test_issue_show_and_transitions(cli, tmp_path):
    path = tmp_path / "req.json"
    path.write_text(json.dumps(request_data()))
    code, out, _ = cli("certificates", "issue", str(path), "--json")
    assert code == 0 and json.loads(out)["status"] == "valid"
    code, out, _ = cli("certificates", "suspend", "2024010701000001", "--reason", "audit",
                       "--json")
    assert code == 0 and json.loads(out)["status_word"] == "暂停"
    code, out, _ = cli("certificates", "list", "--status", "suspended", "--json")
    assert json.loads(out)["total"] == 1
    code, out, _ = cli("certificates", "show", "2024010701000001")
    assert code == 0 and "暂停" in out and "audit" in out


def test_errors_go_to_stderr_with_nonzero_exit(cli, tmp_path):
    code, out, err = cli("certificates", "show", "NOPE")
    assert code == 1 and out == "" and "not-found" in err and "never issued" in err
    code, _, err = cli("certificates", "restore", "NOPE", "--reason", "x")
    assert code == 1
    bad = tmp_path / "bad.json"
    bad.write_text("{")
    code, _, err = cli("certificates", "issue", str(bad))
    assert code == 1 and "not valid JSON" in err
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps(request_data(scheme="IECEx")))
    code, _, err = cli("certificates", "issue", str(wrong))
    assert code == 1 and "out-of-scope" in err
    code, _, err = cli("certificates", "issue", str(tmp_path / "missing.json"))
    assert code != 0


def test_import_reports_rows(cli, tmp_path):
    path = tmp_path / "batch.csv"
    path.write_text(
        "number,scheme,issuer,holder_name,holder_economy,product_name,models,standards,"
        "category,issued_on\n"
        "C-1,CCC,cqc,Example Co.,CN,Kettle,K1,GB 4706.1-2005,HOUS,2024-03-01\n"
        "C-2,CCC,cqc,Example Co.,XX,Kettle,K1,GB 4706.1-2005,HOUS,2024-03-01\n")
    code, out, _ = cli("import", str(path), "--json")
    report = json.loads(out)
    assert code == 1 and report["imported"] == 1
    assert report["errors"] == [{"row": 3, "field": "holder_economy",
                                 "reason": "unknown economy 'XX'", "code": "not-found"}]


def test_bodies(cli):
    code, out, _ = cli("bodies", "--role", "accreditation-body", "--json")
    assert code == 0 and {b["id"] for b in json.loads(out)["items"]} == {"cnas", "ianz"}


def test_issuance_rules_on_the_command_line(cli, sqlite_db, tmp_path):
    """Issue 12: the operator may record an old certificate (a register migration), and the
    log says so; validity beyond the scheme's is refused with its code."""
    from sqlalchemy import select

    from certpass.ledger.models import LogEntry

    long = tmp_path / "long.json"
    long.write_text(json.dumps(request_data(valid_until="9999-12-31")))
    code, _, err = cli("certificates", "issue", str(long))
    assert code == 1 and "validity-too-long" in err and "5-year" in err
    old = tmp_path / "old.json"
    old.write_text(json.dumps(request_data(backdate_reason="paper register, 2024")))
    code, _, err = cli("certificates", "issue", str(old))
    assert code == 0, err
    with sqlite_db.read() as s:
        entry = json.loads(s.scalars(select(LogEntry.entry).where(
            LogEntry.event_type == "certificate.issued")).one())
    assert entry["backdated"]["reason"] == "paper register, 2024"


def test_a_number_two_bodies_hold_needs_issuer_on_the_command_line(cli, sqlite_db, tmp_path):
    import datetime as dt

    today = dt.date.today()
    with sqlite_db.write() as s:
        second_ccc_body(s)
    for issuer in ("other-cb", "cqc"):
        path = tmp_path / f"{issuer}.json"
        path.write_text(json.dumps(request_data("CN-SHARED-1", issuer=issuer,
                                                issued_on=today.isoformat())))
        code, _, err = cli("certificates", "issue", str(path), "--json")
        assert code == 0, err
    code, out, err = cli("certificates", "show", "CN-SHARED-1")
    assert code == 1 and out == "" and "ambiguous-number" in err and "--issuer" in err
    assert "Traceback" not in err
    code, out, _ = cli("certificates", "show", "CN-SHARED-1", "--issuer", "other-cb", "--json")
    assert code == 0 and json.loads(out)["issuer"]["id"] == "other-cb"
    code, out, _ = cli("certificates", "suspend", "CN-SHARED-1", "--issuer", "cqc",
                       "--reason", "audit", "--json")
    assert code == 0 and json.loads(out)["status"] == "suspended"
    code, out, _ = cli("verify", "--number", "CN-SHARED-1", "--json")
    assert code == 1 and json.loads(out)["verdict"] == "ambiguous"
    code, out, _ = cli("verify", "--number", "CN-SHARED-1", "--issuer", "other-cb", "--json")
    assert code == 0 and json.loads(out)["verdict"] == "valid"
    code, out, _ = cli("verify", "--number", "CN-SHARED-1", "--issuer", "cqc", "--json")
    assert json.loads(out)["verdict"] == "suspended"
