"""Status alerts reach a flaky receiver: every event, in order per certificate, signed."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from certpass.alerts import service, signer
from certpass.alerts.models import Subscription
from certpass.config import Settings
from tests.registry_fixture import request_data
from tests.web.conftest import bearer


class Receiver:
    """A webhook receiver on loopback that fails its first ``fail_first`` deliveries."""

    def __init__(self, fail_first: int) -> None:
        self.fail_first = fail_first
        self.calls = 0
        self.received: list[tuple[dict[str, str], bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.calls += 1
                if outer.calls <= outer.fail_first:
                    self.send_response(503)
                else:
                    outer.received.append((dict(self.headers), body))
                    self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


@pytest.fixture
def receiver():
    r = Receiver(fail_first=3)
    yield r
    r.close()


FAST = Settings.load(environ={}, secret_key="test-secret-key-0123456789",
                     alerts_retry_base_seconds="0.01", alerts_retry_cap_seconds="0.05",
                     alerts_pause_after="100", webhook_allowed_networks="127.0.0.1/32")


def _subscribe(client, token, kind, target, url):
    r = client.post("/api/subscriptions", json={"target_kind": kind, "target": target,
                                                "url": url}, headers=bearer(token))
    assert r.status_code == 201, r.text
    return r.json()


def test_flaky_receiver_gets_every_event_in_order_signed(client, tokens, app_db, receiver):
    sub = _subscribe(client, tokens["cqc"], "body", "cqc", receiver.url)
    h = bearer(tokens["cqc"])
    numbers = ["2024010701000001", "2024010701000002"]
    for n in numbers:
        assert client.post("/api/certificates", json=request_data(n), headers=h).status_code == 201
    for action in ("suspend", "restore", "withdraw"):
        assert client.post(f"/api/certificates/{numbers[0]}/{action}", json={"reason": "r"},
                           headers=h).status_code == 200
    deadline = time.monotonic() + 20
    while len(receiver.received) < 5 and time.monotonic() < deadline:
        service.deliver_until_idle(app_db, FAST)
        time.sleep(0.02)
    assert receiver.calls >= 8  # three refusals, then five deliveries
    events = []
    for headers, body in receiver.received:
        assert signer.verify(sub["secret"], headers[signer.HEADER], body, int(time.time()))
        assert not signer.verify("whsec_wrong", headers[signer.HEADER], body, int(time.time()))
        events.append(json.loads(body)["event"])
    first = [e["type"] for e in events if e["certificate"]["number"] == numbers[0]]
    assert first == ["certificate.issued", "certificate.suspended", "certificate.restored",
                     "certificate.withdrawn"]
    assert [e["certificate"]["number"] for e in events].count(numbers[1]) == 1
    log = client.get(f"/api/subscriptions/{sub['id']}/deliveries",
                     headers=bearer(tokens["cqc-read"])).json()
    assert len(log) == 5 and all(d["state"] == "delivered" for d in log)
    assert sum(d["attempts"] for d in log) >= 8


def test_failing_endpoint_is_paused_then_resumed(client, tokens, app_db):
    dead = Receiver(fail_first=10**6)
    try:
        sub = _subscribe(client, tokens["admin"], "certificate", "2024010701000001", dead.url)
        client.post("/api/certificates", json=request_data(), headers=bearer(tokens["cqc"]))
        settings = Settings.load(environ={}, secret_key="test-secret-key-0123456789",
                                 alerts_retry_base_seconds="0", alerts_retry_cap_seconds="0",
                                 alerts_pause_after="3", webhook_allowed_networks="127.0.0.1/32")
        service.deliver_until_idle(app_db, settings)
        got = client.get(f"/api/subscriptions/{sub['id']}", headers=bearer(tokens["admin"]))
        assert got.json()["state"] == "paused" and got.json()["consecutive_failures"] == 3
        assert service.deliver_until_idle(app_db, settings)["sent"] == 0  # paused: quiet
        dead.fail_first = 0
        r = client.post(f"/api/subscriptions/{sub['id']}/resume",
                        headers=bearer(tokens["admin"]))
        assert r.json()["state"] == "active"
        assert service.deliver_until_idle(app_db, settings)["delivered"] == 1
    finally:
        dead.close()


def test_backoff_doubles_up_to_the_cap():
    s = Settings.load(environ={}, alerts_retry_base_seconds="10", alerts_retry_cap_seconds="60")
    assert [service.retry_delay(s, n) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]


def test_signature_known_answer():
    # HMAC-SHA256("whsec_test", "1700000000.{}") computed independently with openssl.
    header = signer.signature("whsec_test", 1700000000, b"{}")
    assert header == "t=1700000000,v1=" + KNOWN
    assert not signer.verify("whsec_test", header, b"{}", now=1700000000 + 301)


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "example.org",
                                 "http://user:pw@example.org/", "javascript:alert(1)"])
def test_bad_urls_are_refused(client, tokens, url, app_db):
    r = client.post("/api/subscriptions", json={"target_kind": "body", "target": "cqc",
                                                "url": url}, headers=bearer(tokens["admin"]))
    assert r.status_code == 422
    assert client.get("/api/subscriptions", headers=bearer(tokens["admin"])).json() == []


def test_subscriptions_are_private_and_need_an_account(client, tokens):
    sub = _subscribe(client, tokens["cqc"], "holder", "Ningbo", "https://example.org/h")
    assert "secret" not in client.get(f"/api/subscriptions/{sub['id']}",
                                      headers=bearer(tokens["cqc"])).json()
    assert client.get(f"/api/subscriptions/{sub['id']}",
                      headers=bearer(tokens["cnas"])).status_code == 404
    assert client.post("/api/subscriptions", json={"target_kind": "body", "target": "cqc",
                                                   "url": "https://e.org"}).status_code == 401
KNOWN = "35495024f4ef3f94e5a93e22221544c4b75e9a42300cd965ab81cb85cd994e91"


def test_the_secret_is_sealed_at_rest_and_plain_ones_get_sealed(client, tokens, app_db,
                                                                receiver):
    sub = _subscribe(client, tokens["cqc"], "body", "cqc", receiver.url)
    with app_db.read() as s:
        stored = s.get(Subscription, sub["id"]).secret
    assert stored.startswith("sealed:") and sub["secret"] not in stored
    with app_db.write() as s:  # as a secret stored before sealing was
        s.get(Subscription, sub["id"]).secret = sub["secret"]
    receiver.fail_first = 0
    h = bearer(tokens["cqc"])
    assert client.post("/api/certificates", json=request_data(), headers=h).status_code == 201
    assert service.deliver_until_idle(app_db, FAST)["delivered"] == 1
    with app_db.read() as s:
        assert s.get(Subscription, sub["id"]).secret.startswith("sealed:")
    [(headers, body)] = receiver.received
    assert signer.verify(sub["secret"], headers[signer.HEADER], body, int(time.time()))


def test_a_secret_that_no_longer_opens_fails_the_delivery_not_the_worker(client, tokens,
                                                                         app_db, receiver):
    sub = _subscribe(client, tokens["cqc"], "body", "cqc", receiver.url)
    h = bearer(tokens["cqc"])
    assert client.post("/api/certificates", json=request_data(), headers=h).status_code == 201
    other_key = Settings.load(environ={}, secret_key="a-different-secret-key-0123",
                              webhook_allowed_networks="127.0.0.1/32")
    figures = service.deliver_due(app_db, other_key)
    assert figures == {"sent": 0, "delivered": 0, "failed": 1, "paused": 0}
    [delivery] = client.get(f"/api/subscriptions/{sub['id']}/deliveries",
                            headers=bearer(tokens["cqc-read"])).json()
    assert delivery["state"] == "pending" and "CERTPASS_SECRET_KEY" in delivery["last_error"]
    assert receiver.calls == 0
