"""The back-dating privilege an administrator grants a certification body's user for a
register migration: dated, bounded, revocable, and every record made under it logged as
back-dated with its author."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR, Actor
from certpass.certificates import service as certificates
from certpass.errors import Backdated, Forbidden, InvalidInput
from certpass.ledger.models import LogEntry
from tests.conftest import cli_runner
from tests.registry_fixture import ctx, request, seed

TODAY = dt.date.today()
ADMIN = Actor(name="root", role="admin")
PASSWORD = "a long enough passphrase"


@pytest.fixture
def reg(sqlite_db):
    seed(sqlite_db)
    with sqlite_db.write() as s:
        accounts.add_user(s, "migrator", "certification-body", "cqc", PASSWORD, OPERATOR)
        accounts.add_user(s, "cnas-officer", "accreditation-body", "cnas", PASSWORD, OPERATOR)
    return sqlite_db


def _migrator(reg) -> Actor:
    with reg.read() as s:
        return accounts.actor_of(accounts.user_by_name(s, "migrator"))


def _issue_back(reg, actor: Actor) -> None:
    with reg.write() as s:
        certificates.issue(ctx(s), request(issued_on=TODAY - dt.timedelta(days=60),
                                           backdate_reason="paper register"), actor)


def test_without_a_grant_the_user_is_held_to_the_window(reg):
    with pytest.raises(Backdated):
        _issue_back(reg, _migrator(reg))


def test_a_grant_lets_the_user_record_back_and_the_log_names_them(reg):
    with reg.write() as s:
        accounts.grant_backdating(s, "migrator", TODAY + dt.timedelta(days=30), ADMIN)
    _issue_back(reg, _migrator(reg))
    with reg.read() as s:
        entry = json.loads(s.scalars(select(LogEntry).order_by(LogEntry.index.desc()))
                           .first().entry)
    assert entry["type"] == "certificate.issued"
    assert entry["backdated"] == {"days": 60, "window_days": 7, "by": "migrator (cqc)",
                                  "reason": "paper register"}


def test_a_revoked_or_lapsed_grant_no_longer_counts(reg):
    with reg.write() as s:
        accounts.grant_backdating(s, "migrator", TODAY, ADMIN)
    assert _migrator(reg).may_backdate  # the last day still counts
    lapsed = Actor(name="migrator", role="certification-body", body_id="cqc",
                   backdating_until=TODAY - dt.timedelta(days=1))
    assert not lapsed.may_backdate
    with reg.write() as s:
        accounts.grant_backdating(s, "migrator", None, ADMIN)
    with pytest.raises(Backdated):
        _issue_back(reg, _migrator(reg))


@pytest.mark.parametrize("user, until, error", [
    ("migrator", TODAY + dt.timedelta(days=93), InvalidInput),  # beyond the longest grant
    ("migrator", TODAY - dt.timedelta(days=1), InvalidInput),  # already over
    ("cnas-officer", TODAY + dt.timedelta(days=5), InvalidInput),  # records no certificates
])
def test_grants_are_bounded(reg, user, until, error):
    with pytest.raises(error), reg.write() as s:
        accounts.grant_backdating(s, user, until, ADMIN)
    with reg.read() as s:
        assert accounts.user_by_name(s, user).backdating_until is None


def test_only_an_administrator_grants(reg):
    with pytest.raises(Forbidden), reg.write() as s:
        accounts.grant_backdating(s, "migrator", TODAY, _migrator(reg))


def test_the_command_line_grants_lists_and_revokes(reg, capsys):
    cli = cli_runner(reg, capsys)
    until = (TODAY + dt.timedelta(days=10)).isoformat()
    code, _, err = cli("users", "grant-backdating", "migrator", "--until", until)
    assert code == 0 and until in err
    code, out, _ = cli("users", "list", "--json")
    assert code == 0
    assert {u["username"]: u["backdating_until"] for u in json.loads(out)}["migrator"] == until
    code, _, err = cli("users", "grant-backdating", "migrator", "--until", "next week")
    assert code != 0 and "YYYY-MM-DD" in err
    assert cli("users", "revoke-backdating", "migrator")[0] == 0
    with reg.read() as s:
        assert accounts.user_by_name(s, "migrator").backdating_until is None


def test_the_api_grants_and_ends_a_grant(app_db, settings_for, tokens):
    from fastapi.testclient import TestClient

    from certpass.web.app import create_app
    from tests.web.conftest import bearer

    until = (TODAY + dt.timedelta(days=14)).isoformat()
    with TestClient(create_app(settings_for(), app_db)) as web:
        r = web.put("/api/users/cqc/backdating", json={"until": until},
                    headers=bearer(tokens["admin"]))
        assert r.status_code == 200 and r.json()["backdating_until"] == until
        # a certification body cannot grant itself the privilege
        r = web.put("/api/users/cqc/backdating", json={"until": until},
                    headers=bearer(tokens["cqc"]))
        assert r.status_code == 403
        r = web.put("/api/users/cqc/backdating", json={"until": "2999-01-01"},
                    headers=bearer(tokens["admin"]))
        assert r.status_code == 422 and r.json()["error"]["details"]["max_days"] == 92
        r = web.put("/api/users/cqc/backdating", json={"until": None},
                    headers=bearer(tokens["admin"]))
        assert r.status_code == 200 and r.json()["backdating_until"] is None
