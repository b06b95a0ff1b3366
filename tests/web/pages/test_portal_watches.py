"""The watch-list page: a relying party lands on it, watches a certificate it does not own
(the webhook URL checked as the API checks it, the secret shown once), finds the public
Atom feed, and stops watching."""

from __future__ import annotations

import re

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from tests.web.pages.conftest import PASSWORD, csrf_of

NUMBER = "2024010701000001"
PUBLIC_HOOK = "https://93.184.216.34/hooks/certpass"  # an address literal: no DNS needed


def _importer(web, page_db) -> str:
    with page_db.write() as s:
        accounts.add_user(s, "importer", "relying-party", None, PASSWORD, OPERATOR)
    login = csrf_of(web.get("/login").text)
    r = web.post("/login", data={"username": "importer", "password": PASSWORD,
                                 "csrf_token": login, "next": "/portal"})
    assert r.status_code == 303
    landing = web.get("/portal")
    assert landing.status_code == 303 and landing.headers["location"] == "/portal/watches"
    return csrf_of(web.get("/portal/watches").text)


def _issue(page_db) -> None:
    from certpass.certificates import service as certificates
    from tests.registry_fixture import ctx, request

    with page_db.write() as s:
        certificates.issue(ctx(s), request(NUMBER), OPERATOR)


def test_watch_a_certificate_and_stop(web, page_db):
    _issue(page_db)
    token = _importer(web, page_db)
    page = web.get(f"/portal/watches?kind=certificate&target={NUMBER}").text
    assert f'value="{NUMBER}"' in page and 'id="no-watches"' in page  # prefilled
    r = web.post("/portal/watches", data={"kind": "certificate", "target": NUMBER,
                                          "url": "http://127.0.0.1:5432/", "csrf_token": token})
    assert r.status_code in (400, 422) and 'data-field="url"' in r.text  # no SSRF
    r = web.post("/portal/watches", data={"kind": "certificate", "target": NUMBER,
                                          "url": PUBLIC_HOOK, "csrf_token": token})
    assert r.status_code == 201 and r.headers["cache-control"] == "no-store"
    secret = re.search(r'<code id="watch-secret" translate="no">([^<]+)</code>', r.text)
    assert secret and secret.group(1).startswith("whsec_")
    listed = web.get("/portal/watches").text
    assert secret.group(1) not in listed and PUBLIC_HOOK in listed
    row = re.search(r'<tr data-watch="(sub_[0-9a-f]+)">.*?</tr>', listed, re.S)
    assert row, listed
    # The watch names whose number it is (numbers are unique per issuer), and so its feed.
    feed = re.search(r'href="(/feeds/certificates/[^"]+\.atom\?issuer=cqc)"', row.group(0))
    assert feed and web.get(feed.group(1)).headers["content-type"].startswith(
        "application/atom+xml")
    r = web.post(f"/portal/watches/{row.group(1)}/remove", data={"csrf_token": token})
    assert r.status_code == 303 and 'id="no-watches"' in web.get(r.headers["location"]).text


def test_the_certificate_page_offers_its_feed(web, page_db):
    _issue(page_db)
    page = web.get(f"/certificates/{NUMBER}").text
    assert f'href="/feeds/certificates/{NUMBER}.atom?issuer=cqc"' in page
    assert "/portal/watches?kind=certificate" not in page  # only for signed-in users


def test_a_number_two_bodies_hold_is_watched_with_its_issuer(web, page_db):
    """Numbers are unique per issuer: the form asks whose number it is, in the reader's
    language, and the watch names that body."""
    import datetime as dt

    from certpass.certificates import service as certificates
    from tests.registry_fixture import ctx, request, second_ccc_body

    today = dt.date.today()
    with page_db.write() as s:
        second_ccc_body(s)
        for issuer in ("cqc", "other-cb"):
            certificates.issue(ctx(s), request(NUMBER, issuer=issuer, issued_on=today),
                               OPERATOR)
    token = _importer(web, page_db)
    r = web.post("/portal/watches?lang=zh", data={
        "kind": "certificate", "target": NUMBER, "url": PUBLIC_HOOK, "csrf_token": token})
    assert r.status_code == 409 and 'data-field="issuer"' in r.text
    assert "多个机构登记了此证书编号" in r.text
    r = web.post("/portal/watches", data={"kind": "certificate", "target": NUMBER,
                                          "issuer": "other-cb", "url": PUBLIC_HOOK,
                                          "csrf_token": token})
    assert r.status_code == 201
    listed = web.get("/portal/watches").text
    assert "<bdi>other-cb</bdi>" in listed
    assert f"/feeds/certificates/{NUMBER}.atom?issuer=other-cb" in listed
    prefilled = web.get(f"/portal/watches?kind=certificate&target={NUMBER}&issuer=cqc").text
    assert 'id="f-issuer" name="issuer" type="text" value="cqc"' in prefilled
