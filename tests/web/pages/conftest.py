"""Pages on a seeded registry (SQLite and PostgreSQL) with a signed-in certification body."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.web.app import create_app
from tests.registry_fixture import seed

PASSWORD = "correct horse battery"


@pytest.fixture
def page_db(db):
    seed(db)
    with db.write() as s:
        accounts.add_user(s, "cqc-officer", "certification-body", "cqc", PASSWORD, OPERATOR)
        accounts.add_user(s, "other-officer", "certification-body", "paused-cb", PASSWORD,
                          OPERATOR)
    return db


@pytest.fixture
def web(page_db, settings_for):
    app = create_app(settings_for(), page_db)
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as c:
        yield c


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, username: str = "cqc-officer") -> str:
    """Sign in through the login form; returns the session's CSRF token."""
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": token, "next": "/portal"})
    assert r.status_code == 303, r.text
    return csrf_of(client.get("/portal").text)


@pytest.fixture
def signed_in(web):
    return web, sign_in(web)
