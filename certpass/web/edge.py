"""Hostile input refused at the edge, as 400, before any handler or database sees it.

PostgreSQL cannot store NUL in text and no database stores a lone UTF-16 surrogate; Python's
JSON parser recurses on nesting and turns ``1e400`` into infinity. So, for every request:
- the path and the query string: no NUL or other control character, valid UTF-8 once
  percent-decoded, no lone surrogate;
- a JSON body: nested at most ``MAX_DEPTH`` deep, no NaN/Infinity or number out of range
  (``1e400``, integers of 2^63 and beyond), no NUL or lone surrogate in any string or key;
- a form body (application/x-www-form-urlencoded): as the query string.
Bodies are already bounded by the body limit (the outer middleware); multipart uploads
(files) are the importer's to read.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from certpass.errors import error_body
from certpass.web.idempotency import _read_body, _Replay, _send_json

MAX_DEPTH = 64
INT_LIMIT = 2 ** 63
_BAD_CHARS = re.compile(r"[\x00\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.S)
_BRACKETS = re.compile(rb"[^\[\]{}]+")


class Refused(ValueError):
    pass


def check_url_part(raw: bytes, what: str, controls: bool) -> None:
    """A percent-encoded path or query string: valid UTF-8, no NUL or lone surrogate (and no
    control character at all when ``controls``)."""
    for piece in raw.replace(b"+", b" ").split(b"&"):
        try:
            text = unquote_to_bytes(piece).decode("utf-8")
        except UnicodeDecodeError:
            raise Refused(f"the {what} is not valid UTF-8") from None
        if (_CONTROL if controls else _BAD_CHARS).search(text):
            raise Refused(f"the {what} holds a NUL, control or lone surrogate character")


def json_depth(body: bytes) -> int:
    """How deep arrays and objects nest, counted without parsing (strings skipped)."""
    brackets = _BRACKETS.sub(b"", _JSON_STRING.sub(b"", body))
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _refuse_constant(name: str) -> Any:
    raise Refused(f"{name} is not a JSON number certpass accepts")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Refused(f"the number {text[:40]} is out of range")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 19 or not -INT_LIMIT < int(text) < INT_LIMIT:
        raise Refused(f"the integer {text[:40]} is out of range (|n| < 2^63)")
    return int(text)


def check_json(body: bytes) -> None:
    """Refuse a JSON body that is too deep or holds what no database stores. A body that is
    not JSON at all is left to the handler (which answers 422)."""
    if json_depth(body) > MAX_DEPTH:
        raise Refused(f"the JSON body nests deeper than {MAX_DEPTH} levels")
    try:
        value = json.loads(body, parse_constant=_refuse_constant, parse_float=_finite,
                           parse_int=_bounded_int)
    except (UnicodeDecodeError, json.JSONDecodeError):
        return
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if _BAD_CHARS.search(item):
                raise Refused("a JSON string holds a NUL or lone surrogate character")
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


class HostileInput:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            raw_path = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogatepass")
            check_url_part(raw_path, "path", controls=True)
            check_url_part(scope.get("query_string", b""), "query string", controls=False)
            content_type = _header(scope, b"content-type").lower()
            if scope["method"] in ("POST", "PUT", "PATCH", "DELETE") and (
                    "json" in content_type or content_type.startswith(
                        "application/x-www-form-urlencoded")):
                body = await _read_body(receive)
                if "json" in content_type:
                    check_json(body)
                else:
                    check_url_part(body, "form", controls=False)
                receive = _Replay(body)
        except Refused as exc:
            await _send_json(send, 400, error_body(
                "malformed-input", str(exc),
                "send UTF-8 text without NUL characters, JSON nested less than "
                f"{MAX_DEPTH} levels with numbers in range"))
            return
        await self.app(scope, receive, send)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return ""
