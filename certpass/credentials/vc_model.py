"""The W3C VC 2.0 data model rules a JSON Schema cannot state, as one list of problems.

The VC-API issuer refuses a credential with any problem (nothing is signed) and the verifier
calls one `malformed`: both use `problems` here, after the VC 2.0 JSON Schema, and then
JSON-LD expansion in safe mode (jsonld_safe). Pure functions, no I/O.

What is checked (https://www.w3.org/TR/vc-data-model-2.0/):
- every `id` (of the credential, issuer, subjects, status, schema, evidence, ...) and a
  string `issuer` is a URL (RFC 3986 syntax: a scheme, then no spaces);
- `issuer` is a URL or an object with one (never null);
- `evidence`, `termsOfUse`, `refreshService`, `credentialStatus`, `credentialSchema` are
  typed objects (and the last two name an `id`);
- language value objects (`@value` with `@language`/`@direction`) have only those keys, a
  well-formed language tag and a direction of ltr or rtl; `name` and `description` are
  strings or such objects;
- `credentialSubject` is one or more objects, each with at least one property;
- `validFrom` and `validUntil` are XML Schema dateTimeStamps and validFrom ≤ validUntil;
- each `relatedResource` has a URL `id` no other one has, and a `digestSRI` or
  `digestMultibase`; a `digestSRI` is one or more Subresource Integrity hash expressions
  (sha256, sha384 or sha512, then the digest in base64 of that length: never base64url).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator, Mapping
from functools import lru_cache
from typing import Any

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`\x00-\x1f\x7f]*$")
_HIERARCHICAL = re.compile(r"^(https?|wss?|ftp)$", re.IGNORECASE)
_DATETIME = re.compile(
    r"^-?([1-9][0-9]{3,}|0[0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])"
    r"T(([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](\.[0-9]+)?|24:00:00(\.0+)?)"
    r"(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))$")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")
_VALUE_KEYS = frozenset({"@value", "@language", "@direction"})
_TYPED = ("evidence", "termsOfUse", "refreshService", "credentialStatus", "credentialSchema")
_NEEDS_ID = frozenset({"refreshService", "credentialSchema"})
_MAX = 50  # problems reported at most
# SRI 3.5 hash-expression: hash-algo "-" base64-value ["?" options]; base64-value is
# RFC 4648 base64 (CSP's grammar: ALPHA / DIGIT / "+" / "/", up to two "=").
_SRI = re.compile(r"^(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})(\?[\x21-\x7e]*)?$")
_SRI_LENGTH = {"sha256": 32, "sha384": 48, "sha512": 64}
_CONTAINERS = (dict, list)


def is_url(value: Any) -> bool:
    """RFC 3986 URL syntax (what VC 2.0 asks of identifiers); http(s) needs a host."""
    return isinstance(value, str) and _is_url(value)


@lru_cache(maxsize=4096)  # the same DIDs and URLs recur in every credential of a kind
def _is_url(value: str) -> bool:
    if not _URL.match(value):
        return False
    scheme, rest = value.split(":", 1)
    if _HIERARCHICAL.match(scheme):
        return rest.startswith("//") and len(rest) > 2 and rest[2] not in "/?#"
    return bool(rest)


def parse_datetime(value: str) -> dt.datetime | None:
    """A dateTimeStamp as an aware datetime; None when it is not one."""
    if not _DATETIME.match(value):
        return None
    text = value.replace("Z", "+00:00")
    if "T24:00:00" in text:
        return None  # legal in XML Schema, but no one signs a credential at 24:00
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        return None  # e.g. 31 February, or a year outside Python's range


def problems(credential: Mapping[str, Any]) -> list[str]:
    """Everything wrong with `credential` under the rules above (empty: nothing)."""
    out: list[str] = []
    for problem in _problems(credential):
        out.append(problem)
        if len(out) >= _MAX:
            break
    return out


def _problems(c: Mapping[str, Any]) -> Iterator[str]:
    yield from _ids_and_values(c)
    if "issuer" in c:
        issuer = c["issuer"]
        if isinstance(issuer, Mapping):
            if not is_url(issuer.get("id")):
                yield "issuer.id must be a URL"
            yield from _names(issuer, "issuer")
        elif not is_url(issuer):
            yield f"issuer must be a URL or an object with an id, not {_show(issuer)}"
    for name in _TYPED:
        if name not in c:
            continue
        for i, item in _each(c[name]):
            where = f"{name}{i}"
            if not isinstance(item, Mapping):
                yield f"{where} must be an object"
                continue
            if not _typed(item.get("type")):
                yield f"{where} must have a type"
            if name in _NEEDS_ID and "id" not in item:
                yield f"{where} must have an id"
    yield from _names(c, "credential")
    yield from _subjects(c)
    yield from _validity(c)
    yield from _related(c)


def _each(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, list):
        if not value:
            yield "", None  # an empty list: reported as "must be an object"
        for i, item in enumerate(value):
            yield f"[{i}]", item
    else:
        yield "", value


def _typed(value: Any) -> bool:
    if isinstance(value, str):
        return bool(value)
    return isinstance(value, list) and bool(value) and all(
        isinstance(t, str) and t for t in value)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _ids_and_values(c: Mapping[str, Any]) -> Iterator[str]:
    """Every `id` below the credential (JSON-LD contexts aside) must be a URL, and every
    language value object well formed. One walk; a path is spelled out only for a problem."""
    found: list[tuple[str, Any, Mapping[str, Any]]] = []
    _walk(c, None, found)
    for kind, path, node in found:
        where = _spell(path)
        if kind == "id":
            yield f"{where + '.' if where else ''}id must be a URL, not {_show(node['id'])}"
        else:
            yield from _value_object(node, where or "credential")


def _walk(value: Any, path: Any, found: list[tuple[str, Any, Mapping[str, Any]]]) -> None:
    if isinstance(value, dict):
        if "id" in value and not is_url(value["id"]):
            found.append(("id", path, value))
        if "@value" in value and ("@language" in value or "@direction" in value):
            found.append(("value", path, value))
        for k, v in value.items():
            if k != "@context" and isinstance(v, _CONTAINERS):
                _walk(v, (path, k), found)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            if isinstance(v, _CONTAINERS):
                _walk(v, (path, i), found)


def _spell(path: Any) -> str:
    parts: list[str] = []
    while path is not None:
        path, key = path
        parts.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "".join(reversed(parts)).lstrip(".")


def _names(holder: Mapping[str, Any], where: str) -> Iterator[str]:
    for key in ("name", "description"):
        if key not in holder:
            continue
        values = holder[key] if isinstance(holder[key], list) else [holder[key]]
        for v in values:
            if not (isinstance(v, str) or (isinstance(v, Mapping) and "@value" in v)):
                yield (f"{where}.{key} must be a string or a language value object "
                       "({\"@value\", \"@language\", \"@direction\"})")
                break


def _value_object(value: Mapping[str, Any], where: str) -> Iterator[str]:
    extra = sorted(set(value) - _VALUE_KEYS)
    if extra:
        yield (f"{where}: a language value object has only @value, @language and "
               f"@direction, not {', '.join(map(str, extra))}")
    if not isinstance(value["@value"], str):
        yield f"{where}: @value of a language value object is a string"
    lang = value.get("@language")
    if lang is not None and not (isinstance(lang, str) and _LANGUAGE.match(lang)):
        yield f"{where}: {_show(lang)} is not a language tag (BCP 47)"
    if "@direction" in value and value["@direction"] not in ("ltr", "rtl"):
        yield f"{where}: @direction must be ltr or rtl"


def _subjects(c: Mapping[str, Any]) -> Iterator[str]:
    if "credentialSubject" not in c:
        yield "credentialSubject is required"
        return
    subject = c["credentialSubject"]
    subjects = subject if isinstance(subject, list) else [subject]
    if not subjects:
        yield "credentialSubject must name at least one subject"
    for i, s in enumerate(subjects):
        where = f"credentialSubject[{i}]" if isinstance(subject, list) else "credentialSubject"
        if not isinstance(s, Mapping):
            yield f"{where} must be an object"
        elif not s:
            yield f"{where} must have at least one property (a claim or an id)"


def _validity(c: Mapping[str, Any]) -> Iterator[str]:
    when: dict[str, dt.datetime] = {}
    for key in ("validFrom", "validUntil"):
        if key not in c:
            continue
        value = c[key]
        parsed = parse_datetime(value) if isinstance(value, str) else None
        if parsed is None:
            yield (f"{key} must be an XML Schema dateTimeStamp (e.g. 2025-01-01T00:00:00Z), "
                   f"not {_show(value)}")
        else:
            when[key] = parsed
    if len(when) == 2 and when["validFrom"] > when["validUntil"]:
        yield "validFrom is after validUntil"


def _related(c: Mapping[str, Any]) -> Iterator[str]:
    if "relatedResource" not in c:
        return
    seen: set[str] = set()
    for i, r in _each(c["relatedResource"]):
        where = f"relatedResource{i}"
        if not isinstance(r, Mapping):
            yield f"{where} must be an object"
            continue
        rid = r.get("id")
        if not is_url(rid):
            yield f"{where} must have a URL id"
        elif str(rid) in seen:
            yield f"{where}: id {_show(rid)} appears twice"
        else:
            seen.add(str(rid))
        if not any(isinstance(r.get(k), str) and r.get(k)
                   for k in ("digestSRI", "digestMultibase")):
            yield f"{where} must have a digestSRI or digestMultibase"
        elif "digestSRI" in r and not _is_sri(r["digestSRI"]):
            yield (f"{where}: digestSRI {_show(r['digestSRI'])} is not a Subresource "
                   "Integrity hash (sha256-, sha384- or sha512- and a base64 digest)")


def _is_sri(value: Any) -> bool:
    """One or more SRI hash expressions, each of the length its algorithm gives."""
    if not isinstance(value, str) or not value.split():
        return False
    for expression in value.split():
        m = _SRI.match(expression)
        if m is None:
            return False
        digest, size = m.group(2), _SRI_LENGTH[m.group(1)]
        bare = digest.rstrip("=")
        if len(bare) != -(-size * 4 // 3) or (bare != digest and len(digest) % 4):
            return False  # not that algorithm's length (padding, if any, complete)
    return True
