"""The log's storage and service, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text

from certpass.errors import InvalidInput, NotFound
from certpass.ledger import merkle, service, tiles
from certpass.ledger.errors import BadLogRequest, InvalidNote
from certpass.ledger.note import Signer, Verifier, open_checkpoint
from certpass.ledger.receipt import verify_receipt
from tests.ledger.conftest import event


def fill(db, n: int, batch: int = 7) -> list[bytes]:
    entries = []
    with db.read() as s:
        base = service.tree_size(s)
    for start in range(base, base + n, batch):
        events = [event(i) for i in range(start, min(base + n, start + batch))]
        with db.write() as s:
            indexes = service.append_events(s, events)
        assert indexes == list(range(start, start + len(events)))
        entries += [service.canonical_entry(e) for e in events]
    return entries


def test_append_returns_indexes_and_stores_canonical_entries(db) -> None:
    with db.write() as s:
        assert service.append_event(s, {"type": "t", "b": 2, "a": 1}) == 0
        assert service.append_event(s, {"type": "t", "z": "é"}) == 1
    with db.read() as s:
        row = service.entry(s, 0)
        assert bytes(row.entry) == b'{"a":1,"b":2,"type":"t"}'
        assert bytes(row.leaf_hash) == merkle.leaf_hash(bytes(row.entry))
        with pytest.raises(NotFound):
            service.entry(s, 2)
    with db.write() as s, pytest.raises(InvalidInput):
        service.append_event(s, {"no": "type"})


def test_roots_and_proofs_match_pure_merkle(db) -> None:
    entries = fill(db, 70)
    hashes = [merkle.leaf_hash(e) for e in entries]
    with db.read() as s:
        for size in (1, 2, 3, 8, 33, 64, 70):
            root = merkle.root(hashes[:size])
            assert service.root_at(s, size) == root
            for index in {0, size // 2, size - 1}:
                proof = service.inclusion_proof(s, index, size)
                merkle.verify_inclusion(hashes[index], index, size, proof, root)
            for m in (0, 1, size // 2, size):
                proof = service.consistency_proof(s, m, size)
                merkle.verify_consistency(m, size, proof, merkle.root(hashes[:m]), root)
        with pytest.raises(BadLogRequest):
            service.inclusion_proof(s, 5, 71)
        with pytest.raises(BadLogRequest):
            service.consistency_proof(s, 9, 8)


def test_checkpoints_every_n_entries_or_t_seconds(db, settings) -> None:
    with db.write() as s:
        first = service.maybe_checkpoint(s, settings)  # the empty tree gets a checkpoint
        assert first is not None and first.size == 0
    fill(db, 5)
    with db.write() as s:
        assert service.maybe_checkpoint(s, settings) is None  # 5 < 10 entries, 0 s < 1 h
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)
        cp = service.maybe_checkpoint(s, settings, now=later)
        assert cp is not None and cp.size == 5
    fill(db, 12)
    with db.write() as s:
        cp = service.maybe_checkpoint(s, settings)
        assert cp is not None and cp.size == 17
        assert service.maybe_checkpoint(s, settings) is None
        vkey = service.verifier(s, settings)
        latest = service.latest_checkpoint(s)
    body = open_checkpoint(latest.note, Verifier.parse(vkey.vkey))
    assert (body.size, body.origin) == (17, settings.log_origin)
    with pytest.raises(InvalidNote):
        open_checkpoint(latest.note, Signer.generate(settings.log_origin).verifier)


def test_signing_key_is_encrypted_at_rest(db, settings) -> None:
    with db.write() as s:
        service.checkpoint_now(s, settings)
        seed_row = s.execute(text("SELECT sealed_seed, public_key FROM log_keys")).one()
    with db.read() as s:
        signer = service._signer(s, settings)
    assert signer.seed not in bytes(seed_row[0])
    wrong = type(settings)(**{**settings.__dict__, "secret_key": "other"})
    with db.read() as s, pytest.raises(Exception, match="decrypt"):
        service._signer(s, wrong)


def test_receipts_verify_offline(db, settings) -> None:
    entries = fill(db, 23)
    with db.write() as s:
        service.checkpoint_now(s, settings)
        vkey = service.verifier(s, settings).vkey
    with db.read() as s:
        for i in (0, 11, 22):
            assert verify_receipt(service.receipt(s, i), entries[i], vkey).size == 23
        with pytest.raises(NotFound):
            service.receipt(s, 23)


def test_tiles(db, settings) -> None:
    entries = fill(db, 300, batch=100)
    hashes = [merkle.leaf_hash(e) for e in entries]
    with db.read() as s:
        full = service.tile(s, "tile/0/000")
        assert tiles.split_hash_tile(full) == hashes[:256]
        assert service.tile(s, "tile/0/001.p/44") == b"".join(hashes[256:300])
        assert service.tile(s, "tile/0/001.p/4") == b"".join(hashes[256:260])
        level1 = merkle.subtree_hashes(hashes)[(8, 0)]
        assert service.tile(s, "tile/1/000.p/1") == level1
        bundle = tiles.split_entry_bundle(service.tile(s, "tile/entries/001.p/44"))
        assert bundle == entries[256:300]
        for missing in ("tile/0/001", "tile/0/001.p/45", "tile/entries/001", "tile/1/000.p/2"):
            with pytest.raises(NotFound):
                service.tile(s, missing)
        with pytest.raises(BadLogRequest):
            service.tile(s, "tile/0/1")


def test_verify_log_clean(db, settings) -> None:
    fill(db, 40)
    with db.write() as s:
        service.checkpoint_now(s, settings)
    fill(db, 3)
    with db.read() as s:
        report = service.verify_log(s)
    assert report.ok, report.problems
    assert (report.size, report.entries_checked, report.checkpoints_checked) == (43, 43, 1)


TAMPERINGS = {
    "entry changed": 'UPDATE log_entries SET entry = :forged WHERE "index" = 7',
    "entry and its hashes changed": None,  # see below
    "entry deleted": 'DELETE FROM log_entries WHERE "index" = 7',
    "entry inserted": 'INSERT INTO log_entries ("index", created_at, event_type, entry, leaf_hash)'
    " VALUES (40, CURRENT_TIMESTAMP, 'x', :forged, :hash)",
    "subtree hash changed": 'UPDATE log_subtrees SET hash = :hash WHERE level = 2 AND "index" = 1',
    "subtree hash deleted": 'DELETE FROM log_subtrees WHERE level = 3 AND "index" = 0',
    "checkpoint root changed": "UPDATE log_checkpoints SET root = :hash",
    "checkpoint note changed": (
        "UPDATE log_checkpoints SET note = REPLACE(note, '\n40\n', '\n39\n')"
    ),
    "head moved": "UPDATE log_head SET size = 39",
}


@pytest.mark.parametrize("tampering", TAMPERINGS)
def test_verify_log_catches_plain_sql_tampering(db, settings, tampering: str) -> None:
    fill(db, 40)
    with db.write() as s:
        service.checkpoint_now(s, settings)
    forged = service.canonical_entry(event(999))
    params = {"forged": forged, "hash": merkle.leaf_hash(forged)}
    with db.engine.begin() as conn:
        if tampering == "entry and its hashes changed":
            # A careful forger rewrites the entry and every derived hash; only the
            # signed checkpoint still remembers the old tree.
            conn.execute(
                text('UPDATE log_entries SET entry = :forged, leaf_hash = :hash WHERE "index" = 7'),
                params,
            )
            conn.execute(text("DELETE FROM log_subtrees"))
        else:
            conn.execute(text(TAMPERINGS[tampering]), params)
    if tampering == "entry and its hashes changed":
        with db.write() as s:
            rows = s.execute(text('SELECT entry FROM log_entries ORDER BY "index"')).scalars()
            table = merkle.subtree_hashes([merkle.leaf_hash(bytes(r)) for r in rows])
            s.execute(
                text('INSERT INTO log_subtrees (level, "index", hash) VALUES (:l, :i, :h)'),
                [{"l": lv, "i": ix, "h": h} for (lv, ix), h in table.items()],
            )
    with db.read() as s:
        report = service.verify_log(s)
    assert not report.ok, tampering
    if tampering == "entry and its hashes changed":
        assert any("signed root does not match" in p for p in report.problems)


def test_refuses_to_sign_a_fork(db, settings) -> None:
    fill(db, 20)
    with db.write() as s:
        service.checkpoint_now(s, settings)
    with db.engine.begin() as conn:  # rewrite history below the checkpoint
        conn.execute(text('UPDATE log_subtrees SET hash = :h WHERE level = 4 AND "index" = 0'),
                     {"h": b"\x00" * 32})  # fmt: skip
    fill(db, 1)
    with db.write() as s, pytest.raises(Exception, match="does not extend"):
        service.checkpoint_now(s, settings)


def test_concurrent_appends_get_distinct_consecutive_indexes(db) -> None:
    results: list[int] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker(w: int) -> None:
        try:
            for j in range(10):
                with db.write() as s:
                    got = service.append_events(s, [event(w * 100 + j), event(w * 100 + j + 50)])
                with lock:
                    results.extend(got)
        except BaseException as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(results) == list(range(80))
    with db.read() as s:
        report = service.verify_log(s)
    assert report.ok, report.problems
