"""Password checks (login form and HTTP Basic) are throttled per account name and per
client, in the database; unknown users cost one argon2 verification like known ones;
weak passwords are refused."""

from __future__ import annotations

import base64
import datetime as dt

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from certpass.accounts import passwords
from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.accounts.models import LoginAttempts
from certpass.errors import InvalidInput
from certpass.store.database import Database
from certpass.web.app import create_app

GOOD = "correct horse battery"


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def make_token(client: TestClient, user: str, password: str, **headers: str) -> int:
    return client.post("/api/tokens", json={"scope": "read"},
                       headers={**basic(user, password), **headers}).status_code


def lock_seconds(db: Database, key: str) -> float | None:
    """How long the last failure locked the key (None: not locked)."""
    with db.read() as s:
        row = s.get(LoginAttempts, key)
        if row is None or row.locked_until is None:
            return None
        return (row.locked_until - row.last_failure_at).total_seconds()


def hold_locks(db: Database) -> None:
    """Make every lock last an hour, so the test does not race the clock (the first lock
    is only 1 s)."""
    with db.write() as s:
        s.execute(update(LoginAttempts).where(LoginAttempts.locked_until.is_not(None)).values(
            locked_until=dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)))


def unlock(db: Database) -> None:
    with db.write() as s:
        s.execute(update(LoginAttempts).values(
            locked_until=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)))


def test_basic_auth_locks_after_the_free_failures(client, tokens, app_db):
    for _ in range(5):  # login_free_failures
        assert make_token(client, "cqc", "wrong password!") == 401
    assert lock_seconds(app_db, "account:cqc") is None
    r = client.post("/api/tokens", json={"scope": "read"}, headers=basic("cqc", "wrong again!"))
    assert r.status_code == 401  # the sixth failure is checked, then locks
    assert lock_seconds(app_db, "account:cqc") == 1
    hold_locks(app_db)
    r = client.post("/api/tokens", json={"scope": "read"}, headers=basic("cqc", GOOD))
    assert r.status_code == 429 and r.json()["error"]["code"] == "rate-limited"
    assert int(r.headers["retry-after"]) >= 1
    # Another account from the same client is not locked (the client allows 20).
    assert make_token(client, "cnas", GOOD) == 201
    unlock(app_db)
    assert make_token(client, "cqc", GOOD) == 201
    with app_db.read() as s:  # success forgets the account's failures
        assert s.get(LoginAttempts, "account:cqc") is None


def test_back_off_doubles(client, tokens, app_db):
    waits = []
    for _ in range(5):
        assert make_token(client, "cqc", "wrong password!") == 401
    for _ in range(4):
        unlock(app_db)
        assert make_token(client, "cqc", "wrong password!") == 401
        with app_db.read() as s:
            row = s.get(LoginAttempts, "account:cqc")
            waits.append(round((row.locked_until - row.last_failure_at).total_seconds()))
    assert waits == [1, 2, 4, 8]


def test_idempotency_key_does_not_roll_back_a_failure(client, tokens, app_db):
    for n in range(6):
        make_token(client, "cqc", "wrong password!", **{"Idempotency-Key": f"k{n}"})
    assert lock_seconds(app_db, "account:cqc") == 1
    hold_locks(app_db)
    assert make_token(client, "cqc", GOOD, **{"Idempotency-Key": "k-good"}) == 429


def test_the_lock_is_shared_by_server_processes(tokens, app_db, settings_for):
    """Two apps with their own engines on one database: failures on one lock the other."""
    other_db = Database(app_db.url)
    try:
        with TestClient(create_app(settings_for(), app_db)) as a, \
                TestClient(create_app(settings_for(), other_db)) as b:
            for _ in range(6):
                assert make_token(a, "cqc", "wrong password!") == 401
            hold_locks(app_db)
            assert make_token(b, "cqc", GOOD) == 429
    finally:
        other_db.dispose()


def test_unknown_user_names_are_throttled_too(client, tokens, app_db):
    """Lock-outs must not tell known names from unknown ones."""
    for _ in range(6):
        assert make_token(client, "nobody-here", "wrong password!") == 401
    assert lock_seconds(app_db, "account:nobody-here") == 1
    hold_locks(app_db)
    assert make_token(client, "nobody-here", "wrong password!") == 429


def test_the_client_is_throttled_across_account_names(client, tokens, app_db):
    for n in range(20):  # login_free_failures_per_client
        assert make_token(client, f"guess{n}", "wrong password!") == 401
    assert lock_seconds(app_db, "client:testclient") is None
    assert make_token(client, "guess-x", "wrong password!") == 401  # 21st: checked, locks
    assert lock_seconds(app_db, "client:testclient") == 1
    hold_locks(app_db)
    assert make_token(client, "cqc", GOOD) == 429


def test_login_form_is_throttled(tokens, app_db, settings_for):
    import re
    with TestClient(create_app(settings_for(), app_db), follow_redirects=False) as web:
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/login").text).group(1)
        form = {"username": "cqc", "password": "wrong password!", "csrf_token": csrf}
        for _ in range(6):
            assert web.post("/login", data=form).status_code == 401
        hold_locks(app_db)
        r = web.post("/login", data={**form, "password": GOOD})
        assert r.status_code == 429 and "cqc" not in r.headers.get("set-cookie", "")


def test_unknown_and_disabled_users_run_argon2(app_db, settings_for, tokens):
    """Every refusal costs one argon2 verification: unknown users against a dummy hash."""
    settings = settings_for()
    before = accounts._dummy_hash.cache_info()
    for name in ("nobody", "cqc"):
        with pytest.raises(accounts.Unauthenticated):
            accounts.login(app_db, settings, name, "wrong password!", "10.0.0.1")
    after = accounts._dummy_hash.cache_info()
    # The dummy hash was used once, for the unknown user only.
    assert (after.hits + after.misses) - (before.hits + before.misses) == 1
    with app_db.read() as s:
        keys = set(s.scalars(select(LoginAttempts.key)))
    assert keys == {"account:nobody", "account:cqc", "client:10.0.0.1"}


@pytest.mark.parametrize("password, username", [
    ("short", "alice"), ("password123", "alice"), ("Password123!", "alice"),
    ("qwertyuiop", "alice"), ("aaaaaaaaaaaa", "alice"), ("alice-the-great", "alice"),
    ("1234567890", "alice"), ("x" * 2000, "alice"),
])
def test_weak_passwords_are_refused(password, username):
    assert passwords.weakness(password, username) is not None


@pytest.mark.parametrize("password", [GOOD, "lamp orbit 7 cactus", "Tr0ub4dor&3-extra"])
def test_strong_passwords_pass(password):
    assert passwords.weakness(password, "alice") is None


def test_add_user_refuses_a_weak_password(app_db):
    with pytest.raises(InvalidInput, match="common"), app_db.write() as s:
        accounts.add_user(s, "alice", "admin", None, "password123", OPERATOR)
