"""An in-process app on a seeded registry, and tokens for each role."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.config import Settings
from certpass.web.app import create_app
from tests.registry_fixture import seed


@pytest.fixture
def app_db(db):
    seed(db)
    return db


@pytest.fixture
def settings_for(tmp_path):
    """Settings for an app under test. The seeded registry's tests issue certificates and
    grant accreditations dated 2024 over HTTP, so the back-dating windows are wide here
    unless a test sets them (tests/web/pages/test_issuance_rules.py checks the defaults)."""
    def make(**overrides):
        given = {"backdate_days": HISTORY_WINDOW_DAYS,
                 "accreditation_backdate_days": HISTORY_WINDOW_DAYS, **overrides}
        return Settings.load(environ={}, secret_key="test-secret-key-0123456789", **given)
    return make


HISTORY_WINDOW_DAYS = 36_500


@pytest.fixture
def client(app_db, settings_for):
    app = create_app(settings_for(), app_db)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def tokens(app_db):
    """A write token per role: admin, accreditation body (cnas), certification body (cqc)."""
    users = {"admin": ("admin", None), "cnas": ("accreditation-body", "cnas"),
             "cqc": ("certification-body", "cqc"), "other-cb": ("certification-body",
                                                                 "paused-cb")}
    out = {}
    with app_db.write() as s:
        for name, (role, body) in users.items():
            accounts.add_user(s, name, role, body, "correct horse battery", OPERATOR)
            out[name] = accounts.create_token(s, name, "write", 30, "test", OPERATOR).token
        out["cqc-read"] = accounts.create_token(s, "cqc", "read", 30, "ro", OPERATOR).token
    return out


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
