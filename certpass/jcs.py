"""RFC 8785 JSON Canonicalization Scheme (JCS), fast: the one canonical-JSON module, for the
signed credentials (Data Integrity eddsa-jcs-2022) and the transparency log's entries.

The reference `rfc8785` package is pure Python and costs several times an Ed25519
verification. `orjson` with sorted keys writes the same bytes for every JSON value except
two cases: floats (JCS uses the ECMAScript number form, so 1.0 -> "1") and the key order of
characters beyond the Basic Multilingual Plane (JCS sorts by UTF-16 code units, orjson by
code point). Integers beyond ±2^53 are refused by both. String escaping is identical: only
'"', '\\' and control characters, with the same short forms and lowercase \\u00xx.

- `canonicalize` is exact: it takes the orjson bytes only when the value holds no float and
  no astral character, otherwise the reference implementation.
- `canonicalize_unchecked` skips those checks. Verifiers use it first and retry with the
  exact form on a signature mismatch (see proofs.py): the two forms differ only in how they
  write the same JSON value, so the shortcut can reject a valid proof (then retried) but
  never accept a forged one.
"""

from __future__ import annotations

from typing import Any

import orjson
import rfc8785

_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_STRICT_INTEGER
_ASTRAL_LEADS = (b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")  # lead bytes of 4-byte UTF-8


def canonicalize_unchecked(value: Any) -> bytes:
    """JCS bytes for documents without floats or astral-plane keys (see module doc)."""
    try:
        out = orjson.dumps(value, option=_OPTIONS)
    except (TypeError, orjson.JSONEncodeError):
        return rfc8785.dumps(value)  # raises a precise error, or handles what orjson won't
    if b"null" in out and _has_float(value):
        return rfc8785.dumps(value)  # orjson writes NaN as null; JCS must refuse it
    return out


def canonicalize(value: Any) -> bytes:
    """RFC 8785 canonical UTF-8 bytes of a JSON value."""
    try:
        out = orjson.dumps(value, option=_OPTIONS)
    except (TypeError, orjson.JSONEncodeError):
        return rfc8785.dumps(value)
    if any(lead in out for lead in _ASTRAL_LEADS) or _has_float(value):
        return rfc8785.dumps(value)
    return out


def _has_float(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is dict:
            stack.extend(v.values())
        elif t is list or t is tuple:
            stack.extend(v)
        elif t is float:
            return True
    return False
