"""Search tokens: the one tokenisation used for indexed text and for queries (pure, no I/O).

Chinese (and other CJK scripts) is written without spaces, so a run of CJK characters is
indexed as its single characters and its overlapping pairs (character bigrams): 佛山盛世
gives 佛 山 盛 世 佛山 山盛 盛世. A one-character query asks for that character's token, a
longer one for every pair it contains, so 电, 电器, 佛山 and the full name 佛山盛世电器有限公司
all find the holder, each term one token matched whole: the full-text indexes (FTS5,
tsvector) read one list per term, no prefix merges. No dictionary segmenter is needed,
nothing depends on one's vocabulary (company and product names are mostly out of any
dictionary), and the same rule runs on SQLite and PostgreSQL.

Latin text is folded: full-width forms to ASCII (NFKC), accents dropped, case folded. Its
tokens are matched by prefix, so "kett" finds "kettle" and "2024010701" finds the numbers
that begin with it. A code written with punctuation (a model KE-1701, an HS code 8516.10, a
standard IEC 60335-2-15:2016, a number IECEx NEP 18.0002X) is a *group*: it is indexed as
its parts, as the parts joined by "-" and as the parts run together, so 8516.10, 8516-10 and
851610 find each other and IEC 60335-2-15 finds IEC 60335-2-15:2016.

Punctuation (including ``%`` and ``_``) only separates tokens; nothing is a wildcard.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Set
from dataclasses import dataclass
from functools import lru_cache

MAX_TOKEN = 120  # characters kept of a token (longer tokens are cut, on both sides alike)
EXACT = "="  # prefix of a whole-value token: the field's full folded text, for exact ranking

_CJK = (r"\u2e80-\u2fdf\u3040-\u30ff\u3100-\u312f\u3190-\u31ff\u3400-\u4dbf\u4e00-\u9fff"
        r"\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f")
# A CJK run, or a group: letters/digits joined by punctuation other than space and CJK.
_PIECES = re.compile(rf"([{_CJK}]+)|([^\s{_CJK}]+)")
_PARTS = re.compile(rf"[^\W_{_CJK}]+")


def fold(text: str) -> str:
    """Full-width to ASCII, accents off, case folded (the form every token is made in)."""
    if text.isascii():
        return text.lower()  # (NFKC leaves ASCII alone; its case folding is lowering)
    text = unicodedata.normalize("NFKC", text)
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return unicodedata.normalize("NFC", stripped).casefold()


def _cut(token: str) -> str:
    return token[:MAX_TOKEN]


def _group_tokens(group: str) -> list[str]:
    parts = _PARTS.findall(group)
    if not parts:
        return []
    if len(parts) == 1:
        return [_cut(parts[0])]
    return [*(_cut(p) for p in parts), _cut("-".join(parts)), _cut("".join(parts))]


@lru_cache(maxsize=65536)  # names, addresses and standards repeat across certificates
def document_tokens(text: str) -> frozenset[str]:
    """Every token a stored text is found by (without the whole-value token)."""
    out: set[str] = set()
    for cjk, group in _PIECES.findall(fold(text)):
        if cjk:
            out.update(cjk)
            out.update(cjk[i:i + 2] for i in range(len(cjk) - 1))
        else:
            out.update(_group_tokens(group))
    return frozenset(out)


@lru_cache(maxsize=65536)
def exact_token(text: str) -> str:
    """The whole-value token of a field: its folded words, separated by single spaces."""
    words = [cjk or "-".join(_PARTS.findall(group))
             for cjk, group in _PIECES.findall(fold(text))]
    text = " ".join(w for w in words if w)
    return _cut(EXACT + text) if text else ""


@dataclass(frozen=True)
class Term:
    """One thing a query asks for; every term of a query must match (AND)."""

    token: str
    prefix: bool  # also matches tokens that begin with it (Latin, digits, one CJK character)


def query_terms(text: str) -> list[Term]:
    """What a typed query asks for: no terms for a query of punctuation alone."""
    terms: list[Term] = []
    for cjk, group in _PIECES.findall(fold(text)):
        if cjk:
            if len(cjk) == 1:
                terms.append(Term(cjk, False))  # the character (every one is a token)
            else:
                terms.extend(Term(cjk[i:i + 2], False) for i in range(len(cjk) - 1))
            continue
        parts = _PARTS.findall(group)
        if parts:
            terms.append(Term(_cut("-".join(parts)), True))
    unique: dict[str, Term] = {}
    for term in terms:
        known = unique.get(term.token)
        unique[term.token] = Term(term.token, term.prefix and (known is None or known.prefix))
    return list(unique.values())


def prefix_end(token: str) -> str:
    """The least string greater than every string beginning with `token` (a range's end)."""
    return token[:-1] + chr(ord(token[-1]) + 1)


def term_matches(term: Term, token: str) -> bool:
    return token == term.token or (term.prefix and token.startswith(term.token))


def matches(terms: Iterable[Term], tokens: Set[str]) -> bool:
    """Whether a text with `tokens` (document_tokens) answers every term: the rule the
    database queries apply, for small tables matched in memory."""
    return all(any(term_matches(t, tok) for tok in tokens) for t in terms)
