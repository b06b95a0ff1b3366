"""The registry's read path: what the pages, the JSON API and the CLI show of economies,
bodies, schemes, standards, categories, listings and accreditations. Writes are in
`service`; text matching (`?q=`) is the search package's, applied to these rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, String, cast, func, or_, select
from sqlalchemy.orm import Session

from certpass.errors import NotFound
from certpass.registry.models import (
    Accreditation,
    Body,
    Economy,
    ProductCategory,
    Scheme,
    SchemeListing,
    Standard,
)

T = TypeVar("T")


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


def page(session: Session, query: Select[Any], limit: int, offset: int) -> Page[Any]:
    """One page of `query`'s rows, with the count of all of them."""
    found = list(session.scalars(query.limit(limit).offset(offset)).unique())
    return Page(found, count(session, query), limit, offset)


def page_of(rows: Sequence[T], limit: int, offset: int) -> Page[T]:
    """One page of rows already chosen in memory (registry tables are small)."""
    return Page(list(rows[offset:offset + limit]), len(rows), limit, offset)


# --- queries the lists page through -------------------------------------------------------


def economies_query(*, blocs: bool | None = None) -> Select[Any]:
    query = select(Economy).order_by(Economy.code)
    return query if blocs is None else query.where(Economy.is_bloc.is_(blocs))


def bodies_query(*, role: str | None = None, economy: str | None = None,
                 by_economy: bool = False) -> Select[Any]:
    query = select(Body).order_by(*((Body.economy_code, Body.id) if by_economy else (Body.id,)))
    if role:
        # JSON list membership, portable across SQLite and PostgreSQL.
        query = query.where(cast(Body.roles, String).contains(f'"{role}"', autoescape=True))
    if economy:
        query = query.where(Body.economy_code == economy.upper())
    return query


def schemes_query() -> Select[Any]:
    return select(Scheme).order_by(Scheme.code)


def standards_query(*, by_designation: bool = False) -> Select[Any]:
    order = (Standard.designation, Standard.edition) if by_designation else (Standard.ref,)
    return select(Standard).order_by(*order)


def categories_query(*, system: str | None = None) -> Select[Any]:
    query = select(ProductCategory).order_by(ProductCategory.code)
    return query if not system else query.where(ProductCategory.system == system)


def accreditations_query(*, body: str | None = None, accreditor: str | None = None,
                         status: str | None = None) -> Select[Any]:
    query = select(Accreditation).order_by(Accreditation.number)
    if body:
        query = query.where(Accreditation.body_id == body)
    if accreditor:
        query = query.where(Accreditation.accreditor_id == accreditor)
    if status:
        query = query.where(Accreditation.status == status)
    return query


def listings_query(*, scheme: str | None = None, body: str | None = None) -> Select[Any]:
    query = select(SchemeListing).order_by(SchemeListing.id)
    if scheme:
        query = query.where(SchemeListing.scheme_code == scheme)
    if body:
        query = query.where(SchemeListing.body_id == body)
    return query


def rows(session: Session, query: Select[Any]) -> list[Any]:
    return list(session.scalars(query).unique())


def count(session: Session, query: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(
        query.order_by(None).subquery())) or 0


# --- what a detail page shows beside its row ------------------------------------------------


def accreditations_held(session: Session, body_id: str) -> list[Accreditation]:
    return rows(session, accreditations_query(body=body_id))


def accreditations_of(session: Session, body_id: str) -> list[Accreditation]:
    """Held by the body or granted by it."""
    return rows(session, select(Accreditation).where(or_(
        Accreditation.body_id == body_id, Accreditation.accreditor_id == body_id))
        .order_by(Accreditation.number))


def listings_of_body(session: Session, body_id: str) -> list[SchemeListing]:
    return rows(session, select(SchemeListing).where(SchemeListing.body_id == body_id)
                .order_by(SchemeListing.scheme_code, SchemeListing.role))


def listings_of_scheme(session: Session, code: str) -> list[SchemeListing]:
    return rows(session, select(SchemeListing).where(SchemeListing.scheme_code == code)
                .order_by(SchemeListing.role, SchemeListing.body_id))


def editions(session: Session, designation: str) -> list[Standard]:
    """Every recorded edition of a designation ("IEC 60335-1"), oldest first."""
    return rows(session, select(Standard).where(Standard.designation == designation)
                .order_by(Standard.edition))


def adopted_by(session: Session, ref: str) -> list[Standard]:
    """The national standards that adopt `ref`."""
    return rows(session, select(Standard).where(Standard.adopts_ref == ref)
                .order_by(Standard.ref))


def bodies_named(session: Session, ids: Iterable[str]) -> dict[str, Body]:
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    return {b.id: b for b in session.scalars(select(Body).where(Body.id.in_(wanted)))}


def economies_named(session: Session, codes: Iterable[str]) -> dict[str, Economy]:
    """The economies (and blocs) with these codes, in code order."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return {}
    return {e.code: e for e in session.scalars(economies_query().where(
        Economy.code.in_(wanted)))}


def accreditations_granted(session: Session, accreditor_id: str) -> list[Accreditation]:
    """What one accreditation body has granted, newest first."""
    return list(session.scalars(select(Accreditation)
                                .where(Accreditation.accreditor_id == accreditor_id)
                                .order_by(Accreditation.valid_from.desc(),
                                          Accreditation.number)))


def accreditation(session: Session, number: str) -> Accreditation:
    acc = session.scalar(select(Accreditation).where(Accreditation.number == number))
    if acc is None:
        raise NotFound(f"unknown accreditation {number!r}",
                       hint="check the number on the accreditation certificate")
    return acc
