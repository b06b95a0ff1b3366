"""RFC 8785 (JCS) canonical JSON, with a fast path for the plain events the log records.

For JSON made only of objects with ASCII keys, arrays, strings, booleans, null and safe
integers, RFC 8785 output is byte-for-byte Python's sorted compact ``json.dumps``: the
escaping rules agree and ASCII keys sort the same by UTF-16 code unit and by code point.
Anything else (floats, non-ASCII keys, huge integers) goes through the ``rfc8785`` package.
"""

from __future__ import annotations

import json
from typing import Any

import rfc8785

_SAFE_INT = 2**53 - 1


def _plain(value: Any) -> bool:
    stack = [value]
    while stack:
        v = stack.pop()
        t = type(v)
        if t is str or t is bool or v is None:
            continue
        if t is int:
            if -_SAFE_INT <= v <= _SAFE_INT:
                continue
            return False
        if t is dict:
            for k in v:
                if type(k) is not str or not k.isascii():
                    return False
            stack.extend(v.values())
        elif t is list:
            stack.extend(v)
        else:
            return False
    return True


def canonical_json(value: Any) -> bytes:
    if _plain(value):
        try:
            return json.dumps(
                value, ensure_ascii=False, sort_keys=True, separators=(",", ":")
            ).encode("utf-8")
        except UnicodeEncodeError:
            pass  # a lone surrogate: let rfc8785 reject it with its own error
    return rfc8785.dumps(value)
