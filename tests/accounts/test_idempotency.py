"""Idempotency-Key: a retry returns the first result and never writes twice."""

from __future__ import annotations

import datetime as dt
import threading

from fastapi.testclient import TestClient
from sqlalchemy import func, select, update

from certpass.accounts.jobs import IdempotencyKeyJanitor
from certpass.accounts.models import IdempotencyRecord
from certpass.certificates.models import Certificate, StatusEvent
from certpass.ledger.service import tree_size, verify_log
from certpass.store.base import utcnow
from certpass.web.app import create_app
from tests.registry_fixture import request_data
from tests.web.conftest import bearer


def _counts(db):
    with db.read() as s:
        return (s.scalar(select(func.count(Certificate.id))),
                s.scalar(select(func.count(StatusEvent.id))), tree_size(s))


def test_retry_returns_first_result_and_writes_once(client, tokens, app_db):
    h = {**bearer(tokens["cqc"]), "Idempotency-Key": "k-1"}
    first = client.post("/api/certificates", json=request_data(), headers=h)
    assert first.status_code == 201, first.text
    before = _counts(app_db)
    again = client.post("/api/certificates", json=request_data(), headers=h)
    assert again.status_code == 201 and again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert _counts(app_db) == before
    # Without the key the same request is a duplicate: the key is what makes retries safe.
    assert client.post("/api/certificates", json=request_data(),
                       headers=bearer(tokens["cqc"])).status_code == 409


def test_same_key_other_body_is_refused(client, tokens, app_db):
    h = {**bearer(tokens["cqc"]), "Idempotency-Key": "k-2"}
    assert client.post("/api/certificates", json=request_data(), headers=h).status_code == 201
    before = _counts(app_db)
    r = client.post("/api/certificates", json=request_data("2024010701000002"), headers=h)
    assert r.status_code == 422 and r.json()["error"]["code"] == "idempotency-key-reused"
    assert _counts(app_db) == before


def test_keys_belong_to_their_user(client, tokens):
    h1 = {**bearer(tokens["cqc"]), "Idempotency-Key": "shared"}
    assert client.post("/api/certificates", json=request_data(), headers=h1).status_code == 201
    # Another user's same key is a different key: no replay of cqc's response.
    h2 = {**bearer(tokens["admin"]), "Idempotency-Key": "shared"}
    r = client.post("/api/bodies", json={"id": "x-body", "name_en": "X", "roles": ["regulator"],
                                         "economy_code": "CN"}, headers=h2)
    assert r.status_code == 201 and "number" not in r.json()


def test_a_refusal_is_remembered_and_writes_nothing(client, tokens, app_db):
    h = {**bearer(tokens["cqc"]), "Idempotency-Key": "k-3"}
    bad = request_data(scheme="IECEx")  # out of the issuer's accredited scope
    r1 = client.post("/api/certificates", json=bad, headers=h)
    r2 = client.post("/api/certificates", json=bad, headers=h)
    assert r1.status_code == r2.status_code == 422 and r1.json() == r2.json()
    assert _counts(app_db)[0] == 0
    with app_db.read() as s:
        assert s.scalar(select(func.count(IdempotencyRecord.id))) == 1


def test_auth_failures_are_not_stored(client, tokens, app_db):
    h = {**bearer(tokens["cqc-read"]), "Idempotency-Key": "k-4"}
    assert client.post("/api/certificates", json=request_data(), headers=h).status_code == 403
    with app_db.read() as s:
        assert s.scalar(select(func.count(IdempotencyRecord.id))) == 0


def test_bad_key_is_refused(client, tokens):
    h = {**bearer(tokens["cqc"]), "Idempotency-Key": "x" * 201}
    r = client.post("/api/certificates", json=request_data(), headers=h)
    assert r.status_code == 422 and "Idempotency-Key" in r.json()["error"]["message"]


def test_concurrent_duplicates_write_once(app_db, tokens, settings_for):
    app = create_app(settings_for(), app_db)
    h = {**bearer(tokens["cqc"]), "Idempotency-Key": "race"}
    results: list[tuple[int, dict]] = []

    def send() -> None:
        with TestClient(app) as c:
            r = c.post("/api/certificates", json=request_data(), headers=h)
            results.append((r.status_code, r.json()))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    statuses = sorted(s for s, _ in results)
    assert statuses == [201, 201, 201, 201], results
    assert all(body == results[0][1] for _, body in results)
    assert _counts(app_db)[:2] == (1, 1)
    with app_db.read() as s:
        assert verify_log(s).ok


def test_token_creation_is_never_replayed(client, tokens):
    h = {**bearer(tokens["admin"]), "Idempotency-Key": "tok"}
    r1 = client.post("/api/tokens", json={"scope": "read", "days": 5, "user": "cqc"}, headers=h)
    assert r1.status_code == 201
    r2 = client.post("/api/tokens", json={"scope": "read", "days": 5, "user": "cqc"}, headers=h)
    assert r2.status_code == 409 and r1.json()["token"] not in r2.text
    listed = client.get("/api/tokens", headers=bearer(tokens["cqc"])).json()
    assert len([t for t in listed if t["scope"] == "read"]) == 2  # ro fixture token + one


def test_keys_older_than_the_setting_are_forgotten(client, tokens, app_db, settings_for):
    old = {**bearer(tokens["cqc"]), "Idempotency-Key": "k-old"}
    new = {**bearer(tokens["cqc"]), "Idempotency-Key": "k-new"}
    assert client.post("/api/certificates", json=request_data(), headers=old).status_code == 201
    assert client.post("/api/certificates", json=request_data("2024010701000002"),
                       headers=new).status_code == 201
    with app_db.write() as s:  # a day and an hour go by for the first key
        s.execute(update(IdempotencyRecord).where(IdempotencyRecord.key == "k-old")
                  .values(created_at=utcnow() - dt.timedelta(hours=25)))
    janitor = IdempotencyKeyJanitor(app_db, settings_for(idempotency_keep_hours=24))
    assert janitor.forget_once() == 1
    with app_db.read() as s:
        assert set(s.scalars(select(IdempotencyRecord.key))) == {"k-new"}
    # A retry with the forgotten key is a new request, which the service itself refuses.
    again = client.post("/api/certificates", json=request_data(), headers=old)
    assert again.status_code == 409 and "idempotent-replayed" not in again.headers
    replayed = client.post("/api/certificates", json=request_data("2024010701000002"),
                           headers=new)
    assert replayed.headers["idempotent-replayed"] == "true"
