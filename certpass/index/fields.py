"""What is indexed, and how much a match in it weighs (pure: rows in, tokens out).

The netbox ``SearchIndex`` habit: each indexed kind declares its fields with a weight, and
one table holds every token with the best weight it has in the object. A whole field typed
exactly (the number, a name) also has a whole-value token (tokens.EXACT), so an exact
match outranks a prefix of it, which outranks a fragment anywhere.

Earlier issues of a certificate stay findable (a holder's former name finds the certificate
it renamed) at half weight.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from certpass.index.tokens import document_tokens, exact_token

Row = Mapping[str, Any]


@dataclass(frozen=True)
class Field:
    name: str
    weight: int
    values: Callable[[Row, Row, Row], Iterable[str]]  # (certificate, issue, issuer) -> texts
    exact: bool = False  # also a whole-value token
    every_issue: bool = True  # earlier issues are indexed too (former names)
    words: bool = True  # its words are tokens (False: only the whole-value token)


def _names(item: Row) -> list[str]:
    """A party's, product's or body's names: English, Chinese and any other script's."""
    return [str(item.get("name") or item.get("name_en") or ""), str(item.get("name_zh") or ""),
            *(str(n) for n in (item.get("names") or {}).values())]


def _party(key: str) -> Callable[[Row, Row, Row], Iterable[str]]:
    return lambda _c, issue, _b: _names(issue.get(key) or {})


def _products(*keys: str) -> Callable[[Row, Row, Row], Iterable[str]]:
    return lambda _c, issue, _b: [str(p.get(k) or "") for p in issue.get("products") or ()
                                  for k in keys]


def _product_names(_c: Row, issue: Row, _b: Row) -> Iterable[str]:
    return [n for p in issue.get("products") or () for n in _names(p)]


def _models(_c: Row, issue: Row, _b: Row) -> Iterable[str]:
    return [m for p in issue.get("products") or () for m in p.get("models") or ()]


def _factories(_c: Row, issue: Row, _b: Row) -> Iterable[str]:
    return [str(f.get(k) or "") for f in issue.get("factories") or () for k in ("name", "address")]


CERTIFICATE_FIELDS: tuple[Field, ...] = (
    Field("number", 100, lambda c, _i, _b: [c["number"]], exact=True, every_issue=False),
    Field("holder", 60, _party("holder"), exact=True),
    Field("manufacturer", 40, _party("manufacturer"), exact=True),
    Field("product", 50, _product_names, exact=True),
    Field("model", 50, _models, exact=True),
    Field("trademark", 40, _products("trademark"), exact=True),
    Field("hs_code", 30, _products("hs_code"), exact=True),
    Field("gtin", 30, _products("gtin"), exact=True),
    Field("standard", 30, lambda _c, issue, _b: issue.get("standards") or (), exact=True),
    # The issuer's id and short name; its full names only whole (every certificate of a
    # body would repeat the same 30 tokens; the search page lists matching bodies itself).
    Field("issuer", 20, lambda c, _i, b: [c["issuer_id"], b.get("short_name", "")],
          exact=True, every_issue=False),
    Field("issuer_name", 20, lambda _c, _i, b: _names(b),
          exact=True, every_issue=False, words=False),
    Field("scheme", 10, lambda c, _i, _b: [c["scheme_code"]], every_issue=False),
    Field("factory", 15, _factories),
)
EXACT_FACTOR = 10  # a whole-value token weighs this many times its field
FORMER_DIVISOR = 2  # an earlier issue's tokens weigh this much less


def certificate_tokens(certificate: Row, issues: Sequence[Row], issuer: Row,
                       fields: Sequence[Field] = CERTIFICATE_FIELDS) -> dict[str, int]:
    """token -> weight for a certificate with its issues (oldest first; the last is current)
    and its issuer's names."""
    out: dict[str, int] = {}
    for n, issue in enumerate(issues):
        current = n == len(issues) - 1
        for field in fields:
            if not current and not field.every_issue:
                continue
            weight = field.weight if current else field.weight // FORMER_DIVISOR
            for value in field.values(certificate, issue, issuer):
                if not value:
                    continue
                if field.words:
                    for token in document_tokens(value):  # (never empty)
                        if weight > out.get(token, 0):
                            out[token] = weight
                if field.exact:
                    whole = exact_token(value)
                    if whole and weight * EXACT_FACTOR > out.get(whole, 0):
                        out[whole] = weight * EXACT_FACTOR
    return out


def registry_tokens(*values: str) -> set[str]:
    """Tokens of a registry row (bodies, standards, economies: matched in memory)."""
    out: set[str] = set()
    for value in values:
        if value:
            out |= document_tokens(value)
            out.add(exact_token(value))
    return out
