"""The read replica against a real PostgreSQL standby on loopback.

Each test makes its own standby of the test server (pg_basebackup -R into a temporary
folder, started with pg_ctl on a free 127.0.0.1 port as the postgres user) and stops it
afterwards, failed or not. Replication from 127.0.0.1 must be allowed on the primary:
scripts/postgres-replication.sh allows it (CI calls it too). Every wait is a bounded poll;
nothing asserts how long anything took.
"""

from __future__ import annotations

import glob
import logging
import os
import pwd
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, text

from certpass.config import MASK, Settings
from certpass.errors import InvalidSetting
from certpass.store.database import Database, read_route
from certpass.web.app import create_app
from certpass.web.replica import COOKIE
from tests.waiting import free_port

POSTGRES_URL = os.environ.get("CERTPASS_TEST_POSTGRES_URL", "")
ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 60.0


def _engine(url: str) -> Engine:
    return create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))


def _server_bin() -> Path | None:
    """The Debian binaries of the server's own major version (pg_basebackup must match)."""
    engine = _engine(POSTGRES_URL)
    try:
        with engine.connect() as conn:
            major = int(conn.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()
    for folder in [f"/usr/lib/postgresql/{major}/bin", *sorted(glob.glob(
            "/usr/lib/postgresql/*/bin"), reverse=True)]:
        path = Path(folder)
        if (path / "pg_basebackup").is_file() and (path / "pg_ctl").is_file():
            return path
    return None


def _wait_for(what: str, ready: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting: {what}")
        time.sleep(0.1)


@dataclass
class Standby:
    port: int
    url: str  # the test database on the standby
    data: Path
    run: Callable[..., subprocess.CompletedProcess[str]]
    pg_ctl: Path

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.run(str(self.pg_ctl), "-D", str(self.data), "-m", "immediate", "-w",
                     "stop", check=False)


@pytest.fixture
def standby() -> Iterator[Standby]:
    if not POSTGRES_URL:
        pytest.skip("CERTPASS_TEST_POSTGRES_URL is not set")
    folder = _server_bin()
    if folder is None:
        pytest.skip("no pg_basebackup and pg_ctl under /usr/lib/postgresql/*/bin")
    primary = urlsplit(POSTGRES_URL)
    if primary.hostname not in ("127.0.0.1", "localhost"):
        pytest.skip("the replica test makes its standby of a server on this machine only")
    allowed = subprocess.run([str(ROOT / "scripts/postgres-replication.sh"), POSTGRES_URL],
                             capture_output=True, text=True, timeout=60)
    if allowed.returncode != 0:
        pytest.skip(f"replication is not allowed: {allowed.stderr.strip()}")

    root = os.geteuid() == 0  # postgres refuses to run as root: run it as postgres
    owner = pwd.getpwnam("postgres") if root else pwd.getpwuid(os.geteuid())

    def run(*argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        prefix = ["runuser", "-u", "postgres", "--"] if root else []
        done = subprocess.run([*prefix, *argv], capture_output=True, text=True, timeout=120)
        if check and done.returncode != 0:
            raise AssertionError(f"{argv[0]} failed: {done.stdout}{done.stderr}")
        return done

    tmp = Path(tempfile.mkdtemp(prefix="certpass-standby-"))
    os.chown(tmp, owner.pw_uid, owner.pw_gid)
    os.chmod(tmp, 0o700)
    data = tmp / "data"
    port = free_port()
    node = Standby(port, primary._replace(netloc=f"{primary.username or 'postgres'}"
                                          f"@127.0.0.1:{port}").geturl(),
                   data, run, folder / "pg_ctl")
    try:
        # The server may cut a base backup's stream off when other tests' work checkpoints
        # at the same moment ("terminating process ... to release replication slot"): a
        # fresh backup then succeeds. At most three tries.
        for attempt in range(3):
            backup = run(str(folder / "pg_basebackup"), "-h", "127.0.0.1", "-p",
                         str(primary.port or 5432), "-U", primary.username or "postgres",
                         "-D", str(data), "-R", "-X", "stream", "--checkpoint=fast",
                         "--no-sync", check=False)
            if backup.returncode == 0:
                break
            shutil.rmtree(data, ignore_errors=True)
            if attempt == 2:
                raise AssertionError(f"pg_basebackup failed: {backup.stdout}{backup.stderr}")
        # Debian keeps the primary's configuration outside its data folder: give the
        # standby its own, loopback only, its socket in the temporary folder.
        (data / "postgresql.conf").write_text(
            f"port = {port}\nlisten_addresses = '127.0.0.1'\n"
            f"unix_socket_directories = '{tmp}'\nhot_standby = on\nfsync = off\n"
            "shared_buffers = 16MB\n")
        (data / "pg_hba.conf").write_text("local all all trust\n"
                                          "host all all 127.0.0.1/32 trust\n")
        (data / "pg_ident.conf").write_text("")
        for path in (data / "postgresql.conf", data / "pg_hba.conf", data / "pg_ident.conf"):
            os.chown(path, owner.pw_uid, owner.pw_gid)
        run(str(folder / "pg_ctl"), "-D", str(data), "-l", str(tmp / "standby.log"), "-w",
            "-t", "60", "start")
        probe = _engine(node.url)

        def accepts() -> bool:
            try:
                with probe.connect() as conn:
                    return bool(conn.execute(text("SELECT pg_is_in_recovery()")).scalar())
            except Exception:
                return False

        try:
            _wait_for("the standby accepts connections", accepts)
        finally:
            probe.dispose()
        yield node
    finally:
        node.stop()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def schema() -> Iterator[str]:
    """A schema of its own on the primary with one table (the standby gets it by
    replication)."""
    name = f"certpass_replica_{uuid.uuid4().hex[:10]}"
    admin = _engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{name}"'))
        conn.execute(text(f'CREATE TABLE "{name}".note (id int PRIMARY KEY, body text)'))
    yield name
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{name}" CASCADE'))
    admin.dispose()


def _in(url: str, schema: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{schema}"


@pytest.fixture
def make_db(schema: str, standby: Standby) -> Iterator[Callable[..., Database]]:
    # `schema` first: the standby is copied with the table already in it.
    made: list[Database] = []

    def make(read_url: str | None = None, max_lag_seconds: float = 2.0) -> Database:
        db = Database(_in(POSTGRES_URL, schema), _in(read_url or standby.url, schema),
                      max_lag_seconds)
        made.append(db)
        return db

    yield make
    for db in made:
        db.dispose()


def _where(db: Database, replica: bool = True, number: int | None = None
           ) -> tuple[bool, str | None]:
    """(read on a standby?, note `number`'s body there) for one read in a route."""
    with read_route(replica), db.read() as session:
        standby = bool(session.execute(text("SELECT pg_is_in_recovery()")).scalar())
        body = session.execute(text("SELECT body FROM note WHERE id = :n"),
                               {"n": number}).scalar() if number is not None else None
        return standby, body


def _write(db: Database, number: int, body: str) -> None:
    with db.write() as session:
        assert session.execute(text("SELECT pg_is_in_recovery()")).scalar() is False
        session.execute(text("INSERT INTO note VALUES (:n, :b)"), {"n": number, "b": body})


def _on_replica(db: Database, number: int | None = None) -> Callable[[], bool]:
    def ready() -> bool:
        standby, body = _where(db, number=number)
        return standby and (number is None or body is not None)
    return ready


@pytest.mark.postgres
def test_reads_go_to_the_replica_and_writes_to_the_primary(make_db):
    db = make_db()
    _wait_for("reads use the replica", _on_replica(db))
    # Outside a read route (CLI, background jobs), and when asked for, reads the primary.
    assert _where(db, replica=False) == (False, None)
    with db.read() as session:
        assert session.execute(text("SELECT pg_is_in_recovery()")).scalar() is False
    with read_route(True), db.read(primary=True) as session:
        assert session.execute(text("SELECT pg_is_in_recovery()")).scalar() is False

    _write(db, 1, "first")
    with db.read() as session:  # on the primary, at once
        assert session.execute(text("SELECT body FROM note WHERE id = 1")).scalar() == "first"
    # ... and replicated: a read in a route finds it on the standby.
    _wait_for("note 1 replicated", _on_replica(db, 1))


@pytest.mark.postgres
def test_a_unit_of_work_reads_its_own_writes_on_the_primary(make_db):
    db = make_db()
    _wait_for("reads use the replica", _on_replica(db))
    with read_route(True) as route:
        with db.read() as session:
            assert session.execute(text("SELECT pg_is_in_recovery()")).scalar() is True
        _write(db, 2, "mine")
        assert route.wrote
        with db.read() as session:
            assert session.execute(text("SELECT pg_is_in_recovery()")).scalar() is False
            assert session.execute(text("SELECT body FROM note WHERE id = 2")).scalar() == "mine"
    # A new unit of work reads the replica again.
    _wait_for("reads use the replica again", _on_replica(db))


@pytest.mark.postgres
def test_a_lagging_replica_is_skipped_until_it_catches_up(make_db, standby, caplog):
    db = make_db(max_lag_seconds=1.0)
    _wait_for("reads use the replica", _on_replica(db))
    node = _engine(standby.url)
    try:
        with node.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_pause()"))
            conn.commit()
            _wait_for("replay paused", lambda: conn.execute(text(
                "SELECT pg_get_wal_replay_pause_state()")).scalar() == "paused")
        caplog.set_level(logging.WARNING, logger="certpass.store")
        _write(db, 3, "while paused")
        # The replica never gets note 3 while paused; once its lag passes the limit, reads
        # go to the primary, which has it. Never a read from the replica that lacks it
        # after the switch: every read from here on either is on the replica or finds it.
        _wait_for("reads fall back to the primary", lambda: not _where(db)[0])
        assert _where(db, number=3) == (False, "while paused")
        assert "lags" in caplog.text
        with node.connect() as conn:
            assert conn.execute(text(
                f"SELECT count(*) FROM {db.url.rsplit('%3D', 1)[1]}.note WHERE id = 3")
            ).scalar() == 0
            conn.execute(text("SELECT pg_wal_replay_resume()"))
            conn.commit()
    finally:
        with node.connect() as conn:  # never leave the standby paused (teardown stops it)
            conn.execute(text("SELECT pg_wal_replay_resume()"))
            conn.commit()
        node.dispose()
    _wait_for("the caught-up replica serves reads again", _on_replica(db, 3))
    assert "serves reads again" in caplog.text


@pytest.mark.postgres
def test_a_stopped_or_unreachable_replica_falls_back_to_the_primary(make_db, standby, caplog):
    caplog.set_level(logging.WARNING, logger="certpass.store")
    nowhere = make_db(read_url=f"postgresql://postgres@127.0.0.1:{free_port()}/test")
    assert _where(nowhere) == (False, None)
    assert "unreachable" in caplog.text

    db = make_db()
    _wait_for("reads use the replica", _on_replica(db))
    _write(db, 4, "before the stop")
    _wait_for("note 4 replicated", _on_replica(db, 4))
    caplog.clear()
    standby.stop()  # between two lag checks: the read's own connection finds it gone
    assert _where(db, number=4) == (False, "before the stop")
    assert "unreachable" in caplog.text


@pytest.mark.postgres
def test_the_web_reads_the_primary_after_its_client_wrote(make_db, standby, schema):
    db = make_db()
    settings = Settings(database_url=db.url, read_database_url=_in(standby.url, schema),
                        warm_caches=False, log_publisher=False)
    app = create_app(settings, db)

    @app.get("/test-replica/where")
    def where() -> dict[str, bool]:
        with db.read() as session:
            return {"standby": bool(session.execute(text("SELECT pg_is_in_recovery()"))
                                    .scalar())}

    @app.post("/test-replica/note")
    def note() -> dict[str, bool]:
        with db.read() as session:  # a POST reads the primary even before it writes
            before = bool(session.execute(text("SELECT pg_is_in_recovery()")).scalar())
        _write(db, 5, "posted")
        return {"standby": before}

    _wait_for("reads use the replica", _on_replica(db))
    browser, other = TestClient(app), TestClient(app)
    assert browser.get("/test-replica/where").json() == {"standby": True}
    posted = browser.post("/test-replica/note")
    assert posted.json() == {"standby": False}
    cookie = posted.headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=1") and f"Max-Age={db.replica.window_seconds()}" \
        in cookie
    # The writer's next read (it sends the cookie back) is on the primary; others' are not.
    assert browser.get("/test-replica/where").json() == {"standby": False}
    assert other.get("/test-replica/where").json() == {"standby": True}
    assert "set-cookie" not in other.get("/test-replica/where").headers


def test_a_replica_needs_postgresql_and_its_url_is_for_administrators(tmp_path):
    with pytest.raises(InvalidSetting, match="needs PostgreSQL"):
        Database(f"sqlite:///{tmp_path / 'x.db'}", "postgresql://app@replica/x")
    settings = Settings(read_database_url="postgresql://app:pw@replica/x")
    public = {r["name"]: r for r in settings.describe()}
    admin = {r["name"]: r for r in settings.describe(administrator=True)}
    assert public["read_database_url"]["value"] is None
    assert admin["read_database_url"]["value"] == f"postgresql://app:{MASK}@replica/x"
    assert Settings.load(environ={"CERTPASS_READ_DATABASE_URL": "postgresql://r/x"}
                         ).read_database_url == "postgresql://r/x"
