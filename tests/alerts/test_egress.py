"""Webhook egress: internal addresses refused at subscribe time and again at delivery (on
the address the connection is pinned to); generic errors only; one broken subscription or
slow receiver affects nobody else; due rows are found however many others wait."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from certpass.alerts import egress, service
from certpass.alerts.models import Delivery, Subscription
from certpass.config import Settings
from certpass.errors import InvalidInput
from tests.alerts.test_delivery import Receiver
from tests.registry_fixture import request_data
from tests.web.conftest import bearer

LOOPBACK = "127.0.0.1/32"


def settings(**kw: str) -> Settings:
    values = {"alerts_retry_base_seconds": "0", "alerts_retry_cap_seconds": "0",
              "alerts_pause_after": "100", "webhook_allowed_networks": LOOPBACK} | kw
    return Settings.load(environ={}, secret_key="test-secret-key-0123456789", **values)


def subscribe(client, token, url, target="cqc", kind="body"):
    return client.post("/api/subscriptions", json={"target_kind": kind, "target": target,
                                                   "url": url}, headers=bearer(token))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:5432/", "http://169.254.169.254/latest/meta-data/", "http://[::1]/",
    "http://2130706433/", "http://0x7f000001/", "http://10.0.0.7/hook", "http://192.168.1.1/",
    "http://[::ffff:127.0.0.1]/", "http://localhost:8000/", "http://0.0.0.0/",
    "http://100.64.0.1/", "http://[fd00:ec2::254]/", "http://224.0.0.1/",
    "http://example.org/\r\nX-Injected: 1", "http://exa mple.org/", "http://example.org/\x00",
])
def test_internal_and_malformed_urls_are_refused_at_subscribe(strict_client, tokens, url):
    r = subscribe(strict_client, tokens["cqc"], url)
    # 422 from the URL check; a NUL is already refused at the edge (web/edge.py) with 400.
    assert r.status_code == (400 if "\x00" in url else 422), (url, r.text)
    assert strict_client.get("/api/subscriptions",
                             headers=bearer(tokens["cqc"])).json() == []


def test_the_allow_list_admits_loopback_for_operators(client, tokens):
    assert subscribe(client, tokens["cqc"], "http://127.0.0.1:9/hook").status_code == 201
    assert subscribe(client, tokens["cqc"], "http://10.0.0.7/hook").status_code == 422


def test_the_address_is_checked_again_at_delivery(client, tokens, app_db):
    """Subscribed while loopback was allowed; the delivery, without the allow-list, is
    refused before any connection and says only why in general terms."""
    receiver = Receiver(fail_first=0)
    try:
        sub = subscribe(client, tokens["cqc"], receiver.url).json()
        client.post("/api/certificates", json=request_data(), headers=bearer(tokens["cqc"]))
        figures = service.deliver_due(app_db, settings(webhook_allowed_networks=""))
        assert figures["failed"] == 1 and figures["sent"] == 0 and receiver.calls == 0
        with app_db.read() as s:
            assert s.get(Subscription, sub["id"]).last_error == \
                "refused: the address is not allowed"
    finally:
        receiver.close()


def test_a_name_is_pinned_to_its_checked_address(client, tokens, app_db):
    receiver = Receiver(fail_first=0)
    try:
        url = receiver.url.replace("127.0.0.1", "localhost")
        assert subscribe(client, tokens["cqc"], url).status_code == 201
        client.post("/api/certificates", json=request_data(), headers=bearer(tokens["cqc"]))
        assert service.deliver_due(app_db, settings())["delivered"] == 1
        [(headers, _body)] = receiver.received
        assert headers["Host"] == f"localhost:{receiver.server.server_port}"
    finally:
        receiver.close()


def test_rebinding_is_refused_and_the_connection_uses_the_checked_address():
    answers = iter([["93.184.215.14"], ["127.0.0.1"]])

    def rebinding(host: str, port: int) -> list[str]:
        return next(answers)

    first = egress.pinned("https://hooks.example.org/x?y=1", (), rebinding)
    assert str(first.url) == "https://93.184.215.14/x?y=1"
    assert first.host_header == "hooks.example.org" and first.sni_hostname == "hooks.example.org"
    with pytest.raises(egress.EgressRefused, match="not allowed"):
        egress.pinned("https://hooks.example.org/x", (), rebinding)
    mixed = egress.pinned  # a name with one internal address among public ones is refused
    with pytest.raises(egress.EgressRefused):
        mixed("http://h.example.org/", (), lambda h, p: ["93.184.215.14", "10.0.0.1"])
    with pytest.raises(InvalidInput):
        egress.check_at_subscribe("http://h.example.org/", (), lambda h, p: ["10.1.2.3"])


def test_a_broken_subscription_does_not_stop_the_others(client, tokens, app_db):
    """The reviewed failure: a stored URL with CR/LF made every round fail."""
    good = Receiver(fail_first=0)
    try:
        ok = subscribe(client, tokens["cqc"], good.url).json()
        bad = subscribe(client, tokens["cnas"], good.url).json()
        with app_db.write() as s:  # as stored before URLs were checked
            s.get(Subscription, bad["id"]).url = "http://127.0.0.1:1/\r\nX-Injected: 1"
        client.post("/api/certificates", json=request_data(), headers=bearer(tokens["cqc"]))
        figures = service.deliver_due(app_db, settings())
        assert figures["delivered"] == 1 and figures["failed"] == 1
        with app_db.read() as s:
            assert s.get(Subscription, ok["id"]).last_error == ""
            assert s.get(Subscription, bad["id"]).last_error == "refused: invalid URL"
        assert len(good.received) == 1
    finally:
        good.close()


def test_errors_shown_to_subscribers_are_generic(client, tokens, app_db):
    """A closed port says "connection failed", nothing about the host or the errno."""
    with socket_closed_port() as port:
        sub = subscribe(client, tokens["cqc"], f"http://127.0.0.1:{port}/").json()
        client.post("/api/certificates", json=request_data(), headers=bearer(tokens["cqc"]))
        service.deliver_due(app_db, settings())
    with app_db.read() as s:
        assert s.get(Subscription, sub["id"]).last_error == "connection failed"
        [d] = s.scalars(select(Delivery).where(Delivery.subscription_id == sub["id"]))
        assert d.last_error == "connection failed"


class socket_closed_port:
    def __enter__(self) -> int:
        import socket
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]  # closed on leaving: nothing listens there

    def __exit__(self, *exc: object) -> None:
        pass


def test_a_slow_receiver_does_not_hold_up_the_others(client, tokens, app_db):
    release = threading.Event()

    class Slow(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            release.wait(5)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    slow = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    threading.Thread(target=slow.serve_forever, daemon=True).start()
    fast = Receiver(fail_first=0)
    try:
        slow_sub = subscribe(client, tokens["cnas"],
                             f"http://127.0.0.1:{slow.server_port}/").json()
        subscribe(client, tokens["cqc"], fast.url)
        client.post("/api/certificates", json=request_data(), headers=bearer(tokens["cqc"]))
        figures = service.deliver_due(app_db, settings(alerts_timeout_seconds="0.5"))
        assert figures["delivered"] == 1 and len(fast.received) == 1
        with app_db.read() as s:
            assert s.get(Subscription, slow_sub["id"]).last_error == "timed out"
    finally:
        release.set()
        slow.shutdown()
        fast.close()


def test_due_rows_are_found_behind_many_waiting_ones(client, tokens, app_db):
    """600 older deliveries not yet due must not hide a new due one (the old scan read
    only the 500 oldest pending rows)."""
    receiver = Receiver(fail_first=0)
    try:
        waiting = subscribe(client, tokens["cnas"], receiver.url).json()
        fresh = subscribe(client, tokens["cqc"], receiver.url, target="2024010701000001",
                          kind="certificate").json()
        later = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
        with app_db.write() as s:
            for n in range(600):
                s.add(Delivery(subscription_id=waiting["id"], certificate_number=f"N{n}",
                               event_type="certificate.issued", log_index=n, payload="{}",
                               state="pending", attempts=1, next_attempt_at=later,
                               last_error=""))
        client.post("/api/certificates", json=request_data(), headers=bearer(tokens["cqc"]))
        figures = service.deliver_due(app_db, settings(), limit=500)
        assert figures["delivered"] >= 1
        with app_db.read() as s:
            states = set(s.scalars(select(Delivery.state).where(
                Delivery.subscription_id == fresh["id"])))
        assert states == {"delivered"}
    finally:
        receiver.close()
