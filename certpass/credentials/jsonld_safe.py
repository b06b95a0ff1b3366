"""JSON-LD expansion in "safe mode": any data that JSON-LD processing would drop is an error.

VC Data Integrity says an implementation MUST raise an error when JSON-LD processing drops
data, whatever the cryptosuite (an eddsa-jcs-2022 proof signs the JSON, but a verifier
that reads it as linked data must read what was signed). pyld has no safe mode, so the
expansion here records every key or type that does not expand to an absolute IRI or a
keyword (an undefined term with no `@vocab`, a term mapped to null, a relative type), every
value that expansion turns into nothing (a value object `{"@value": null}`, an object with
only `@language`, an empty or bare top-level value: jsonld.js safe mode's events) and
turns every processor failure (a protected term redefined, a context that is not a URL or
an object, `{"@vocab": null}`, ...) into one `InvalidJsonLd` whose message names the JSON-LD
error code, never the processor's internals.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import Any

from pyld import jsonld

from certpass.credentials.documents import (
    BUNDLED_CONTEXTS,
    DocumentLoader,
    DocumentNotAvailable,
    missing_document,
    offline_loader,
)
from certpass.errors import InvalidInput

_ABSOLUTE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*|_):\S*$")
_SAFE_CODE = re.compile(r"^[A-Za-z @]{3,60}$")  # JSON-LD error codes: "invalid IRI mapping"
_MAX_DROPPED = 5


class InvalidJsonLd(InvalidInput):
    """The document is not JSON-LD that expands without losing data."""

    code = "invalid-jsonld"


class _SafeProcessor(jsonld.JsonLdProcessor):  # type: ignore[misc]
    """pyld's processor, noting each term or type that expansion would drop."""

    def __init__(self) -> None:
        super().__init__()
        self.dropped: list[str] = []
        self.dropped_values: list[str] = []

    def _expand_iri(self, active_ctx: Any, value: Any, base: Any = None, vocab: bool = False,
                    local_ctx: Any = None, defined: Any = None) -> Any:
        out = super()._expand_iri(active_ctx, value, base=base, vocab=vocab,
                                  local_ctx=local_ctx, defined=defined)
        # Only where an object's keys and types are expanded (not context processing, not
        # pyld's look-ahead for type-scoped contexts) and only in vocabulary positions:
        # there a value that is not an absolute IRI or a keyword is silently dropped, or
        # kept as a relative IRI no one can interpret.
        if vocab and local_ctx is None and isinstance(value, str) \
                and sys._getframe(1).f_code.co_name == "_expand_object" and not (
                isinstance(out, str) and (out.startswith("@") or _ABSOLUTE.match(out))):
            self.dropped.append(value)
        return out

    def _expand(self, active_ctx: Any, active_property: Any, element: Any, options: Any,
                inside_list: bool = False, inside_index: bool = False,
                type_scoped_ctx: Any = None) -> Any:
        out = super()._expand(active_ctx, active_property, element, options,
                              inside_list=inside_list, inside_index=inside_index,
                              type_scoped_ctx=type_scoped_ctx)
        # An object or scalar that expansion turns into nothing is data dropped (jsonld.js
        # safe mode's "null @value value", "object with only @language", "empty object",
        # "free-floating scalar"): a value object {"@value": null}, an object holding only
        # @language, a top-level or @graph object that is empty, a bare value or only an
        # @id. (A property whose value is JSON null is JSON-LD's explicit "no value", not
        # data, and is kept out of this on purpose, as jsonld.js does.)
        if out is None and element is not None and not isinstance(element, list):
            self.dropped_values.append(_describe(active_property, element))
        return out


def _describe(active_property: Any, element: Any) -> str:
    where = f"{active_property!s:.60}" if isinstance(active_property, str) else "the document"
    if isinstance(element, Mapping):
        if "@value" in element and element["@value"] is None:
            return f"{where}: a value object whose @value is null"
        if set(element) == {"@language"}:
            return f"{where}: an object with only @language"
        return f"{where}: an object that says nothing (empty, or only @id or @value)"
    return f"{where}: a value that belongs to no property"


