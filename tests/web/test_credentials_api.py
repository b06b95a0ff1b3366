"""The passport over HTTP: DID documents, status lists, downloads, QR, PDF, VC-API issuer."""

from __future__ import annotations

import hashlib
import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from certpass.credentials import dcc070, jose, multikey, proofs, schemas, status_list
from certpass.credentials.keyring import unseal
from certpass.credentials.models import SigningKey
from tests.registry_fixture import SETTINGS, request_data
from tests.web.conftest import bearer

QR_ONLY = zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)  # no spurious other symbologies

NUMBER = "2024010701000001"


def resolver(did_document: dict):
    def resolve(vm_id: str) -> str | None:
        vm = multikey.find_verification_method(did_document, vm_id)
        return vm["publicKeyMultibase"] if vm else None
    return resolve


@pytest.fixture
def issued(client, tokens):
    r = client.post("/api/certificates", json=request_data(NUMBER), headers=bearer(tokens["cqc"]))
    assert r.status_code == 201, r.text
    return r.json()


def test_credential_download_verifies_against_the_served_did_document(client, issued):
    served = client.get(f"/api/certificates/{NUMBER}/credential")  # UNTP 0.7.0 by default
    assert served.headers["content-type"].startswith("application/vc+ld+json")
    assert schemas.validate_vc2(served.json()) == []
    assert schemas.validate_dcc_070(served.json()) == []
    r = client.get(f"/api/certificates/{NUMBER}/credential", params={"untp": "0.6.1"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/vc+ld+json")
    doc = r.json()
    assert schemas.validate_vc2(doc) == [] and schemas.validate_dcc(doc) == []
    # The 0.7.0 form is exactly the registered 0.6.1 one, signed by the same key the same day.
    assert dcc070.read_070(served.json()) == {k: v for k, v in doc.items() if k != "proof"}
    assert served.json()["proof"]["created"] == doc["proof"]["created"]
    did_doc = client.get("/bodies/cqc/did.json").json()
    assert did_doc["id"] == doc["issuer"]["id"] == "did:web:127.0.0.1%3A8000:bodies:cqc"
    proofs.verify(doc, resolver(did_doc))
    proofs.verify(served.json(), resolver(did_doc))
    # The registered form's bytes are the bytes hashed; the QR and the log carry that hash.
    digest = hashlib.sha256(r.content).hexdigest()
    jwt = client.get(f"/api/certificates/{NUMBER}/credential.jwt")
    assert jwt.headers["content-type"].startswith("application/vc+jwt")
    assert jose.verify(jwt.text, resolver(did_doc)).credential["id"] == doc["id"]
    rdfc = client.get(f"/api/certificates/{NUMBER}/credential", params={
        "suite": "eddsa-rdfc-2022"}).json()
    assert rdfc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert rdfc["proof"]["created"] == doc["proof"]["created"]
    proofs.verify(rdfc, resolver(did_doc))
    png = client.get(f"/api/certificates/{NUMBER}/qr.png")
    assert png.headers["content-type"] == "image/png"
    [code] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)), formats=QR_ONLY)
    assert code.text == f"http://127.0.0.1:8000/id/certificates/{NUMBER}?sha256={digest}"
    svg = client.get(f"/api/certificates/{NUMBER}/qr.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and b"<svg" in svg.content


def test_earlier_issues_and_unknown_numbers(client, issued, tokens):
    r = client.post(f"/api/certificates/{NUMBER}/amend", headers=bearer(tokens["cqc"]),
                    json={"issued_on": "2024-05-01", "reason": "new model",
                          "products": [{"name": "Kettle", "models": ["EK-20"]}]})
    assert r.status_code == 200, r.text
    assert client.get(f"/api/certificates/{NUMBER}/credential").json()["id"].endswith("issue=1")
    old = client.get(f"/api/certificates/{NUMBER}/credential", params={"issue": 0}).json()
    assert old["id"].endswith("issue=0")
    missing = client.get(f"/api/certificates/{NUMBER}/credential", params={"issue": 7})
    assert missing.status_code == 404 and "issue 7" in missing.json()["error"]["message"]
    expected = client.get("/api/certificates/NOPE-1").json()
    for tail in ("credential", "credential.jwt", "qr.svg", "qr.png", "passport.pdf"):
        r = client.get(f"/api/certificates/NOPE-1/{tail}")
        assert r.status_code == 404 and r.json() == expected


def test_withdrawn_credential_stays_downloadable_and_its_list_says_revoked(client, issued,
                                                                           tokens):
    r = client.post(f"/api/certificates/{NUMBER}/withdraw", headers=bearer(tokens["cqc"]),
                    json={"reason": "factory closed"})
    assert r.status_code == 200, r.text
    # The registered (0.6.1) form lists both entries; the 0.7.0 form carries the same two.
    doc = client.get(f"/api/certificates/{NUMBER}/credential", params={"untp": "0.6.1"}).json()
    did_doc = client.get("/bodies/cqc/did.json").json()
    for entry in doc["credentialStatus"]:
        path = entry["statusListCredential"].removeprefix("http://127.0.0.1:8000")
        listing = client.get(path)
        assert listing.status_code == 200
        listing = listing.json()
        assert listing["id"] == entry["statusListCredential"]
        proofs.verify(listing, resolver(did_doc))
        bits = status_list.decode(listing["credentialSubject"]["encodedList"])
        expected = entry["statusPurpose"] == "revocation"
        assert status_list.get(bits, int(entry["statusListIndex"])) is expected
    assert client.get("/status/cqc/revocation/999").status_code == 404
    assert client.get("/status/cqc/other/1").status_code == 404


def test_passport_pdf_is_bilingual_and_carries_the_qr(client, issued):
    r = client.get(f"/api/certificates/{NUMBER}/passport.pdf")
    assert r.status_code == 200 and r.headers["content-type"] == "application/pdf"
    digest = hashlib.sha256(client.get(f"/api/certificates/{NUMBER}/credential",
                                       params={"untp": "0.6.1"}).content).hexdigest()
    pdf = pypdfium2.PdfDocument(r.content)
    assert 1 <= len(pdf) <= 2
    page = pdf[0]
    text = page.get_textpage().get_text_range()
    for needle in (NUMBER, "宁波示例电器有限公司", "电水壶", "质量认证护照", "China Quality "
                   "Certification Centre", "中国质量认证中心", "GB 4706.1-2005", "EK-17",
                   "CNAS-C001", "GlobalMRA", digest):
        assert needle in text.replace("\n", "").replace("\r", "") or needle in text, needle
    image = page.render(scale=2).to_pil().convert("L")
    histogram = image.histogram()
    dark = sum(histogram[:128])
    assert dark > 0.02 * image.width * image.height  # not blank
    codes = zxingcpp.read_barcodes(image, formats=QR_ONLY)
    assert [c.text for c in codes] == [
        f"http://127.0.0.1:8000/id/certificates/{NUMBER}?sha256={digest}"]


def test_did_documents(client, issued):
    assert client.get("/bodies/nobody/did.json").status_code == 404
    assert client.get("/bodies/cnas/did.json").status_code == 404  # no key yet
    doc = client.get("/bodies/cqc/did.json")
    assert doc.headers["content-type"].startswith("application/did+json")
    [vm] = doc.json()["verificationMethod"]
    assert vm["type"] == "Multikey" and vm["publicKeyMultibase"].startswith("z6Mk")
    assert doc.json()["assertionMethod"] == [vm["id"]]


def test_vc_api_issue(client, tokens):
    credential = {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:abc", "name": "Alice"},
    }
    request = {"credential": credential, "options": {}}
    # It signs for the platform or a body, so it needs a write token of a signer.
    assert client.post("/credentials/issue", json=request).status_code == 401
    for who in ("cqc-read", "cnas"):
        r = client.post("/credentials/issue", json=request, headers=bearer(tokens[who]))
        assert r.status_code == 403, (who, r.text)
    r = client.post("/credentials/issue", json=request, headers=bearer(tokens["admin"]))
    assert r.status_code == 201, r.text
    vc = r.json()["verifiableCredential"]
    assert vc["proof"]["cryptosuite"] == "eddsa-rdfc-2022"
    assert vc["issuer"] == "did:web:127.0.0.1%3A8000"
    proofs.verify(vc, resolver(client.get("/.well-known/did.json").json()))
    r = client.post("/credentials/issue", headers=bearer(tokens["cqc"]), json={
        "credential": credential, "options": {"cryptosuite": "eddsa-jcs-2022"}})
    vc = r.json()["verifiableCredential"]
    assert vc["issuer"].endswith(":bodies:cqc") and vc["proof"]["cryptosuite"] == "eddsa-jcs-2022"
    proofs.verify(vc, resolver(client.get("/bodies/cqc/did.json").json()))
    # A body cannot sign as the platform (nor the platform as a body).
    for who, issuer in (("cqc", "did:web:127.0.0.1%3A8000"),
                        ("admin", vc["issuer"]), ("other-cb", vc["issuer"])):
        r = client.post("/credentials/issue", headers=bearer(tokens[who]), json={
            "credential": dict(credential, issuer=issuer)})
        assert r.status_code == 422 and "signs as" in r.json()["error"]["message"], r.text
    for bad in ({"options": {}}, {"credential": "x"},
                {"credential": dict(credential, type=["Other"])},
                {"credential": credential, "options": {"cryptosuite": "rsa"}},
                {"credential": dict(credential, issuer="did:example:someone-else")},
                {"credential": {k: v for k, v in credential.items() if k != "@context"}}):
        r = client.post("/credentials/issue", json=bad, headers=bearer(tokens["admin"]))
        assert r.status_code in (400, 422), (bad, r.text)
        assert r.json()["error"]["message"]
    assert client.post("/credentials/issue", content=b"{not json", headers={
        "content-type": "application/json", **bearer(tokens["admin"])}).status_code in (400, 422)


def test_vc_api_refuses_conformity_credentials(client, issued, tokens, app_db):
    """A DCC signed outside the lifecycle would be a certificate nobody registered, logged or
    can revoke: the VC-API refuses it (422 with a code and a pointer), writing nothing."""
    dcc = client.get(f"/api/certificates/{NUMBER}/credential").json()
    del dcc["proof"]
    dcc["id"] = "https://example.org/forged"  # a fresh one, as a caller would mint it
    with app_db.read() as s:
        before = s.query(SigningKey).count()
    for who in ("cqc", "admin"):
        r = client.post("/credentials/issue", headers=bearer(tokens[who]),
                        json={"credential": dcc, "options": {"cryptosuite": "eddsa-jcs-2022"}})
        assert r.status_code == 422, r.text
        error = r.json()["error"]
        assert error["code"] == "conformity-credential-needs-certificate"
        assert "/api/certificates" in error["hint"]
    with app_db.read() as s:
        assert s.query(SigningKey).count() == before


def test_another_credential_type_never_passes_for_a_certificate(client, issued, tokens):
    """A body may still sign other credential types, but one whose subject points at a
    registered certificate does not verify as that certificate."""
    r = client.post("/credentials/issue", headers=bearer(tokens["cqc"]), json={"credential": {
        "@context": ["https://www.w3.org/ns/credentials/v2",
                     "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": f"http://127.0.0.1:8000/api/certificates/{NUMBER}/issues/0",
                              "name": f"CCC certificate {NUMBER}, issue 0"}},
        "options": {"cryptosuite": "eddsa-jcs-2022"}})
    assert r.status_code == 201, r.text
    result = client.post("/api/verify", json=r.json()["verifiableCredential"]).json()
    assert result["certificate"]["number"] is None and result["certificate"]["status"] is None
    assert next(c for c in result["checks"] if c["name"] == "register")["ok"] is None


def test_no_endpoint_reveals_a_private_seed(client, issued, tokens, app_db):
    client.post("/credentials/issue", headers=bearer(tokens["admin"]), json={"credential": {
        "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
        "credentialSubject": {"id": "did:example:abc"}}})
    with app_db.read() as s:
        secrets = []
        for k in s.query(SigningKey):
            seed = unseal(k.sealed_seed, k.body_id, k.fragment, SETTINGS.secret_key)
            secrets += [seed.hex(), multikey.encode_secret_key(seed), seed.decode("latin-1"),
                        jose.b64url_encode(seed)]
    assert len(secrets) == 8
    outputs = [client.get(p).content for p in (
        "/.well-known/did.json", "/bodies/cqc/did.json", f"/api/certificates/{NUMBER}",
        f"/api/certificates/{NUMBER}/credential", f"/api/certificates/{NUMBER}/credential.jwt",
        f"/api/certificates/{NUMBER}/credential?suite=eddsa-rdfc-2022",
        f"/api/certificates/{NUMBER}/qr.svg", f"/api/certificates/{NUMBER}/passport.pdf",
        "/status/cqc/revocation/1", "/status/cqc/suspension/2", "/openapi.json")]
    for out in outputs:
        text = out.decode("latin-1")
        for secret in secrets:
            assert secret not in text
