"""A certificate's index document and the queries over it (pure: no I/O).

A document is the certificate's tokens (tokens.document_tokens and the whole-value tokens,
fields.certificate_tokens) in their stored form, one space between them, heaviest first,
with their weights as fixed-width digits in the same order. Both databases index the same
strings: SQLite's FTS5 with the ``ascii`` tokenizer (every non-ASCII character is a token
character, ``= - _`` too, so a stored token is exactly one FTS5 token and nothing is
re-segmented), PostgreSQL's tsvector made with ``array_to_tsvector`` (lexemes verbatim, no
parser, no dictionary). A query term is the same token, matched whole or as a prefix
(FTS5 ``"t"*``, tsquery ``'t':*``): the two databases answer the same certificates.

Scores are computed here, over the few documents a query ranks (search.service), with the
rule the token table had: per term the best weight it matches (doubled when whole), plus
the whole query as a field's whole value (or its beginning) times EXACT_FACTOR.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter

from certpass.index.fields import EXACT_FACTOR
from certpass.index.tokens import Term

WEIGHT_WIDTH = 4  # digits per weight (the heaviest, a number's whole value, is 1000)
_SPACE_IN_TOKEN = "_"  # a whole-value token's spaces (no other token has "_" or " ")


def stored(token: str) -> str:
    """A token as the index holds it: one word for both databases' tokenisers."""
    return token.replace(" ", _SPACE_IN_TOKEN)


_MAX_WEIGHT = 10 ** WEIGHT_WIDTH - 1
_DIGITS = tuple(f"{w:0{WEIGHT_WIDTH}d}" for w in range(_MAX_WEIGHT + 1))


def document_row(tokens: Mapping[str, int]) -> tuple[str, str]:
    """(tokens, weights) columns of a certificate's document (heaviest first, equal
    weights in token order: the same text for the same tokens, in any process)."""
    ordered = sorted(sorted(tokens.items()), key=itemgetter(1), reverse=True)
    return (" ".join([stored(t) if " " in t else t for t, _ in ordered]),
            "".join([_DIGITS[min(w, _MAX_WEIGHT)] for _, w in ordered]))


@dataclass(frozen=True)
class _Needle:
    whole: str  # " token " (the token as a whole)
    begins: str | None  # " token" (a token beginning with it), for prefix terms
    factor: int


def needles(terms: Sequence[Term], whole: str) -> list[_Needle]:
    """What `score` looks for: each term, and the whole query as a field's value ("": no
    whole-value token) at EXACT_FACTOR."""
    out = [_Needle(f" {stored(t.token)} ", f" {stored(t.token)}" if t.prefix else None, 1)
           for t in terms]
    if whole:
        out.append(_Needle(f" {stored(whole)} ", f" {stored(whole)}", EXACT_FACTOR))
    return out


def score(tokens: str, weights: str, looked_for: Sequence[_Needle]) -> int:
    """A document's score: per needle the best weight it matches (doubled when whole),
    times its factor. Tokens are heaviest first, so the first token a prefix matches is
    the heaviest such; the whole match, doubled, can outweigh it."""
    padded = f" {tokens} "
    total = 0
    for needle in looked_for:
        best = 0
        at = padded.find(needle.whole)
        if at >= 0:
            best = 2 * _weight(padded, weights, at)
        if needle.begins is not None:
            first = padded.find(needle.begins)
            if first >= 0 and first != at:
                best = max(best, _weight(padded, weights, first))
        total += best * needle.factor
    return total


def _weight(padded: str, weights: str, at: int) -> int:
    n = padded.count(" ", 0, at)  # the token's place (padded begins with a space)
    return int(weights[n * WEIGHT_WIDTH:(n + 1) * WEIGHT_WIDTH] or 0)


def fts5_query(terms: Sequence[Term], spelled: Mapping[str, Sequence[str]] | None = None
               ) -> str:
    """An FTS5 MATCH expression: every term (AND), prefixes with *. `spelled`: for a
    prefix term, the index's terms that begin with it (the same match as the prefix, read
    term by term instead of merged into one list first)."""
    def one(term: Term) -> str:
        words = (spelled or {}).get(term.token)
        if words:
            return "(" + " OR ".join(f'"{w}"' for w in words) + ")"
        return f'"{stored(term.token)}"' + ("*" if term.prefix else "")
    return " AND ".join(one(t) for t in terms)


def tsquery(terms: Sequence[Term]) -> str:
    """The same as a tsquery literal (lexemes quoted verbatim, prefixes with :*)."""
    def quoted(token: str) -> str:
        return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"
    return " & ".join(quoted(stored(t.token)) + (":*" if t.prefix else "") for t in terms)
