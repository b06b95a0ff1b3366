"""Engine and session factory; migrations are the only way a schema is made or changed."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, RootTransaction, create_engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from certpass.errors import Conflict
from certpass.store.session import CertpassSession

MIGRATIONS = Path(__file__).parent / "migrations"
_WRITE = "certpass_write"


def _sqlite_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    # We issue BEGIN ourselves (see _sqlite_begin), so pysqlite must not.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(conn) -> None:  # type: ignore[no-untyped-def]
    # A writer takes the write lock up front: two writers that both began as readers
    # would otherwise deadlock on upgrade and one would fail with "database is locked".
    immediate = conn.get_execution_options().get(_WRITE)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _json(value: object) -> str:
    """JSON columns: orjson (several per certificate issue; the standard library's encoder
    costs more than the row's insert)."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _unique_violation(exc: IntegrityError) -> bool:
    return "UNIQUE constraint failed" in str(exc.orig) or getattr(
        exc.orig, "sqlstate", None) == "23505"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               json_serializer=_json)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20,
                         json_serializer=_json)


def alembic_config(engine: Engine | None = None) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if engine is not None:
        url = engine.url.render_as_string(hide_password=False)
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema up to date (``certpass init`` calls this)."""
    cfg = alembic_config(engine)
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, revision)


class Database:
    """One database: an engine and a session factory for readers and one for writers."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._outer: OuterTransaction | None = None
        self._readers = sessionmaker(self.engine, class_=CertpassSession,
                                     expire_on_commit=False)
        self._write_engine = self.engine.execution_options(**{_WRITE: True})
        self._writers = sessionmaker(self._write_engine, class_=CertpassSession,
                                     expire_on_commit=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        migrate(self.engine)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._readers() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: everything inside commits together, or nothing does. A unique
        key taken by a concurrent writer between a service's check and its commit (say, two
        requests issuing the same new number at once on PostgreSQL) is a Conflict, not a
        crash: nothing was written, and the retry meets the service's own check.

        On a database ``joining`` an outer transaction, the session joins it instead: its
        commit releases a savepoint and the outer transaction's owner commits."""
        factory = self._writers if self._outer is None else self._outer.session
        try:
            with factory() as session, session.begin():
                yield session
        except IntegrityError as exc:
            if not _unique_violation(exc):
                raise
            raise Conflict("another request wrote the same record at the same moment",
                           hint="nothing was written; send the request again") from exc

    def outer_transaction(self) -> OuterTransaction:
        """A write transaction on a connection of its own, held open across several
        ``write()``s of a ``joining`` database and committed (or rolled back) by its owner."""
        return OuterTransaction(self._write_engine)

    def joining(self, outer: OuterTransaction) -> Database:
        """This database (same engine and readers) whose ``write()`` joins `outer`."""
        joined = copy.copy(self)
        joined._outer = outer
        return joined

    def dispose(self) -> None:
        self.engine.dispose()


class OuterTransaction:
    """SQLAlchemy's recipe "joining a Session into an external transaction": a connection
    and its transaction begun here; each session bound to the connection with
    ``join_transaction_mode="create_savepoint"`` works in a savepoint of it, so its commit
    keeps its rows in the outer transaction and its rollback undoes only its own work.
    Nothing is durable until ``commit()``. Used by the idempotency middleware: the key, the
    handler's writes and the stored response commit together. One thread at a time."""

    def __init__(self, bind: Engine) -> None:
        self.connection: Connection = bind.connect()
        self._transaction: RootTransaction | None = None
        try:
            self._transaction = self.connection.begin()
        except BaseException:
            self.connection.close()
            raise

    def session(self) -> Session:
        return CertpassSession(bind=self.connection, join_transaction_mode="create_savepoint",
                               expire_on_commit=False)

    def commit(self) -> None:
        try:
            if self._transaction is not None:
                self._transaction.commit()
        finally:
            self._close()

    def rollback(self) -> None:
        try:
            if self._transaction is not None and self._transaction.is_active:
                self._transaction.rollback()
        finally:
            self._close()

    def _close(self) -> None:
        self._transaction = None
        self.connection.close()
