"""Watch-lists for relying parties (issue 12): an importer's account, belonging to no body,
watches certificates it does not own (a certificate, a holder, a body) and receives their
status changes by webhook; it writes nothing else."""

from __future__ import annotations

import json
import time

import pytest

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.alerts import service, signer
from certpass.errors import InvalidInput
from tests.alerts.test_delivery import FAST, Receiver
from tests.registry_fixture import request_data
from tests.web.conftest import bearer

NUMBER = "2024010701000001"
HOLDER = "Ningbo Example Appliance Co., Ltd."


@pytest.fixture
def importer(app_db):
    with app_db.write() as s:
        accounts.add_user(s, "importer", "relying-party", None, "correct horse battery",
                          OPERATOR)
        return accounts.create_token(s, "importer", "write", 30, "watch", OPERATOR).token


def test_a_relying_party_belongs_to_no_body(app_db):
    with pytest.raises(InvalidInput, match="no body"), app_db.write() as s:
        accounts.add_user(s, "customs", "relying-party", "cqc", "correct horse battery",
                          OPERATOR)


def test_a_relying_party_watches_what_it_does_not_own(client, tokens, app_db, importer):
    receiver = Receiver(fail_first=0)
    try:
        subs = {}
        for kind, target in (("certificate", NUMBER), ("holder", HOLDER), ("body", "cqc")):
            r = client.post("/api/subscriptions", headers=bearer(importer),
                            json={"target_kind": kind, "target": target, "url": receiver.url})
            assert r.status_code == 201, r.text
            subs[kind] = r.json()
        cqc = bearer(tokens["cqc"])
        assert client.post("/api/certificates", json=request_data(NUMBER),
                           headers=cqc).status_code == 201
        assert client.post(f"/api/certificates/{NUMBER}/suspend", json={"reason": "audit"},
                           headers=cqc).status_code == 200
        deadline = time.monotonic() + 20
        while len(receiver.received) < 6 and time.monotonic() < deadline:
            service.deliver_until_idle(app_db, FAST)
            time.sleep(0.02)
        # Each of the three watches gets both changes, signed with its own secret.
        assert len(receiver.received) == 6
        secrets = [s["secret"] for s in subs.values()]
        kinds = []
        for headers, body in receiver.received:
            assert any(signer.verify(s, headers[signer.HEADER], body, int(time.time()))
                       for s in secrets)
            kinds.append(json.loads(body)["event"]["type"])
        assert sorted(kinds) == ["certificate.issued"] * 3 + ["certificate.suspended"] * 3
        mine = client.get("/api/subscriptions", headers=bearer(importer)).json()
        assert {s["target_kind"] for s in mine} == {"certificate", "holder", "body"}
        # The watcher writes nothing else: not the certificate it watches.
        r = client.post(f"/api/certificates/{NUMBER}/withdraw", json={"reason": "x"},
                        headers=bearer(importer))
        assert r.status_code == 403
    finally:
        receiver.close()