def expand(document: Mapping[str, Any], loader: DocumentLoader | None = None,
           what: str = "the credential") -> list[Any]:
    """The expanded form of `document`; raise InvalidJsonLd if processing fails or would
    drop a term. `loader` defaults to the offline one (bundled contexts only)."""
    processor = _SafeProcessor()
    try:
        expanded = processor.expand(dict(document), {
            "documentLoader": loader or offline_loader(), "base": None})
    except (jsonld.JsonLdError, DocumentNotAvailable) as exc:
        missing = missing_document(exc)
        if isinstance(missing, DocumentNotAvailable):
            raise InvalidJsonLd(f"{what} uses a JSON-LD context that is not available: "
                                f"{missing.message}", hint=missing.hint,
                                details={"jsonld_error": "loading document failed"}) from None
        code, terms = _code(exc), _terms(exc)
        where = f" in the @context defining {', '.join(repr(t) for t in terms)}" if terms else ""
        raise InvalidJsonLd(f"{what} is not valid JSON-LD ({code}{where})",
                            hint="check its @context: every entry must be a bundled context "
                            "URL or an object, each term must map to an absolute IRI, and "
                            "protected terms may not be redefined",
                            details={"jsonld_error": code, "terms": terms}) from None
    except Exception:
        # pyld fails on some contexts with a bare Python error (a @vocab of null leaves a
        # type with no IRI): still the caller's input, and still refused as such.
        raise InvalidJsonLd(f"{what} is not valid JSON-LD (its @context cannot be "
                            "processed)", hint="check its @context: a term or type it does "
                            "not define (e.g. under \"@vocab\": null) cannot be expanded",
                            details={"jsonld_error": "processing error"}) from None
    if processor.dropped:
        names = sorted(set(processor.dropped))
        more = f" and {len(names) - _MAX_DROPPED} more" if len(names) > _MAX_DROPPED else ""
        raise InvalidJsonLd(
            f"{what} uses terms its @context does not define, which JSON-LD processing would "
            f"drop: {', '.join(repr(n[:80]) for n in names[:_MAX_DROPPED])}{more}",
            hint="define each term in a context (or use full IRIs)",
            details={"undefined": names[:20]})
    if processor.dropped_values:
        found = list(dict.fromkeys(processor.dropped_values))
        more = f" and {len(found) - _MAX_DROPPED} more" if len(found) > _MAX_DROPPED else ""
        raise InvalidJsonLd(
            f"{what} holds values that JSON-LD processing would drop: "
            f"{'; '.join(found[:_MAX_DROPPED])}{more}",
            hint="give each value object a non-null @value (or leave the property out), "
                 "and put every value under a property",
            details={"jsonld_error": "dropped value", "dropped": found[:20]})
    return list(expanded)


def check(document: Mapping[str, Any], what: str = "the credential") -> None:
    """`expand` with the offline loader, for its verdict only. Documents whose every
    @context is a bundled URL are judged once per *shape* (keys, types, keyword values and
    the kind of every other value: all that decides what expansion drops or refuses under
    those contexts), so the verifier does not run pyld for every credential of a kind."""
    try:
        out: list[Any] = []
        _walk(document, "", out)
    except _NotBundled:
        expand(document, None, what)
        return
    # A shape that passed, passed whatever the document is called; a refusal's message names
    # the document (`what`: "the credential of certificate N"), so it is kept per name.
    shape = tuple(out)
    if shape in _JUDGED:
        return
    failure = _JUDGED.get((what, shape))
    if failure is None:
        try:
            expand(document, None, what)
        except InvalidJsonLd as exc:
            failure = (exc.message, exc.hint, exc.details)
        if len(_JUDGED) >= _MAX_JUDGED:
            _JUDGED.clear()
        if failure is None:
            _JUDGED[shape] = None
            return
        _JUDGED[(what, shape)] = failure
    message, hint, details = failure
    raise InvalidJsonLd(message, hint=hint, details=details)


class _NotBundled(Exception):
    """Some @context is not all bundled URLs: an object there can alias any term to a
    keyword, so only the whole document decides."""


_MAX_JUDGED = 512
_CONTAINERS = (dict, list)
# shape -> None (passed); (name, shape) -> the refusal's message, hint and details
_JUDGED: dict[tuple[Any, ...], tuple[str, str, Any] | None] = {}
_KEPT = frozenset({"id", "type"})  # the bundled contexts' keyword aliases
_OPEN, _CLOSE, _LIST, _END, _IRI = object(), object(), object(), object(), object()


def _walk(value: Any, key: str, out: list[Any]) -> None:
    """Append the shape of `value` (under `key`) to `out` (flat tokens)."""
    if isinstance(value, dict):
        out.append(_OPEN)
        for k, v in value.items():
            if k == "@context" and not _bundled_only(v):
                raise _NotBundled
            out.append(k)
            if isinstance(v, _CONTAINERS):
                _walk(v, k, out)
            elif k in _KEPT or k[:1] == "@":
                out.append(_token(k, v))
            else:
                out.append(type(v))
        out.append(_CLOSE)
    elif isinstance(value, list):
        out.append(_LIST)
        for v in value:
            if isinstance(v, _CONTAINERS):
                _walk(v, key, out)
            elif key in _KEPT or key[:1] == "@":
                out.append(_token(key, v))
            else:
                out.append(type(v))
        out.append(_END)
    else:
        out.append((type(value), value))


def _token(key: str, value: Any) -> Any:
    """A kept value's part of the shape: itself, except an identifier in absolute IRI syntax
    (every credential has its own `id`), which expands to itself whatever it is, so it
    stands as "an absolute IRI"; any other identifier is kept as it is."""
    if key in ("id", "@id") and isinstance(value, str) and _ABSOLUTE.match(value):
        return _IRI
    return (type(value), value)


def _bundled_only(context: Any) -> bool:
    entries = context if isinstance(context, list) else [context]
    return all(isinstance(e, str) and e in BUNDLED_CONTEXTS for e in entries)


def _terms(exc: BaseException) -> list[str]:
    """The terms of the local context pyld was processing when it failed (its error's
    details carry that context), so the caller learns which definition to correct."""
    details = getattr(exc, "details", None)
    context = details.get("context") if isinstance(details, dict) else None
    if not isinstance(context, dict):
        return []
    return [str(t)[:80] for t in context if not str(t).startswith("@")][:_MAX_DROPPED]


def _code(exc: BaseException) -> str:
    seen = 0
    current: Any = exc
    while current is not None and seen < 10:
        code = getattr(current, "code", None)
        if isinstance(code, str) and _SAFE_CODE.match(code):
            return code
        current = getattr(current, "cause", None)
        seen += 1
    return "processing error"


