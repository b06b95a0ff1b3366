"""The log's signing key at rest, sealed (store.sealed) under its own label."""

from __future__ import annotations

from certpass.ledger.errors import LogTampered
from certpass.store import sealed

_INFO = b"certpass ledger signing key v1"


def seal(seed: bytes, name: str, secret_key: str) -> bytes:
    # The key name is bound as associated data so a sealed seed cannot be moved to another log.
    return sealed.seal(seed, _INFO, name.encode(), secret_key)


def unseal(sealed_seed: bytes, name: str, secret_key: str) -> bytes:
    try:
        return sealed.unseal(sealed_seed, _INFO, name.encode(), secret_key)
    except sealed.InvalidTag as exc:
        raise LogTampered(
            "cannot decrypt the log signing key",
            hint="CERTPASS_SECRET_KEY differs from the one the key was sealed with",
        ) from exc
