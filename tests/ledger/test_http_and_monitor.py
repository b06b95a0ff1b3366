"""The log's HTTP API, the monitor against it, and the ``certpass log`` commands."""

from __future__ import annotations

import base64
import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from certpass.cli import context
from certpass.cli.log import app as log_cli
from certpass.ledger import merkle, service
from certpass.ledger.monitor import run_monitor
from certpass.ledger.note import Verifier, open_checkpoint
from certpass.web.app import create_app
from tests.ledger.conftest import event


@pytest.fixture
def client(db, settings):
    with db.write() as s:
        service.append_events(s, [event(i) for i in range(300)])
        service.checkpoint_now(s, settings)
    with TestClient(create_app(settings, db)) as c:
        yield c


def test_http_endpoints(client, settings) -> None:
    vkey = client.get("/log/key").text.strip()
    note = client.get("/log/checkpoint").text
    cp = open_checkpoint(note, Verifier.parse(vkey), settings.log_origin)
    assert cp.size == 300
    got = client.get("/log/entries/5").json()
    assert got["entry"]["certificate"]["number"] == "C-5" and got["index"] == 5
    leaf = bytes.fromhex(got["leaf_hash"])
    proof = client.get("/log/proof/inclusion", params={"index": 5, "size": 300}).json()
    hashes = [base64.b64decode(h) for h in proof["proof"]]
    merkle.verify_inclusion(leaf, 5, 300, hashes, cp.root)
    cons = client.get("/log/proof/consistency", params={"from": 17, "to": 300}).json()
    assert len(cons["proof"]) > 0
    tile = client.get("/log/tile/0/000")
    assert tile.headers["content-type"] == "application/octet-stream"
    assert len(tile.content) == 256 * 32
    assert len(client.get("/log/tile/entries/001.p/44").content) > 44


@pytest.mark.parametrize(
    ("path", "status"),
    [("/log/entries/300", 404), ("/log/entries/-1", 422), ("/log/entries/abc", 422),
     ("/log/proof/inclusion?index=300&size=300", 400),
     ("/log/proof/inclusion?index=1&size=301", 400), ("/log/proof/inclusion?index=1", 422),
     ("/log/proof/consistency?from=9&to=8", 400), ("/log/proof/consistency?from=1&to=999", 400),
     ("/log/tile/0/1", 400), ("/log/tile/0/001", 404), ("/log/tile/9/000", 404)],
)  # fmt: skip
def test_bad_requests_are_4xx_json(client, path: str, status: int) -> None:
    response = client.get(path)
    assert response.status_code == status, response.text
    assert "error" in response.json()


def test_monitor_follows_the_log_and_catches_a_rewrite(client, db, settings, tmp_path) -> None:
    state = tmp_path / "state.json"
    first = run_monitor("http://testserver", state, client=client)
    assert first.ok, first.problems
    assert first.entries_checked == 300
    with db.write() as s:
        service.append_events(s, [event(i) for i in range(300, 333)])
        service.checkpoint_now(s, settings)
    # An audit that finds the registry empty reports every certificate the log knows.
    second = run_monitor("http://testserver", state, client=client,
                         audit=lambda implied: [f"missing {n}" for n in sorted(implied)])
    assert second.entries_checked == 33
    assert [p["kind"] for p in second.problems] == ["registry"] * 333
    second = run_monitor("http://testserver", state, client=client)
    assert second.ok and json.loads(state.read_text())["size"] == 333
    # Rewrite history below the monitored checkpoint, re-signing everything honestly.
    with db.engine.begin() as conn:
        conn.execute(text('UPDATE log_entries SET entry = :e WHERE "index" = 3'),
                     {"e": service.canonical_entry(event(999))})  # fmt: skip
        conn.execute(text("DELETE FROM log_checkpoints"))
        conn.execute(text("DELETE FROM log_subtrees"))
        rows = conn.execute(text('SELECT entry FROM log_entries ORDER BY "index"')).scalars()
        table = merkle.subtree_hashes([merkle.leaf_hash(bytes(r)) for r in rows])
        conn.execute(text('INSERT INTO log_subtrees (level, "index", hash) VALUES (:l, :i, :h)'),
                     [{"l": lv, "i": ix, "h": h} for (lv, ix), h in table.items()])  # fmt: skip
    with db.write() as s:
        service.append_events(s, [event(1000)])
        service.checkpoint_now(s, settings)
    third = run_monitor("http://testserver", state, client=client)
    assert [p["kind"] for p in third.problems] == ["fork"]


def test_cli_verify(db, settings, monkeypatch) -> None:
    with db.write() as s:  # not certificate events: no registry rows need to match them
        service.append_events(s, [event(i, "body.registered") for i in range(20)])
        service.checkpoint_now(s, settings)
    monkeypatch.setattr(context, "database", lambda: db)
    monkeypatch.setattr(context, "settings", lambda: settings)
    runner = CliRunner()
    ok = runner.invoke(log_cli, ["verify", "--json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.stdout)["ok"] is True
    with db.engine.begin() as conn:
        conn.execute(text('DELETE FROM log_entries WHERE "index" = 4'))
    bad = runner.invoke(log_cli, ["verify"])
    assert bad.exit_code == 1
    receipt = runner.invoke(log_cli, ["receipt", "3"])
    assert receipt.stdout.startswith("c2sp.org/tlog-proof@v1")
