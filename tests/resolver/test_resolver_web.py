"""The identity resolver on the demo site: linksets that validate against UNTP 0.7.0's
schema and whose every link resolves, GS1 Digital Link across schemes, browsers sent to
the verification (with the QR code's hash), and the QR code carrying the resolver URL."""

from __future__ import annotations

import hashlib
import io
import re
from urllib.parse import parse_qs, urlsplit

import jsonschema
import pypdfium2
import pytest
import zxingcpp
from fastapi.testclient import TestClient
from PIL import Image

from certpass.credentials import service as credentials
from certpass.errors import InvalidInput
from certpass.resolver import linkset as ls
from certpass.web.app import create_app
from certpass.web.pages.verify import number_from_qr
from tests.web.pages import demo_site

QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)  # no spurious other symbologies

KETTLE = "06951234001704"  # the demo kettle: CB test certificates and a CCC certificate
KETTLE_CERTIFICATES = {"CN-00101", "CN-00102", "2024010711900001"}
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
LINKSET = {"Accept": "application/linkset+json"}


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_site_file):
    settings, db = demo_site.copy(demo_site_file, tmp_path_factory.mktemp("resolver"))
    with TestClient(create_app(settings, db), raise_server_exceptions=False) as c:
        yield settings, c
    db.dispose()


def _local(settings, url: str) -> str:
    base = settings.base_url.rstrip("/")
    assert url.startswith(base), url
    return url[len(base):]


def _every_href(doc):
    for context in doc["linkset"]:
        for rel, links in context.items():
            if isinstance(links, list):
                for link in links:
                    yield rel, link


def test_resolver_description(site):
    settings, client = site
    r = client.get("/.well-known/resolver")
    assert r.status_code == 200
    body = r.json()
    assert body["resolverRoot"] == settings.base_url.rstrip("/")
    assert {"01", "certificates"} <= set(body["supportedPrimaryKeys"])
    assert body["linkTypes"]["untp:dcc"] == ls.DCC


@pytest.mark.parametrize("how", [{"headers": LINKSET}, {"params": {"linkType": "all"}}])
def test_certificate_linkset_validates_and_every_link_resolves(site, linkset_schema, how):
    settings, client = site
    r = client.get("/id/certificates/2024010711900001", follow_redirects=False, **how)
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(ls.LINKSET_TYPE)
    doc = r.json()
    jsonschema.Draft7Validator(linkset_schema).validate(doc)
    [context] = doc["linkset"]
    assert context["anchor"] == credentials.resolver_url(settings, "2024010711900001")
    types = {link["type"] for link in context[ls.DCC]}
    assert types == {"application/vc+ld+json", "application/vc+jwt"}
    assert {x["type"] for x in context[ls.CERTIFICATION_INFO]} >= {
        "application/vc+ld+json", "application/vc+jwt", "application/pdf", "text/html"}
    for rel in (ls.RECOGNITION, ls.STATUS, ls.VERIFICATION_SERVICE, ls.DEFAULT_LINK):
        assert context[rel], rel
    langs = {lang for link in context[ls.DEFAULT_LINK] for lang in link["hreflang"]}
    assert langs == {"en", "zh"}
    for rel, link in _every_href(doc):
        got = client.get(_local(settings, link["href"]), follow_redirects=False)
        assert got.status_code == 200, (rel, link["href"], got.status_code)
        assert got.headers["content-type"].split(";")[0] == link["type"], link["href"]
        if rel == ls.DCC:  # every form of the credential verifies as the registered issue
            body = ({"jwt": got.text} if link["type"] == "application/vc+jwt"
                    else got.json())
            verdict = client.post("/api/verify", json=body).json()
            assert verdict["verdict"] == "valid", (link["href"], verdict)
    assert len(context[ls.DCC]) == 4  # UNTP 0.6.1 and 0.7.0, JSON-LD and VC-JOSE


def test_a_browser_is_sent_to_the_verification_with_the_qr_hash(site):
    settings, client = site
    number = "IECEx NEP 24.0031X"  # spaces and a dot: percent-encoded in the path
    r = client.get(f"/api/certificates/{number}/credential", params={"untp": "0.6.1"})
    sha = hashlib.sha256(r.content).hexdigest()  # of the registered form, as the QR carries
    url = _local(settings, credentials.resolver_url(settings, number, sha))
    r = client.get(url, headers=BROWSER, follow_redirects=False)
    assert r.status_code in (302, 303)
    assert 'rel="linkset"' in r.headers["link"]
    target = urlsplit(r.headers["location"])
    assert target.path == "/verify"
    assert parse_qs(target.query) == {"number": [number], "sha256": [sha]}
    page = client.get(_local(settings, r.headers["location"]), headers=BROWSER)
    assert page.status_code == 200
    assert 'data-verdict="valid"' in page.text  # the verification's verdict, not just a page
    # Chinese first: the Chinese verification page.
    r = client.get(url, headers={**BROWSER, "Accept-Language": "zh-CN,zh;q=0.9"},
                   follow_redirects=False)
    assert "lang=zh" in r.headers["location"]


