"""Secrets at rest: AES-256-GCM under a key derived (HKDF-SHA256) from ``secret_key``.

Each kind of secret names its own HKDF label, so no two kinds share a key-encryption key,
and binds each value to its row as associated data, so a sealed value copied to another row
does not open. Used for the credential signing keys (credentials/keyring.py), the log's key
(ledger/keys.py) and webhook secrets (alerts/service.py). A sealed value is the 12-byte
nonce followed by the ciphertext and tag.
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = ["InvalidTag", "seal", "unseal"]


@lru_cache(maxsize=16)
def _cipher(secret_key: str, label: bytes) -> AESGCM:
    kek = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=label).derive(
        secret_key.encode())
    return AESGCM(kek)


def seal(plain: bytes, label: bytes, row: bytes, secret_key: str) -> bytes:
    nonce = os.urandom(12)
    return nonce + _cipher(secret_key, label).encrypt(nonce, plain, row)


def unseal(sealed: bytes, label: bytes, row: bytes, secret_key: str) -> bytes:
    """The plain value; InvalidTag if the secret key, label or row differ, or it was altered."""
    return _cipher(secret_key, label).decrypt(sealed[:12], sealed[12:], row)
