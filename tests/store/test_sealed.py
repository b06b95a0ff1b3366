"""Secrets at rest: values sealed before store.sealed existed still open (known answers),
and a value opens only with its secret key, label and row."""

from __future__ import annotations

import pytest

from certpass.credentials import keyring
from certpass.ledger import keys
from certpass.store import sealed

SEED = bytes(range(32))
SECRET = "kat-secret-key"
# Sealed by the keyring's and the log's own code before they shared store.sealed.
SIGNING_KEY = bytes.fromhex(
    "9481525e4f1eaf14e34c50118efa36820ee76ae1c5474e32e592e8ca2a15f8a1"
    "98410caa13c04589363ce9cb6b20fedc0e384c7baabc66df728c1ff2")
LOG_KEY = bytes.fromhex(
    "2eb22a8ec3f97cc9cc2cd00255247956318cd1013c463f75d51c8b862842ac3c"
    "a140d8c73322fc9ce4f20409df53777b86971e9b41f24f32baafe935")


def test_seeds_sealed_before_still_open() -> None:
    assert keyring.unseal(SIGNING_KEY, "cqc", "key-1", SECRET) == SEED
    assert keys.unseal(LOG_KEY, "certpass.example/log", SECRET) == SEED


@pytest.mark.parametrize("label, row, secret", [
    (b"other label", b"row-1", SECRET), (b"label", b"row-2", SECRET),
    (b"label", b"row-1", "another-secret-key")])
def test_a_value_opens_only_where_it_was_sealed(label: bytes, row: bytes, secret: str) -> None:
    box = sealed.seal(b"whsec_x", b"label", b"row-1", SECRET)
    assert sealed.unseal(box, b"label", b"row-1", SECRET) == b"whsec_x"
    with pytest.raises(sealed.InvalidTag):
        sealed.unseal(box, label, row, secret)
