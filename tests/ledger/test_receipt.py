"""Offline receipts (C2SP tlog-proof)."""

from __future__ import annotations

import pytest

from certpass.ledger import merkle
from certpass.ledger.errors import InvalidNote, InvalidProof
from certpass.ledger.note import Checkpoint, Signer, sign_checkpoint
from certpass.ledger.receipt import build_receipt, parse_receipt, verify_receipt

ORIGIN = "certpass.example/log"


@pytest.fixture
def log():
    entries = [f"entry {i}".encode() for i in range(11)]
    hashes = [merkle.leaf_hash(e) for e in entries]
    table = merkle.subtree_hashes(hashes)
    signer = Signer.generate(ORIGIN)
    note = sign_checkpoint(Checkpoint(ORIGIN, len(entries), merkle.root(hashes)), signer)
    return entries, (lambda lv, i: table[(lv, i)]), signer, note


def test_receipt_verifies_offline(log) -> None:
    entries, hash_at, signer, note = log
    for index in range(len(entries)):
        text = build_receipt(index, merkle.inclusion_proof(index, 11, hash_at), note)
        assert text.startswith("c2sp.org/tlog-proof@v1\nindex ")
        assert verify_receipt(text, entries[index], signer.verifier.vkey).size == 11
    extra = build_receipt(3, merkle.inclusion_proof(3, 11, hash_at), note, extra=b"hi")
    assert parse_receipt(extra).extra == b"hi"
    verify_receipt(extra, entries[3], signer.verifier)


def test_receipt_rejects_wrong_entry_key_origin_or_proof(log) -> None:
    entries, hash_at, signer, note = log
    text = build_receipt(4, merkle.inclusion_proof(4, 11, hash_at), note)
    with pytest.raises(InvalidProof):
        verify_receipt(text, entries[5], signer.verifier)
    with pytest.raises(InvalidNote):
        verify_receipt(text, entries[4], Signer.generate(ORIGIN).verifier)
    with pytest.raises(InvalidNote):
        verify_receipt(text, entries[4], signer.verifier, origin="other.example/log")
    with pytest.raises(InvalidProof):
        verify_receipt(text.replace("index 4", "index 5"), entries[4], signer.verifier)
    lines = text.split("\n")
    with pytest.raises(InvalidProof):  # one proof hash dropped
        verify_receipt("\n".join(lines[:2] + lines[3:]), entries[4], signer.verifier)


@pytest.mark.parametrize(
    "text",
    ["", "c2sp.org/tlog-proof@v2\nindex 0\n\ncp\n", "c2sp.org/tlog-proof@v1\n\n\ncp\n",
     "c2sp.org/tlog-proof@v1\nindex x\n\ncp\n", "c2sp.org/tlog-proof@v1\nindex -5\n\ncp\n",
     "c2sp.org/tlog-proof@v1\nindex 0\n!!notbase64!!\n\ncp\n",
     "c2sp.org/tlog-proof@v1\nextra !!\nindex 0\n\ncp\n",
     "c2sp.org/tlog-proof@v1\nindex 0\n" + "A" * 88 + "\n\ncp\n"],
)  # fmt: skip
def test_malformed_receipts_rejected(text: str) -> None:
    with pytest.raises(InvalidNote):
        parse_receipt(text)
