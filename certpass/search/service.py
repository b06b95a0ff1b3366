"""The one search: certificates by text and filters, ranked and paged; registry look-ups.

Every list of certificates (the search page, /certificates, /api/certificates, a body's
and a scheme's certificates, the CB portal, `certpass certificates list`) asks `search`.

A text query is turned into terms (tokens.query_terms); a certificate matches when every
term matches one of its tokens (exactly, or by prefix for Latin and digits). Its score is,
per term, the weight of the best field it matched in (doubled for a whole token), plus a
bonus when the whole query is a field's whole value (number, name, model...) or begins
one. Ties, and lists without text, go newest first. The same SQL runs on SQLite and
PostgreSQL, so both give the same answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, and_, case, delete, func, insert, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from certpass.certificates.models import Certificate, CertificateIssue
from certpass.errors import InvalidInput
from certpass.index import writer as index
from certpass.index.fields import EXACT_FACTOR, registry_tokens
from certpass.index.models import SearchTerm
from certpass.index.tokens import (
    Term,
    exact_token,
    matches,
    prefix_end,
    query_terms,
    term_matches,
)
from certpass.index.writer import KIND
from certpass.ledger.stamped import StampedCache
from certpass.registry.models import Body, Economy, Standard

STATUSES = ("valid", "suspended", "withdrawn", "cancelled", "expired")
MAX_TERMS = 12  # terms of one query (a pasted paragraph is cut, not refused)
_T = SearchTerm.__table__


@dataclass(frozen=True)
class CertificateQuery:
    """Text and filters; every field is optional and they combine with AND."""

    q: str | None = None
    status: str | None = None
    scheme: str | None = None
    issuer: str | None = None  # the issuing body's id, exactly
    economy: str | None = None  # the holder's economy (ISO code)
    holder: str | None = None  # more words, matched like q (kept for the holder= parameter)
    hs_code: str | None = None  # an HS code or its beginning (8516, 8516.10)
    category: str | None = None
    on: dt.date | None = None  # the day statuses are computed for (default today)
    sort: str = ""  # "" (best first, newest first without text) or one of SORTS


@dataclass(frozen=True)
class Results:
    items: Sequence[Certificate]
    total: int
    limit: int
    offset: int

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.items)
        return end if end < self.total else None


def _match(kind: str, term: Term) -> ColumnElement[bool]:
    if term.prefix:
        return and_(_T.c.kind == kind, _T.c.token >= term.token,
                    _T.c.token < prefix_end(term.token))
    return and_(_T.c.kind == kind, _T.c.token == term.token)


def _term_scores(kind: str, term: Term, name: str, within: Any = None) -> Any:
    """certificate id -> the term's best weight there (a whole token counts double);
    `within`: only these ids (the rarest term's)."""
    score = func.max(case((_T.c.token == term.token, _T.c.weight * 2), else_=_T.c.weight))
    query = select(_T.c.object_id.label("id"), score.label("s")).where(_match(kind, term))
    if within is not None:
        query = query.where(_T.c.object_id.in_(select(within.c.id)))
    return query.group_by(_T.c.object_id)


ESTIMATE_CAP = 2_000  # index rows counted at most to tell a rare term from a common one


def _rows_at_most(session: Session, term: Term) -> int:
    return session.scalar(select(func.count()).select_from(
        select(_T.c.object_id).where(_match(KIND, term)).limit(ESTIMATE_CAP).subquery())) or 0


class _NoMatch(Exception):
    """A term no certificate has: the answer is empty without asking further."""


def _matches(session: Session, q: str, holder: str) -> Any | None:
    """Subquery (id, score) of the certificates answering the text, or None when the text
    has no term (punctuation only: nothing matches).

    The rarest term (fewest index rows, counted up to ESTIMATE_CAP) is looked up first; the
    others are looked up among its certificates only, so a long name whose every pair is
    common except one costs about that one. Raises _NoMatch when a term is in no row."""
    terms = query_terms(q)[:MAX_TERMS]
    holder_terms = query_terms(holder)[:MAX_TERMS]
    if not terms and not holder_terms:
        return None
    known = {t.token for t in terms}
    every = terms + [t for t in holder_terms if t.token not in known]
    sizes = {t.token: _rows_at_most(session, t) for t in every} if len(every) > 1 else {}
    if any(n == 0 for n in sizes.values()):
        raise _NoMatch
    every.sort(key=lambda t: sizes.get(t.token, 0))
    first = _term_scores(KIND, every[0], "t0").cte("t0")
    rest = [_term_scores(KIND, t, f"t{i}", within=first).subquery(f"t{i}")
            for i, t in enumerate(every[1:], 1)]
    joined: Any = first
    score: Any = first.c.s
    for part in rest:
        joined = joined.join(part, part.c.id == first.c.id)
        score = score + part.c.s
    whole = exact_token(q) if terms else ""
    if whole:
        bonus = (select(_T.c.object_id.label("id"), func.max(case(
            (_T.c.token == whole, _T.c.weight * 2), else_=_T.c.weight)).label("s"))
            .where(_match(KIND, Term(whole, True)), _T.c.object_id.in_(select(first.c.id)))
            .group_by(_T.c.object_id).subquery("x"))
        joined = joined.outerjoin(bonus, bonus.c.id == first.c.id)
        score = score + func.coalesce(bonus.c.s, 0) * EXACT_FACTOR
    return select(first.c.id.label("id"), score.label("score")).select_from(joined).subquery("m")


def _filtered(query: Select, flt: CertificateQuery, on: dt.date) -> Select:
    if flt.status:
        unexpired = or_(Certificate.valid_until.is_(None), Certificate.valid_until >= on)
        if flt.status == "expired":
            query = query.where(Certificate.status.in_(("valid", "suspended")),
                                Certificate.valid_until < on)
        elif flt.status in ("valid", "suspended"):
            query = query.where(Certificate.status == flt.status, unexpired)
        elif flt.status in ("withdrawn", "cancelled"):
            query = query.where(Certificate.status == flt.status)
        else:
            raise InvalidInput(f"unknown status {flt.status!r}",
                               hint="use valid, suspended, withdrawn, cancelled or expired")
    if flt.scheme:
        query = query.where(Certificate.scheme_code == flt.scheme)
    if flt.issuer:
        query = query.where(Certificate.issuer_id == flt.issuer)
    if flt.economy:
        query = query.where(Certificate.holder_economy == flt.economy.upper())
    if flt.hs_code:
        digits = "".join(ch for ch in flt.hs_code if ch.isdigit())
        if not digits:
            raise InvalidInput(f"HS code {flt.hs_code!r} has no digits",
                               hint="write an HS code or its beginning, e.g. 8516 or 8516.10")
        # Stored as written (8516.10); compared without the dot, by prefix.
        query = query.where(func.replace(Certificate.hs_code, ".", "").startswith(
            digits, autoescape=True))
    if flt.category:
        query = query.where(Certificate.category_code == flt.category)
    return query


# Totals per (database state, query): paging through a long list counts it once.
_totals: StampedCache[int] = StampedCache(limit=1024)


def search(session: Session, flt: CertificateQuery, limit: int = 50, offset: int = 0
           ) -> Results:
    """The certificates answering `flt`, best first (newest first without text)."""
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be at least 1 and offset at least 0")
    on = flt.on or dt.date.today()
    flt = replace(flt, q=(flt.q or "").strip()[:200] or None,
                  holder=(flt.holder or "").strip()[:200] or None)
    try:
        text = _matches(session, flt.q or "", flt.holder or "") if (flt.q or flt.holder) \
            else None
    except _NoMatch:
        return Results([], 0, limit, offset)
    if (flt.q or flt.holder) and text is None:
        return Results([], 0, limit, offset)  # only punctuation: it matches nothing
    newest = (Certificate.first_issued_on.desc(), Certificate.id.desc())
    if flt.sort and flt.sort not in SORTS:
        raise InvalidInput(f"unknown sort {flt.sort!r}", hint=f"use one of {sorted(SORTS)}")
    if text is None:
        base = select(Certificate)
        counted = select(func.count(Certificate.id))
        order: tuple[Any, ...] = newest
    else:
        m = text
        base = select(Certificate).join(m, m.c.id == Certificate.id)
        counted = select(func.count(Certificate.id)).join(m, m.c.id == Certificate.id)
        order = (m.c.score.desc(), *newest)
    if flt.sort:
        order = (*SORTS[flt.sort], Certificate.id.desc())
    total = _totals.get(session, ("certificates", flt, on), lambda: session.scalar(
        _filtered(counted, flt, on)) or 0)
    if offset >= total:
        return Results([], total, limit, offset)
    rows = session.scalars(_filtered(base, flt, on).order_by(*order).limit(limit)
                           .offset(offset)).unique().all()
    return Results(rows, total, limit, offset)


# The orders a list can be asked for (a certification body's portal offers them).
SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (Certificate.first_issued_on.desc(),),
    "oldest": (Certificate.first_issued_on.asc(),),
    "number": (Certificate.number.asc(),),
    "expiry": (Certificate.valid_until.is_(None), Certificate.valid_until.asc()),
}


