"""The log's signing key at rest: AES-GCM under a key derived (HKDF) from ``secret_key``."""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from certpass.ledger.errors import LogTampered

_INFO = b"certpass ledger signing key v1"


def _cipher(secret_key: str) -> AESGCM:
    kek = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return AESGCM(kek)


def seal(seed: bytes, name: str, secret_key: str) -> bytes:
    nonce = os.urandom(12)
    # The key name is bound as associated data so a sealed seed cannot be moved to another log.
    return nonce + _cipher(secret_key).encrypt(nonce, seed, name.encode())


def unseal(sealed: bytes, name: str, secret_key: str) -> bytes:
    try:
        return _cipher(secret_key).decrypt(sealed[:12], sealed[12:], name.encode())
    except InvalidTag as exc:
        raise LogTampered(
            "cannot decrypt the log signing key",
            hint="CERTPASS_SECRET_KEY differs from the one the key was sealed with",
        ) from exc
