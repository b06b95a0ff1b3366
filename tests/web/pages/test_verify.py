"""The verify page (issue 11): the QR code's hash is compared with the register, and what a
document that did not verify says is shown as its claim."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service
from certpass.certificates.schemas import AmendRequest
from certpass.credentials import service as credentials
from tests.registry_fixture import ctx, request
from tests.web.pages.conftest import csrf_of

NUMBER = "2024010701000001"


@pytest.fixture
def hashes(page_db):  # type: ignore[no-untyped-def]
    with page_db.write() as s:
        service.issue(ctx(s), request(NUMBER), OPERATOR)
    with page_db.write() as s:
        service.amend(ctx(s), NUMBER, AmendRequest(issued_on=dt.date(2024, 6, 1),
                                                   reason="new holder name",
                                                   holder={"name": "Ningbo Renamed Co.",
                                                           "economy": "CN"}), OPERATOR)
    with page_db.read() as s:
        cert = service.get(s, NUMBER)
        return {"old": credentials.stored(s, cert, 0).sha256,
                "current": credentials.stored(s, cert, 1).sha256,
                "document": credentials.stored(s, cert, 1).signed_document()}


def _verdict(html: str) -> str:
    return html.split('data-verdict="', 1)[1].split('"', 1)[0]


def test_the_qr_hash_is_compared_with_the_register(web, hashes):  # type: ignore[no-untyped-def]
    page = web.get(f"/verify?number={NUMBER}&sha256={hashes['current']}")
    assert page.status_code == 200 and _verdict(page.text) == "valid"
    page = web.get(f"/verify?number={NUMBER}&sha256={hashes['old']}")
    assert _verdict(page.text) == "superseded"
    assert "holder changed from Ningbo Example Appliance Co., Ltd. to Ningbo Renamed Co." \
        in page.text
    page = web.get(f"/verify?number={NUMBER}&sha256={'0' * 64}")
    assert page.status_code == 200 and _verdict(page.text) == "no-match"
    assert "does not match the register" in page.text
    assert 'id="market"' not in page.text  # no acceptance asked of a paper that does not match


def test_a_tampered_document_shows_its_facts_as_claims(web, hashes):  # type: ignore[no-untyped-def]
    tampered = copy.deepcopy(hashes["document"])
    tampered["credentialSubject"]["issuedToParty"]["name"] = "Someone Else Ltd"
    token = csrf_of(web.get("/verify").text)
    page = web.post("/verify", data={"credential": json.dumps(tampered), "csrf_token": token})
    assert _verdict(page.text) == "tampered"
    assert 'data-claims="true"' in page.text and "The document claims" in page.text
    assert f'href="/certificates/{NUMBER}"' not in page.text.split('id="verdict"', 1)[1] \
        .split("</section>", 1)[0]
    page = web.post("/verify", data={"credential": json.dumps(hashes["document"]),
                                     "csrf_token": token})
    assert _verdict(page.text) == "valid" and 'data-claims="true"' not in page.text