def listing(session: Session, flt: CertificateQuery, limit: int, offset: int
            ) -> tuple[Sequence[Certificate], int]:
    """(certificates, total): `search` for the pages that show a list and its count."""
    found = search(session, flt, limit, offset)
    return found.items, found.total


def facets(session: Session, flt: CertificateQuery) -> dict[str, dict[str, int]]:
    """Counts of the matching certificates by scheme and by issuer (for narrowing down)."""
    on = flt.on or dt.date.today()
    try:
        text = _matches(session, flt.q or "", flt.holder or "") if (flt.q or flt.holder) \
            else None
    except _NoMatch:
        return {"scheme": {}, "issuer": {}}
    if (flt.q or flt.holder) and text is None:
        return {"scheme": {}, "issuer": {}}
    out: dict[str, dict[str, int]] = {}
    for name, column in (("scheme", Certificate.scheme_code), ("issuer", Certificate.issuer_id)):
        query = select(column, func.count(Certificate.id))
        if text is not None:
            query = query.join(text, text.c.id == Certificate.id)
        query = _filtered(query, flt, on).group_by(column).order_by(func.count(
            Certificate.id).desc(), column)
        out[name] = _totals_map(session, ("facet", name, flt, on), query)
    return out


_facets: StampedCache[dict[str, int]] = StampedCache(limit=256)


