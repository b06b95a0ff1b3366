"""``certpass recognise`` and ``certpass plan``: words for people, JSON for machines."""

from __future__ import annotations

import json

import pytest

from tests.conftest import cli_runner


@pytest.fixture
def cli(demo_db, capsys):
    return cli_runner(demo_db, capsys)


def test_recognise_in_words(cli):
    code, out, _ = cli("recognise", "CN-00101", "--market", "CN", "--date", "2025-10-01")
    assert code == 0
    assert "Recognised with conditions / 有条件承认" in out
    assert "factory-inspection: Factory inspection by the recognising scheme / 工厂检查" in out
    assert "iecee-cb-to-ccc" in out
    assert "  1. certificate-validity [pass]" in out  # the trace, numbered


def test_recognise_refusal_names_the_reason(cli):
    code, out, _ = cli("recognise", "2024010711900002", "--market", "NZ", "--date",
                       "2025-10-01")
    assert code == 0 and "Not recognised / 不承认" in out
    assert "origin-not-eligible: Origin not eligible / 原产地不符合" in out


def test_recognise_json(cli):
    code, out, _ = cli("recognise", "GBA-2024-STC-900001", "--market", "MO", "--date",
                       "2025-10-01", "--json")
    body = json.loads(out)
    assert code == 0 and body["decision"] == "recognised" and body["market"] == "MO"


@pytest.mark.parametrize(("args", "message"), [
    (("recognise", "NO-SUCH", "--market", "CN"), "not-found"),
    (("recognise", "CN-00101", "--market", "XX"), "unknown market"),
    (("recognise", "CN-00101", "--market", "CN", "--date", "01/10/2025"), "malformed date"),
    (("plan", "--hs", "8516.60", "--standard", "IEC 60335-1", "--origin", "CN",
      "--markets", "NZ"), "edition"),
])
def test_errors_exit_nonzero_on_stderr(cli, args, message):
    code, out, err = cli(*args)
    assert code == 1 and out == "" and message in err


def test_plan(cli):
    code, out, _ = cli("plan", "--hs", "8516.60", "--standard", "IEC 60335-1:2020", "--origin",
                       "CN", "--markets", "NZ,HK,MO,AU,SG", "--date", "2025-10-01")
    assert code == 0
    assert "  1. [test] IECEE-CB" in out and "not opened: HK" in out
    code, out, _ = cli("plan", "--hs", "8516.60", "--standard", "IEC 60335-1:2020", "--origin",
                       "CN", "--markets", "NZ,AU", "--date", "2025-10-01", "--json")
    assert code == 0 and set(json.loads(out)["opened"]) == {"NZ", "AU"}


def test_arrangements_list(cli):
    code, out, _ = cli("arrangements", "list", "--market", "MO", "--json")
    assert code == 0 and [a["id"] for a in json.loads(out)["items"]] == ["gba-certification"]
