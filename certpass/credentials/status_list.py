"""W3C Bitstring Status List v1.0 (https://www.w3.org/TR/vc-bitstring-status-list/).

One bit per credential: index 0 is the left-most bit, i.e. the most significant bit of byte
0. The list is GZIP-compressed and written as multibase base64url without padding ('u').
At least 131,072 entries (16 KiB), so that one set bit does not single out a holder.
"""

from __future__ import annotations

import base64
import binascii
import gzip
import hashlib
import zlib
from typing import Any

from certpass.credentials.documents import VC_V2
from certpass.errors import InvalidInput

MIN_ENTRIES = 131_072
MAX_ENTRIES = 2**27  # 16 MiB decoded: refuse larger lists (and gzip bombs)
PURPOSES = ("revocation", "suspension")


# Which bit a certificate's lifecycle status sets; a restore (suspended -> valid) clears the
# suspension bit. Nothing else ever clears a bit.
SETS = {"withdrawn": "revocation", "cancelled": "revocation", "suspended": "suspension"}


def bits_after(before: str, after: str) -> dict[str, bool]:
    """The bits a lifecycle change writes, {purpose: new value} (the status service applies
    them; the audit replays them from the log)."""
    changes: dict[str, bool] = {}
    if after in SETS:
        changes[SETS[after]] = True
    if before == "suspended" and after == "valid":
        changes["suspension"] = False
    return changes


class InvalidStatusList(InvalidInput):
    code = "invalid-status-list"


def new(size: int = MIN_ENTRIES) -> bytearray:
    """An all-zero list of `size` entries (a multiple of 8, at least MIN_ENTRIES)."""
    if size < MIN_ENTRIES or size % 8:
        raise InvalidStatusList(
            f"a status list has at least {MIN_ENTRIES} entries, a multiple of 8"
        )
    return bytearray(size // 8)


def _locate(bits: bytes | bytearray, index: int) -> tuple[int, int]:
    if not isinstance(index, int) or index < 0 or index >= len(bits) * 8:
        raise InvalidStatusList(f"status list index {index!r} outside 0..{len(bits) * 8 - 1}")
    return index // 8, 0x80 >> (index % 8)


def get(bits: bytes | bytearray, index: int) -> bool:
    byte, mask = _locate(bits, index)
    return bool(bits[byte] & mask)


def set(bits: bytearray, index: int, value: bool) -> None:  # the spec's verb, shadows set()
    byte, mask = _locate(bits, index)
    if value:
        bits[byte] |= mask
    else:
        bits[byte] &= ~mask & 0xFF


def encode(bits: bytes | bytearray) -> str:
    """Multibase base64url (no padding) of GZIP(bits); mtime 0 keeps it deterministic."""
    if len(bits) * 8 < MIN_ENTRIES:
        raise InvalidStatusList(f"a status list has at least {MIN_ENTRIES} entries")
    compressed = gzip.compress(bytes(bits), compresslevel=9, mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def decode(encoded: str) -> bytearray:
    if not isinstance(encoded, str) or not encoded.startswith("u"):
        raise InvalidStatusList("encodedList must be multibase base64url ('u' prefix)")
    body = encoded[1:]
    try:
        compressed = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (binascii.Error, ValueError):
        raise InvalidStatusList("encodedList is not valid base64url") from None
    try:
        # wbits=31: gzip framing; max_length bounds memory whatever the input claims.
        inflater = zlib.decompressobj(wbits=31)
        bits = inflater.decompress(compressed, MAX_ENTRIES // 8 + 1)
    except zlib.error as exc:
        raise InvalidStatusList(f"encodedList is not GZIP data: {exc}") from None
    if len(bits) > MAX_ENTRIES // 8:
        raise InvalidStatusList("encodedList decompresses to more than the allowed size")
    if len(bits) * 8 < MIN_ENTRIES:
        raise InvalidStatusList(
            f"status list has {len(bits) * 8} entries, fewer than the minimum {MIN_ENTRIES}"
        )
    return bytearray(bits)


def status_list_credential(
    *,
    credential_id: str,
    issuer: str | dict[str, Any],
    status_purpose: str,
    encoded_list: str,
    valid_from: str,
    valid_until: str | None = None,
    ttl_ms: int | None = None,
) -> dict[str, Any]:
    """An unsigned BitstringStatusListCredential (sign it with proofs.sign)."""
    _check_purpose(status_purpose)
    subject: dict[str, Any] = {
        "id": f"{credential_id}#list",
        "type": "BitstringStatusList",
        "statusPurpose": status_purpose,
        "encodedList": encoded_list,
    }
    if ttl_ms is not None:
        subject["ttl"] = ttl_ms
    credential: dict[str, Any] = {
        "@context": [VC_V2],
        "id": credential_id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": valid_from,
    }
    if valid_until:
        credential["validUntil"] = valid_until
    credential["credentialSubject"] = subject
    return credential


def status_entry(
    *, list_credential: str, index: int, status_purpose: str, entry_id: str | None = None
) -> dict[str, Any]:
    """A BitstringStatusListEntry for a credential's credentialStatus."""
    _check_purpose(status_purpose)
    if not isinstance(index, int) or index < 0:
        raise InvalidStatusList("statusListIndex must be a non-negative integer")
    return {
        "id": entry_id or f"{list_credential}#{index}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": status_purpose,
        "statusListIndex": str(index),
        "statusListCredential": list_credential,
    }


def _check_purpose(purpose: str) -> None:
    if purpose not in PURPOSES:
        raise InvalidStatusList(f"statusPurpose must be one of {PURPOSES}, not {purpose!r}")


# --- where the n-th certificate of a list sits ---------------------------------------------

SHUFFLE_KEY_BYTES = 16
_ROUNDS = 4


def shuffled_index(key: bytes, size: int, n: int) -> int:
    """The index of the `n`-th allocation (0-based) in a list of `size` entries shuffled by
    `key`: a keyed pseudorandom permutation of 0..size-1 (a 4-round Feistel network over
    the smallest even power of two ≥ size, cycle-walked into range), so indexes are spread
    over the whole list in no order (the spec's SHOULD: herd privacy) and, the permutation
    being one-to-one, the n-th and m-th allocations never share an index."""
    if not 0 <= n < size:
        raise ValueError(f"allocation {n} is outside a list of {size}")
    bits = max(2, (size - 1).bit_length())
    bits += bits % 2
    half = bits // 2
    mask = (1 << half) - 1
    x = n
    for _ in range(4 * size + 1):  # cycle walking ends in a few steps (domain < 4 × size)
        left, right = x >> half, x & mask
        for r in range(_ROUNDS):
            left, right = right, left ^ (_round(key, r, right) & mask)
        x = (left << half) | right
        if x < size:
            return x
    raise AssertionError("cycle walking did not end")  # impossible for a permutation


def _round(key: bytes, r: int, value: int) -> int:
    digest = hashlib.blake2b(value.to_bytes(8, "big"), digest_size=8, key=key,
                             person=b"certpass-slot" + bytes([r])).digest()  # keyed PRF
    return int.from_bytes(digest, "big")
