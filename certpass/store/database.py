"""Engine and session factory; migrations are the only way a schema is made or changed."""

from __future__ import annotations

import copy
import logging
import math
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import orjson
from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, RootTransaction, create_engine, event, text
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from certpass.errors import Conflict, InvalidSetting
from certpass.store.session import READS_ONLY, CertpassSession

MIGRATIONS = Path(__file__).parent / "migrations"
_WRITE = "certpass_write"
log = logging.getLogger("certpass.store")


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


def make_engine(url: str, connect_timeout: int | None = None) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                               json_serializer=_json)
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    connect_args = ({"connect_timeout": connect_timeout}
                    if connect_timeout is not None and "connect_timeout=" not in url else {})
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20,
                         json_serializer=_json, connect_args=connect_args)


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


@dataclass
class ReadRoute:
    """Where one unit of work (a web request) may read: ``replica`` says it may read from
    the replica at all; ``wrote`` becomes true when it enters its first ``write()``, and
    from then on its reads go to the primary (it reads its own writes)."""

    replica: bool
    wrote: bool = False


_route: ContextVar[ReadRoute | None] = ContextVar("certpass_read_route", default=None)


@contextmanager
def read_route(replica: bool) -> Iterator[ReadRoute]:
    """Open a unit of work whose reads may use the replica (``replica``) until it writes.
    The web's middleware opens one per request (web/replica.py); outside one, every read
    goes to the primary. The route is a mutable object in a ContextVar, so a write in a
    thread-pool worker (which runs in a copy of the context) is seen by the request."""
    route = ReadRoute(replica)
    token = _route.set(route)
    try:
        yield route
    finally:
        _route.reset(token)


_UNCHECKED = "has not been checked yet"


def _first_line(exc: SQLAlchemyError) -> str:
    """The driver's own message, first line (psycopg adds lines about each address)."""
    return (str(getattr(exc, "orig", None) or exc).strip().splitlines() or ["?"])[0]


class Replica:
    """A PostgreSQL streaming replica and the judgement whether it may serve reads now.

    Lag is measured, at most every ``check_seconds``, as the primary's current WAL position
    against the replica's replayed one: caught up is lag 0 (an idle primary commits nothing,
    so the time of the last replayed commit alone would call an idle, current replica
    late); behind, lag is the replica's clock minus the commit time of the last transaction
    it replayed (``pg_last_xact_replay_timestamp()``). Over ``max_lag_seconds``, not a
    standby (promoted: it may have diverged), or unreachable: reads go to the primary and
    one warning is logged per change of state. A read may thus see the replica up to
    ``max_lag_seconds + check_seconds`` behind (plus clock skew between the two servers)."""

    RETRY_DOWN_SECONDS = 5.0  # an unreachable replica is tried again after this

    def __init__(self, url: str, primary: Engine, max_lag_seconds: float) -> None:
        if primary.dialect.name != "postgresql" or not url.startswith("postgresql"):
            raise InvalidSetting(
                "a read replica needs PostgreSQL for both the database and the replica",
                hint="set CERTPASS_READ_DATABASE_URL to a postgresql:// URL of a streaming "
                     "replica of CERTPASS_DATABASE_URL, or leave it empty")
        self.engine = make_engine(url, connect_timeout=3)
        self.sessions = sessionmaker(self.engine, class_=CertpassSession,
                                     expire_on_commit=False, info={READS_ONLY: True})
        self.max_lag_seconds = max_lag_seconds
        self.check_seconds = min(1.0, max_lag_seconds / 4)
        self._primary = primary
        self._lock = threading.Lock()
        self._next_check = -math.inf
        self._problem: str | None = _UNCHECKED

    def window_seconds(self) -> int:
        """How long a client's reads stay on the primary after it wrote: past this, the
        replica has its write, or lags too much to be used."""
        return math.ceil(self.max_lag_seconds + self.check_seconds + 1)

    def usable(self) -> bool:
        """May a read use the replica now? Checked at most every ``check_seconds`` by one
        reader; the others meanwhile take the last answer rather than wait (a replica that
        does not answer would hold each of them up to its connect timeout)."""
        if not self._lock.acquire(blocking=False):
            return self._problem is None
        try:
            now = time.monotonic()
            if now >= self._next_check:
                problem = self._check()
                if problem != self._problem:
                    if problem is not None:
                        log.warning("reads go to the primary: the read replica %s", problem)
                    elif self._problem != _UNCHECKED:
                        log.warning("the read replica serves reads again")
                self._problem = problem
                unreachable = problem is not None and "unreachable" in problem
                self._next_check = now + (self.RETRY_DOWN_SECONDS if unreachable
                                          else self.check_seconds)
            return self._problem is None
        finally:
            self._lock.release()

    def mark_unreachable(self, exc: SQLAlchemyError) -> None:
        """A read's own connection failed between two checks: skip the replica a while."""
        problem = f"is unreachable ({_first_line(exc)})"
        with self._lock:
            if self._problem is None:
                log.warning("reads go to the primary: the read replica %s", problem)
            self._problem = problem
            self._next_check = time.monotonic() + self.RETRY_DOWN_SECONDS

    def _check(self) -> str | None:
        """Why the replica may not serve reads now, or None."""
        # The primary's position first: a replica that has replayed up to it has every
        # commit made before this check began.
        try:
            with self._primary.connect() as conn:
                primary_lsn = conn.execute(text("SELECT pg_current_wal_lsn()::text")).scalar()
        except SQLAlchemyError:
            return "cannot be compared: the primary did not answer"
        try:
            with self.engine.connect() as conn:
                standby, caught_up, lag = conn.execute(text(
                    "SELECT pg_is_in_recovery(),"
                    " pg_last_wal_replay_lsn() >= CAST(:lsn AS pg_lsn),"
                    " extract(epoch FROM now() - pg_last_xact_replay_timestamp())"),
                    {"lsn": primary_lsn}).one()
        except SQLAlchemyError as exc:
            return f"is unreachable ({_first_line(exc)})"
        if not standby:
            return "is not a standby (promoted?), so it may differ from the primary"
        if caught_up:
            return None
        if lag is None or float(lag) > self.max_lag_seconds:
            return (f"lags {'an unknown time' if lag is None else f'{float(lag):.1f} s'}"
                    f" (read_replica_max_lag_seconds is {self.max_lag_seconds:g})")
        return None


