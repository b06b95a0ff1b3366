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
import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import (
    Select,
    column,
    delete,
    func,
    insert,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.selectable import Join

from certpass.certificates.models import Certificate, CertificateIssue
from certpass.errors import InvalidInput
from certpass.index import writer as index
from certpass.index.documents import fts5_query, needles, score, stored, tsquery
from certpass.index.fields import registry_tokens
from certpass.index.models import FTS_TABLE, SearchDocument
from certpass.index.tokens import (
    Term,
    exact_token,
    matches,
    prefix_end,
    query_terms,
    term_matches,
)
from certpass.ledger.stamped import StampedCache
from certpass.registry.models import Body, Economy, Standard

STATUSES = ("valid", "suspended", "withdrawn", "cancelled", "expired")
MAX_TERMS = 12  # terms of one query (a pasted paragraph is cut, not refused)
# Ranked exactly: the newest RANK_POOL matches, and the newest RANK_POOL whose whole field
# value the query is or begins (exact numbers and names, wherever they are in the list);
# the matches after them follow newest first. A query matching fewer is ranked entirely.
RANK_POOL = 100
# Counted at most (past the page asked for): a larger total is reported as this lower
# bound with exact=False, and paging goes on (next_offset) to the last match.
COUNT_CAP = 1_000
FACET_CAP = 1_000  # facets count the newest FACET_CAP matches (exact below that)
_D = SearchDocument.__table__
_FTS = table(FTS_TABLE, column("rowid"), column(FTS_TABLE))


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
    total: int  # exact, or (exact False) a lower bound: there are at least this many
    limit: int
    offset: int
    exact: bool = True

    @property
    def next_offset(self) -> int | None:
        end = self.offset + len(self.items)
        return end if end < self.total else None


@dataclass(frozen=True)
class _Text:
    terms: list[Term]  # every one must match (q's and holder's)
    whole: str  # q as a whole-value token ("" without q's words)


def _text(flt: CertificateQuery) -> _Text | None:
    terms = query_terms(flt.q or "")[:MAX_TERMS]
    known = {t.token for t in terms}
    every = terms + [t for t in query_terms(flt.holder or "")[:MAX_TERMS]
                     if t.token not in known]
    if not every:
        return None
    return _Text(every, exact_token(flt.q or "") if terms else "")


class _IndexFirst(Join):
    """A join whose left side (the full-text index) SQLite must run first (CROSS JOIN): it
    streams matches newest first and stops at the LIMIT, where a filter's index on
    certificates, chosen by the planner, would probe the index once per certificate."""

    inherit_cache = True


@compiles(_IndexFirst, "sqlite")
def _cross_join(join: _IndexFirst, compiler: SQLCompiler, **kw: Any) -> str:
    return compiler.visit_join(join, **kw).replace(" JOIN ", " CROSS JOIN ", 1)


def _spell(session: Session, token: str) -> tuple[bool, tuple[str, ...]]:
    """(more than SPELL_OUT, the index terms that begin with `token`)."""
    start = stored(token)
    words = tuple(session.scalars(_VOCAB, {"start": start, "end": prefix_end(start),
                                           "n": SPELL_OUT + 1}))
    return len(words) > SPELL_OUT, words


# The terms a prefix stands for, per database state: the FTS5 vocabulary counts each
# term's documents as it lists it, so a prefix of common terms ("iec") costs a scan of
# their lists; asked once per state, not once per request.
_spelled: StampedCache[tuple[bool, tuple[str, ...]]] = StampedCache(limit=4096)


def _filters(flt: CertificateQuery) -> bool:
    return any((flt.status, flt.scheme, flt.issuer, flt.economy, flt.hs_code, flt.category))


def _id_column(session: Session) -> Any:
    return _FTS.c.rowid if session.get_bind().dialect.name == "sqlite" else _D.c.certificate_id


SPELL_OUT = 64  # a prefix term matching at most this many index terms is asked as those
_VOCAB = text("SELECT term FROM search_fts_terms WHERE term >= :start AND term < :end "
              "ORDER BY term LIMIT :n")


class _NoMatch(Exception):
    """A prefix no indexed term begins with: the answer is empty without asking further."""


def _match(session: Session, terms: Sequence[Term]) -> Any:
    """The WHERE clause of "every term matches" on this database's full-text index."""
    if session.get_bind().dialect.name != "sqlite":
        return text("array_to_tsvector(string_to_array(search_documents.tokens, ' ')) "
                    "@@ CAST(:tsq AS tsquery)").bindparams(tsq=tsquery(terms))
    spelled: dict[str, tuple[str, ...]] = {}
    for term in terms:
        if term.prefix:
            # FTS5 merges every term of a prefix into one list before the first row;
            # a few terms, read one by one, stream (and stop at the LIMIT).
            many, words = _spelled.get(session, term.token,
                                       functools.partial(_spell, session, term.token))
            if not words:
                raise _NoMatch
            if not many:
                spelled[term.token] = words
    return _FTS.c[FTS_TABLE].op("MATCH")(fts5_query(terms, spelled))


def _ids(session: Session, match: Any, flt: CertificateQuery, on: dt.date,
         join: bool = False) -> Select:
    """select(id) of the certificates answering `match` (_match) and the filters, newest id
    first: the full-text index, joined to certificates only for filters (or `join`: to
    order by their columns)."""
    certs = Certificate.__table__
    id_column = _id_column(session)
    if session.get_bind().dialect.name == "sqlite":
        source: Any = (_IndexFirst(_FTS, certs, Certificate.id == id_column)
                       if join or _filters(flt) else _FTS)
    else:
        source = _D.join(certs, Certificate.id == id_column) if join or _filters(flt) else _D
    query = select(id_column.label("id")).select_from(source).where(match)
    return _filtered(query, flt, on).order_by(id_column.desc())


def _capped_count(session: Session, query: Select, at_least: int) -> tuple[int, bool]:
    """(count, exact) counting at most at_least + COUNT_CAP rows of `query`."""
    bound = at_least + COUNT_CAP
    n = session.scalar(select(func.count()).select_from(
        query.order_by(None).limit(bound).subquery())) or 0
    return n, n < bound


def _ranked_ids(session: Session, txt: _Text, flt: CertificateQuery, on: dt.date,
                limit: int, offset: int) -> tuple[list[int], int, bool]:
    """(ids of the page, total, exact) for a text query in best-first order.

    One read of the matches' ids, newest first, up to the page's end plus COUNT_CAP: the
    total, and the RANK_POOL newest of them to rank; with the newest RANK_POOL whose field
    value the query is or begins (a second read), they are ranked by score; the other
    matches follow newest first."""
    try:
        match = _match(session, txt.terms)
    except _NoMatch:
        return [], 0, True
    bound = offset + limit + COUNT_CAP
    ids = list(session.scalars(_ids(session, match, flt, on).limit(bound)))
    if not ids:
        return [], 0, True
    pool = set(ids[:RANK_POOL])
    if txt.whole and len(ids) > RANK_POOL:
        try:
            exact = _match(session, [*txt.terms, Term(txt.whole, True)])
            pool.update(session.scalars(_ids(session, exact, flt, on).limit(RANK_POOL)))
        except _NoMatch:
            pass
    docs = session.execute(
        select(_D.c.certificate_id, _D.c.tokens, _D.c.weights, Certificate.first_issued_on)
        .join(Certificate.__table__, Certificate.id == _D.c.certificate_id)
        .where(_D.c.certificate_id.in_(list(pool)))).all()
    looked_for = needles(txt.terms, txt.whole)
    keys = {i: (-score(tokens, weights, looked_for), -day.toordinal(), -i)
            for i, tokens, weights, day in docs}
    ranked = sorted(keys, key=keys.__getitem__)
    ranked += [i for i in ids if i not in pool]
    return ranked[offset:offset + limit], len(ids), len(ids) < bound


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
_totals: StampedCache[tuple[int, bool]] = StampedCache(limit=1024)


def _load(session: Session, ids: Sequence[int]) -> list[Certificate]:
    if not ids:
        return []
    rows = {c.id: c for c in session.scalars(select(Certificate).where(
        Certificate.id.in_(list(ids)))).unique()}
    return [rows[i] for i in ids if i in rows]


def search(session: Session, flt: CertificateQuery, limit: int = 50, offset: int = 0,
           counted: bool = False) -> Results:
    """The certificates answering `flt`, best first (newest first without text).

    The total is counted up to COUNT_CAP past the page (exact=False beyond: a lower bound);
    `counted`: exactly, once per database state (the pages that show a list's size)."""
    found = _search(session, flt, limit, offset)
    if not counted or found.exact:
        return found
    on = flt.on or dt.date.today()
    txt = _text(flt)
    listed = (_filtered(select(Certificate.id), flt, on) if txt is None
              else _ids(session, _match(session, txt.terms), flt, on))
    total = _totals.get(session, ("counted", flt, on), lambda: (session.scalar(
        select(func.count()).select_from(listed.order_by(None).subquery())) or 0, True))[0]
    return replace(found, total=total, exact=True)


def _search(session: Session, flt: CertificateQuery, limit: int, offset: int) -> Results:
    if limit < 1 or offset < 0:
        raise InvalidInput("limit must be at least 1 and offset at least 0")
    on = flt.on or dt.date.today()
    flt = replace(flt, q=(flt.q or "").strip()[:200] or None,
                  holder=(flt.holder or "").strip()[:200] or None)
    if flt.sort and flt.sort not in SORTS:
        raise InvalidInput(f"unknown sort {flt.sort!r}", hint=f"use one of {sorted(SORTS)}")
    _filtered(select(Certificate.id), flt, on)  # bad filters are refused, text or not
    txt = _text(flt)
    if (flt.q or flt.holder) and txt is None:
        return Results([], 0, limit, offset)  # only punctuation: it matches nothing
    newest = (Certificate.first_issued_on.desc(), Certificate.id.desc())
    if txt is not None and not flt.sort:
        ids, total, exact = _ranked_ids(session, txt, flt, on, limit, offset)
        return Results(_load(session, ids), total, limit, offset, exact)
    if txt is None:
        listed = _filtered(select(Certificate.id), flt, on)
        order: tuple[Any, ...] = newest
    else:
        try:
            listed = _ids(session, _match(session, txt.terms), flt, on,
                          join=True).order_by(None)
        except _NoMatch:
            return Results([], 0, limit, offset)
        order = ()
    if flt.sort:
        order = (*SORTS[flt.sort], Certificate.id.desc())
    total, exact = _totals.get(session, ("certificates", flt, on, offset + limit),
                               lambda: _capped_count(session, listed, offset + limit))
    if offset >= total:
        return Results([], total, limit, offset, exact)
    ids = list(session.scalars(listed.order_by(*order).limit(limit).offset(offset)))
    return Results(_load(session, ids), total, limit, offset, exact)


# The orders a list can be asked for (a certification body's portal offers them).
SORTS: dict[str, tuple[Any, ...]] = {
    "newest": (Certificate.first_issued_on.desc(),),
    "oldest": (Certificate.first_issued_on.asc(),),
    "number": (Certificate.number.asc(),),
    "expiry": (Certificate.valid_until.is_(None), Certificate.valid_until.asc()),
}


def listing(session: Session, flt: CertificateQuery, limit: int, offset: int
            ) -> tuple[Sequence[Certificate], int]:
    """(certificates, total): `search` for the pages that show a list and its count
    (counted exactly)."""
    found = search(session, flt, limit, offset, counted=True)
    return found.items, found.total


def facets(session: Session, flt: CertificateQuery) -> dict[str, dict[str, int]]:
    """Counts of the matching certificates by scheme and by issuer (for narrowing down),
    among the newest FACET_CAP matches (all of them when fewer match)."""
    on = flt.on or dt.date.today()
    txt = _text(flt)
    none: dict[str, dict[str, int]] = {"scheme": {}, "issuer": {}}
    if (flt.q or flt.holder) and txt is None:
        return none
    columns = (Certificate.scheme_code.label("scheme"), Certificate.issuer_id.label("issuer"))
    if txt is None:
        sample = (_filtered(select(*columns), flt, on).order_by(Certificate.id.desc())
                  .limit(FACET_CAP).subquery())
    else:
        try:
            ids = _ids(session, _match(session, txt.terms), flt, on).limit(FACET_CAP)
        except _NoMatch:
            return none
        newest = ids.subquery("m")
        sample = (select(*columns).select_from(Certificate.__table__.join(
            newest, newest.c.id == Certificate.id)).subquery())
    out: dict[str, dict[str, int]] = {}
    for name in ("scheme", "issuer"):
        key = sample.c[name]
        query = select(key, func.count()).group_by(key).order_by(func.count().desc(), key)
        out[name] = _totals_map(session, ("facet", name, flt, on), query)
    return out


_facets: StampedCache[dict[str, int]] = StampedCache(limit=256)


def _totals_map(session: Session, key: Any, query: Select) -> dict[str, int]:
    return _facets.get(session, key, lambda: {k: n for k, n in session.execute(query)})


# -- the index as a whole ------------------------------------------------------------------

REBUILD_BATCH = 2000  # certificates per round of a rebuild


def rebuild(session: Session, progress: Callable[[int, int], None] | None = None) -> int:
    """Recompute the index of every certificate (the writer's rows, in batches); returns
    the number indexed. On SQLite the FTS5 index is then merged into one segment."""
    conn = session.connection()
    sqlite = conn.dialect.name == "sqlite"
    if sqlite:  # emptied at once (row by row, the delete trigger would unindex each)
        conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('delete-all')"))
        conn.execute(text("DROP TRIGGER IF EXISTS search_documents_ad"))
    conn.execute(delete(_D))
    if sqlite:
        conn.execute(text(_DELETE_TRIGGER))
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
            by_cert[issue["certificate_id"]].append(dict(issue))
        rows = [index.row_for(dict(c), by_cert[c["id"]], bodies.get(c["issuer_id"], {}))
                for c in batch if by_cert[c["id"]]]
        if rows:
            conn.execute(insert(_D), rows)
        done += len(batch)
        last = ids[-1]
        if progress:
            progress(done, total)
    optimize(session)
    return done


def optimize(session: Session) -> None:
    """Merge SQLite's FTS5 index into one segment (after a bulk load; PostgreSQL: nothing)."""
    conn = session.connection()
    if conn.dialect.name == "sqlite":
        conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('optimize')"))


# (the migration's; made again after a rebuild emptied the table without it)
_DELETE_TRIGGER = (
    "CREATE TRIGGER search_documents_ad AFTER DELETE ON search_documents BEGIN "
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, tokens) "
    "VALUES ('delete', old.certificate_id, old.tokens); END")


def is_empty(session: Session) -> bool:
    return session.connection().execute(
        select(_D.c.certificate_id).limit(1)).first() is None


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
    return _ranked(q, rows, lambda b: (b.id, b.name_en, b.name_zh, b.short_name,
                                       *(b.names or {}).values()), limit)


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
