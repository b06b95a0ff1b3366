"""Declarative base and column types shared by every capability's models."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import (
    Column,
    DateTime,
    MetaData,
    Row,
    Table,
    TypeDecorator,
    column,
    select,
    table,
)
from sqlalchemy.orm import DeclarativeBase, Session
from sqlalchemy.sql.elements import ColumnClause

# Stable constraint names, so migrations are identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on both back ends (SQLite stores naive ones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    # Every model is a declared Table (SQLAlchemy types it as any FromClause).
    __table__: ClassVar[Table]


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_dict(row: Base) -> dict[str, Any]:
    """A row's columns as a plain dict (for JSON responses)."""
    return {c.key: getattr(row, c.key) for c in row.__mapper__.column_attrs}


def row_of(obj: Base) -> dict[str, Any]:
    """An ORM object's column values as a row dict (what store.pending buffers)."""
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def referenced_row(session: Session, foreign_key: Column[Any], key: Any,
                   *columns: ColumnClause[Any]) -> Row[Any] | None:
    """The row `foreign_key` (a column of the caller's own table) points at, with `columns`
    (``column("roles", JSON)``) read from it. A capability checks what its rows reference
    this way without importing the referenced capability's models: imports flow down, and
    the schema's foreign key already says where to look."""
    (fk,) = foreign_key.foreign_keys
    name, _, key_name = fk.target_fullname.rpartition(".")
    target = table(name, column(key_name), *columns)
    return session.execute(
        select(target.c[key_name], *columns).where(target.c[key_name] == key)).first()
