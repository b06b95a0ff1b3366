"""Offline receipts in the C2SP tlog-proof form (pure: no I/O). Spec: https://c2sp.org/tlog-proof.

A receipt carries an entry's index, its inclusion proof and the signed checkpoint the proof
leads to, so anyone holding the log's verifier key can check the entry was logged.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from certpass.ledger import merkle
from certpass.ledger.errors import InvalidNote
from certpass.ledger.note import Checkpoint, Verifier, decode_base64, open_checkpoint

HEADER = "c2sp.org/tlog-proof@v1"


@dataclass(frozen=True)
class Receipt:
    index: int
    proof: list[bytes]
    checkpoint_note: str
    extra: bytes | None = None

    def text(self) -> str:
        lines = [HEADER]
        if self.extra is not None:
            lines.append("extra " + base64.b64encode(self.extra).decode())
        lines.append(f"index {self.index}")
        lines += [base64.b64encode(h).decode() for h in self.proof]
        return "\n".join(lines) + "\n\n" + self.checkpoint_note


def build_receipt(
    index: int, proof: list[bytes], checkpoint_note: str, extra: bytes | None = None
) -> str:
    return Receipt(index, proof, checkpoint_note, extra).text()


def parse_receipt(text: str) -> Receipt:
    head, sep, note = text.partition("\n\n")
    if not sep or not note:
        raise InvalidNote("receipt has no checkpoint after a blank line")
    lines = head.split("\n")
    if lines[0] != HEADER:
        raise InvalidNote(f"receipt must start with {HEADER}")
    lines = lines[1:]
    extra = None
    if lines and lines[0].startswith("extra "):
        extra = decode_base64(lines.pop(0).removeprefix("extra "), "receipt extra data")
    if not lines or not lines[0].startswith("index "):
        raise InvalidNote("receipt is missing its index line")
    index_text = lines.pop(0).removeprefix("index ")
    if not index_text.isascii() or not index_text.isdigit():
        raise InvalidNote("receipt index is not a decimal number")
    proof = []
    for line in lines:
        h = decode_base64(line, "receipt proof hash")
        if len(h) != merkle.HASH_SIZE:
            raise InvalidNote("receipt proof hash is not 32 bytes")
        proof.append(h)
    return Receipt(int(index_text), proof, note, extra)


def verify_receipt(
    text: str, entry: bytes, verifier: Verifier | str, origin: str | None = None
) -> Checkpoint:
    """Check a receipt offline: the checkpoint is signed by the log and includes ``entry``.

    Returns the checkpoint the entry is proven against; raises ``InvalidNote`` or
    ``InvalidProof`` on any failure.
    """
    if isinstance(verifier, str):
        verifier = Verifier.parse(verifier)
    receipt = parse_receipt(text)
    checkpoint = open_checkpoint(receipt.checkpoint_note, verifier, origin)
    merkle.verify_inclusion(
        merkle.leaf_hash(entry), receipt.index, checkpoint.size, receipt.proof, checkpoint.root
    )
    return checkpoint
