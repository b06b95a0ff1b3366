"""A QR photo on the verify page: decoded (runtime dependency), judged from its header,
hostile files a clear 4xx page, concurrent decodes bounded (503 with Retry-After)."""

from __future__ import annotations

import hashlib

import pytest
from fastapi.testclient import TestClient

from certpass.web import photo
from certpass.web.app import create_app
from tests.credentials import photos
from tests.registry_fixture import request_data
from tests.web.conftest import bearer
from tests.web.pages.conftest import csrf_of

NUMBER = "2024010701000001"


@pytest.fixture
def issued(client, tokens):
    r = client.post("/api/certificates", json=request_data(NUMBER), headers=bearer(tokens["cqc"]))
    assert r.status_code == 201, r.text
    return hashlib.sha256(client.get(f"/api/certificates/{NUMBER}/credential",  # registered
                                     params={"untp": "0.6.1"}).content).hexdigest()


def upload(client: TestClient, data: bytes, name: str = "photo.jpg",
           kind: str = "image/jpeg"):
    token = csrf_of(client.get("/verify").text)
    return client.post("/verify", data={"csrf_token": token},
                       files={"file": (name, data, kind)})


def test_the_served_qr_png_and_a_photo_of_it_verify(client, issued):
    png = client.get(f"/api/certificates/{NUMBER}/qr.png").content
    r = upload(client, png, "qr.png", "image/png")
    assert r.status_code == 200, r.text
    assert 'data-verdict="valid"' in r.text and issued[:16] in r.text
    url = f"http://127.0.0.1:8000/verify?number={NUMBER}&sha256={issued}"
    r = upload(client, photos.qr_photo(url, size=(3000, 2250)))  # a 3 MB-class phone photo
    assert r.status_code == 200 and 'data-verdict="valid"' in r.text


@pytest.mark.parametrize(("data", "status", "words"), [
    (photos.claims_50000_square(), 413, "far more than any photo"),
    (photos.bomb(), 413, "8000×8000 pixels"),
    (photos.text_bomb(), 422, "not a picture"),
    (b"GIF89a but not really", 422, "not a picture"),
    (photos.qr_png()[:300], 422, "cut short"),
])
def test_hostile_pictures_are_a_clear_4xx_page(client, data, status, words):
    r = upload(client, data, "x.png", "image/png")
    assert r.status_code == status, r.text[:500]
    assert words in r.text and 'id="err-file"' in r.text


def test_a_photo_over_the_byte_limit_is_413(app_db, settings_for):
    app = create_app(settings_for(photo_max_bytes=4_000), app_db)
    with TestClient(app, raise_server_exceptions=False) as c:
        r = upload(c, photos.qr_photo())
    assert r.status_code == 413 and "at most 4000 are read" in r.text


def test_excess_concurrent_decodes_get_503_with_retry_after(app_db, settings_for):
    app = create_app(settings_for(photo_decoders=1), app_db)
    with TestClient(app, raise_server_exceptions=False) as c:
        token = csrf_of(c.get("/verify").text)
        gate = photo.gate(app)
        gate.enter()  # one decode under way: the only decoder is taken
        try:
            r = c.post("/verify", data={"csrf_token": token},
                       files={"file": ("qr.png", photos.qr_png(), "image/png")})
            assert r.status_code == 503 and r.headers["Retry-After"] == "2"
            assert "try again" in r.text
        finally:
            gate.leave()
        r = c.post("/verify", data={"csrf_token": token},
                   files={"file": ("qr.png", photos.qr_png(), "image/png")})
        assert r.status_code == 200 and gate.active == 0