class Database:
    """One database: an engine and a session factory for readers and one for writers, and
    optionally a streaming replica for reads (``read_url``).

    Reads use the replica only inside a ``read_route(replica=True)`` (the web opens one for
    a GET that follows no recent write of its client) and only while ``Replica.usable()``.
    Everything else reads the primary: writes, a unit of work after its first write, the
    CLI and background jobs (they decide what to write from what they read, and a stale
    read there is a wrong write), and ``read(primary=True)`` (sign-in checks: a revoked
    token must stop working at once)."""

    def __init__(self, url: str, read_url: str = "", max_lag_seconds: float = 5.0) -> None:
        self.url = url
        self.engine = make_engine(url)
        self._outer: OuterTransaction | None = None
        self._readers = sessionmaker(self.engine, class_=CertpassSession,
                                     expire_on_commit=False, info={READS_ONLY: True})
        self._write_engine = self.engine.execution_options(**{_WRITE: True})
        self._writers = sessionmaker(self._write_engine, class_=CertpassSession,
                                     expire_on_commit=False)
        self.replica = Replica(read_url, self.engine, max_lag_seconds) if read_url else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def migrate(self) -> None:
        migrate(self.engine)

    @contextmanager
    def read(self, primary: bool = False) -> Iterator[Session]:
        """A session for reading: on the replica where the class docstring allows it (and
        ``primary`` is false), else on the primary. The replica's connection is taken before
        the session is handed out, so an unreachable replica means the primary, not an
        error."""
        route = _route.get()
        replica = self.replica
        if (replica is not None and not primary and route is not None and route.replica
                and not route.wrote and replica.usable()):
            session = replica.sessions()
            try:
                session.connection()
            except SQLAlchemyError as exc:
                session.close()
                replica.mark_unreachable(exc)
            else:
                with session:
                    yield session
                return
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
        route = _route.get()
        if route is not None:  # from now on this unit of work reads its own writes (even
            route.wrote = True  # a failed one: marking too often costs only a replica read)
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
        if self.replica is not None:
            self.replica.engine.dispose()


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