def _totals_map(session: Session, key: Any, query: Select) -> dict[str, int]:
    return _facets.get(session, key, lambda: {k: n for k, n in session.execute(query)})


# -- the index as a whole ------------------------------------------------------------------

REBUILD_BATCH = 2000  # certificates per round of a rebuild


def rebuild(session: Session, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute the index of every certificate; returns the number indexed."""
    conn = session.connection()
    conn.execute(delete(_T).where(_T.c.kind == KIND))
    total = conn.execute(select(func.count()).select_from(Certificate.__table__)).scalar() or 0
    bodies = {b.id: index.issuer_row(b) for b in session.scalars(select(Body))}
    certs, issues_t = Certificate.__table__, CertificateIssue.__table__
    done, last = 0, 0
    while True:
        batch = conn.execute(select(certs).where(certs.c.id > last).order_by(certs.c.id)
                             .limit(REBUILD_BATCH)).mappings().all()
        if not batch:
            break
        ids = [c["id"] for c in batch]
        by_cert: dict[int, list[Mapping[str, Any]]] = {i: [] for i in ids}
        for issue in conn.execute(select(issues_t).where(issues_t.c.certificate_id.in_(ids))
                                  .order_by(issues_t.c.certificate_id, issues_t.c.issue_no)
                                  ).mappings():
            by_cert[issue["certificate_id"]].append(issue)
        rows = [row for c in batch if by_cert[c["id"]]
                for row in index.rows_for(c, by_cert[c["id"]], bodies.get(c["issuer_id"], {}))]
        rows.sort(key=lambda r: r["token"])  # in key order: appends to the b-tree, not splits
        if rows:
            conn.execute(insert(_T), rows)
        done += len(batch)
        last = ids[-1]
        if progress:
            progress(done, total)
    return done


def is_empty(session: Session) -> bool:
    return session.connection().execute(
        select(_T.c.object_id).where(_T.c.kind == KIND).limit(1)).first() is None


def ensure(session: Session) -> int:
    """Build the index if it is empty while certificates exist (a database made before the
    index, or restored from such a backup); returns the number indexed (0: nothing to do)."""
    if not is_empty(session):
        return 0
    conn = session.connection()
    if conn.execute(select(Certificate.__table__.c.id).limit(1)).first() is None:
        return 0
    return rebuild(session)


# -- registry look-ups (small tables, matched in memory with the same rules) ----------------

def _ranked(q: str, rows: Sequence[Any], values: Any, limit: int | None) -> list[Any]:
    """The rows answering `q`: whole-value matches first, then beginnings, then the rest
    (each group in the rows' order)."""
    terms = query_terms(q)[:MAX_TERMS]
    if not terms:
        return []
    whole = exact_token(q)
    scored = []
    for n, row in enumerate(rows):
        tokens = registry_tokens(*values(row))
        if not matches(terms, tokens):
            continue
        exact = whole in tokens
        begins = any(term_matches(Term(whole, True), t) for t in tokens if t.startswith("="))
        scored.append((0 if exact else 1 if begins else 2, n, row))
    scored.sort(key=lambda s: (s[0], s[1]))
    return [row for _, _, row in scored[:limit]]  # (limit None: all)


def match_bodies(q: str, rows: Sequence[Body], limit: int | None = None) -> list[Body]:
    return _ranked(q, rows, lambda b: (b.id, b.name_en, b.name_zh, b.short_name), limit)


def match_standards(q: str, rows: Sequence[Standard], limit: int | None = None
                    ) -> list[Standard]:
    return _ranked(q, rows, lambda s: (s.ref, s.title_en, s.title_zh, s.publisher), limit)


def match_economies(q: str, rows: Sequence[Economy], limit: int | None = None
                    ) -> list[Economy]:
    return _ranked(q, rows, lambda e: (e.code, e.name_en, e.name_zh), limit)


def find_bodies(session: Session, q: str, limit: int | None = 50) -> list[Body]:
    return match_bodies(q, session.scalars(select(Body).order_by(Body.id)).all(), limit)


def find_standards(session: Session, q: str, limit: int | None = 50) -> list[Standard]:
    return match_standards(q, session.scalars(
        select(Standard).order_by(Standard.designation, Standard.edition)).all(), limit)


def find_economies(session: Session, q: str, limit: int | None = None) -> list[Economy]:
    return match_economies(q, session.scalars(select(Economy).order_by(Economy.code)).all(),
                           limit)
