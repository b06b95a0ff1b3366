"""The administrator's user list: add, disable (the user's session ends), new password."""

from __future__ import annotations

from fastapi.testclient import TestClient

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.web.app import create_app
from tests.web.pages.conftest import PASSWORD, csrf_of, sign_in


def _admin(web, page_db) -> str:
    with page_db.write() as s:
        accounts.add_user(s, "user-admin", "admin", None, PASSWORD, OPERATOR)
    login = csrf_of(web.get("/login").text)
    web.post("/login", data={"username": "user-admin", "password": PASSWORD,
                             "csrf_token": login})
    return csrf_of(web.get("/portal/users").text)


def test_add_disable_and_reset(web, page_db, settings_for):
    token = _admin(web, page_db)
    r = web.post("/portal/users", data={"username": "new-officer", "role": "certification-body",
                                        "body_id": "cqc", "password": "short",
                                        "csrf_token": token})
    assert r.status_code == 422 and 'data-field="password"' in r.text
    r = web.post("/portal/users", data={"username": "new-officer", "role": "certification-body",
                                        "body_id": "cqc", "password": PASSWORD,
                                        "csrf_token": token})
    assert r.status_code == 303
    officer = TestClient(create_app(settings_for(), page_db), follow_redirects=False)
    sign_in(officer, "new-officer")
    assert officer.get("/portal").status_code == 200
    assert web.post("/portal/users/new-officer/disable",
                    data={"csrf_token": token}).status_code == 303
    assert officer.get("/portal").status_code == 303  # the session ended
    assert web.post("/portal/users/new-officer/enable",
                    data={"csrf_token": token}).status_code == 303
    r = web.post("/portal/users/new-officer/password",
                 data={"password": "another long passphrase here", "csrf_token": token})
    assert r.status_code == 303
    with page_db.read() as s:
        assert accounts.check_password(s, "new-officer", "another long passphrase here")


def test_only_administrators(web):
    sign_in(web)
    assert web.get("/portal/users").status_code == 403


def test_the_back_dating_grant_from_the_user_list(web, page_db):
    import datetime as dt

    token = _admin(web, page_db)
    with page_db.write() as s:
        accounts.add_user(s, "migrator", "certification-body", "cqc", PASSWORD, OPERATOR)
    page = web.get("/portal/users").text
    assert 'data-backdating="migrator"' in page
    assert 'data-backdating="user-admin"' not in page  # only certification-body users
    until = (dt.date.today() + dt.timedelta(days=20)).isoformat()
    r = web.post("/portal/users/migrator/backdating", data={"until": until, "csrf_token": token})
    assert r.status_code == 303
    assert f'value="{until}"' in web.get("/portal/users").text
    too_far = (dt.date.today() + dt.timedelta(days=400)).isoformat()
    r = web.post("/portal/users/migrator/backdating", data={"until": too_far,
                                                          "csrf_token": token})
    assert r.status_code == 422 and 'data-field="migrator"' in r.text
    r = web.post("/portal/users/migrator/backdating", data={"until": "", "csrf_token": token})
    assert r.status_code == 303
    with page_db.read() as s:
        assert accounts.user_by_name(s, "migrator").backdating_until is None