def test_link_type_redirects(site):
    _, client = site
    r = client.get("/id/certificates/CN-00101", params={"linkType": "untp:dcc"},
                   follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"].endswith("/api/certificates/CN-00101/credential?issuer=cqc")
    r = client.get("/id/certificates/CN-00101", headers={"Accept": "application/pdf"},
                   follow_redirects=False)
    assert r.headers["location"].endswith("/passport.pdf?issuer=cqc")
    r = client.get("/id/certificates/CN-00101", params={"linkType": "gs1:pip"},
                   follow_redirects=False)
    assert r.status_code == 404
    assert r.json()["error"]["code"] == "not-found"


def test_one_gtin_resolves_to_every_certificate_of_the_product(site, linkset_schema):
    settings, client = site
    r = client.get(f"/01/{KETTLE}", headers=LINKSET)
    assert r.status_code == 200
    doc = r.json()
    jsonschema.Draft7Validator(linkset_schema).validate(doc)
    product, *certs = doc["linkset"]
    assert product["anchor"].endswith(f"/01/{KETTLE}")
    # Each link names the certificate's issuer too (numbers are unique per issuer).
    numbers = {re.sub(r".*/api/certificates/([^/]+)/credential\?issuer=[^&]+$", r"\1",
                      x["href"])
               for x in product[ls.DCC] if re.search(r"/credential\?issuer=[^&]+$", x["href"])}
    assert numbers == KETTLE_CERTIFICATES
    assert {c["anchor"].rsplit("/", 1)[1] for c in certs} == KETTLE_CERTIFICATES
    assert "CCC" in product["description"] and "IECEE-CB" in product["description"]
    # A GTIN-13 is the same product; every link resolves.
    assert client.get(f"/01/{KETTLE[1:]}", headers=LINKSET).json() == doc
    for _rel, link in _every_href({"linkset": [product]}):
        assert client.get(_local(settings, link["href"])).status_code == 200, link["href"]
    # A browser: the product's certificates (several), found by the GTIN.
    r = client.get(f"/01/{KETTLE}", headers=BROWSER)
    assert r.status_code == 200
    for number in KETTLE_CERTIFICATES:
        assert number in r.text


def test_a_gtin_with_one_certificate_goes_to_its_verification(site):
    _, client = site
    r = client.get("/01/6976543001603", headers=BROWSER, follow_redirects=False)
    assert r.status_code == 303
    assert "/verify?number=GBA-2024-STC-900001" in r.headers["location"]


@pytest.mark.parametrize("path, status", [
    ("/01/6951234001705", 422),  # a bad check digit
    ("/01/12345", 422),
    ("/01/0000000000000", 404),  # valid, but no certificate has it
    ("/id/certificates/NO-SUCH-NUMBER", 404),
    ("/id/certificates/CN-00101?sha256=xyz", 422),
])
def test_bad_identifiers_are_clear_client_errors(site, path, status):
    _, client = site
    r = client.get(path, headers=LINKSET)
    assert r.status_code == status
    assert r.json()["error"]["message"]
    assert client.get(path, headers=BROWSER).status_code == status  # a page, not a 500


def test_a_browser_following_the_printed_qr_lands_on_the_verification(site):
    """The QR code of the PDF passport (the same URL as the page's and qr.png's) is the
    resolver URL with the credential hash; followed, it verifies that very issue."""
    settings, client = site
    number = "GBA-2024-STC-900001"
    pdf = pypdfium2.PdfDocument(client.get(f"/api/certificates/{number}/passport.pdf").content)
    [code] = zxingcpp.read_barcodes(pdf[0].render(scale=2).to_pil().convert("L"), formats=QR_ONLY)
    sha = hashlib.sha256(client.get(f"/api/certificates/{number}/credential",
                                    params={"untp": "0.6.1"}).content
                         ).hexdigest()
    assert code.text == credentials.resolver_url(settings, number, sha)
    [png] = zxingcpp.read_barcodes(Image.open(io.BytesIO(
        client.get(f"/api/certificates/{number}/qr.png").content)), formats=QR_ONLY)
    assert png.text == code.text
    page = client.get(f"/certificates/{number}").text
    assert "<svg" in page
    r = client.get(_local(settings, code.text), headers=BROWSER, follow_redirects=False)
    landed = client.get(_local(settings, r.headers["location"]), headers=BROWSER)
    assert landed.status_code == 200 and 'data-verdict="valid"' in landed.text
    assert sha[:16] in landed.text


@pytest.mark.parametrize("text, expected", [
    ("http://127.0.0.1:8000/id/certificates/IECEx%20NEP%2024.0031X?sha256=" + "ab" * 32,
     ("IECEx NEP 24.0031X", "ab" * 32)),
    ("https://x.example/id/certificates/BY/112%2002.01.", ("BY/112 02.01.", "")),
    ("http://127.0.0.1:8000/verify?number=CN-00101&sha256=" + "cd" * 32,  # earlier paper
     ("CN-00101", "cd" * 32)),
])
def test_the_verifier_reads_resolver_and_earlier_qr_codes(text, expected):
    assert number_from_qr(text) == expected


@pytest.mark.parametrize("text", ["https://x.example/elsewhere/id/certificates/A",
                                  "https://x.example/id/certificates/", "hello"])
def test_other_qr_codes_are_refused(text):
    with pytest.raises(InvalidInput):
        number_from_qr(text)


def test_the_070_form_gets_the_same_recognition_decision(site):
    """Recognition reads a verified 0.7.0 credential through the issue it is the form of."""
    _, client = site
    number = "2024010711900001"
    v061 = client.get(f"/api/certificates/{number}/credential", params={"untp": "0.6.1"}).json()
    v070 = client.get(f"/api/certificates/{number}/credential", params={"untp": "0.7.0"}).json()
    assert v070["credentialSubject"]["referenceScheme"]["name"]
    answers = [client.post("/api/verify", params={"market": "NZ"}, json=c).json()
               for c in (v061, v070)]
    assert [a["verdict"] for a in answers] == ["valid", "valid"]
    assert answers[1]["recognition"] == answers[0]["recognition"]
    assert answers[1]["certificate"] == answers[0]["certificate"]
