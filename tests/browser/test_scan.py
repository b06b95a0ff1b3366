"""The verify page reads QR codes in the browser without BarcodeDetector (as Firefox and
Safari must): the vendored jsQR decoder comes from /static, nothing from elsewhere, and a
picked photo — or the camera, here Chromium's fake camera playing a QR video — leads to the
certificate's verdict."""

from __future__ import annotations

import io
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest
from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from certpass.certificates.models import Certificate
from certpass.credentials import service as credentials
from tests.browser.conftest import ARGS, CHROMIUM
from tests.credentials import photos

NO_DETECTOR = "delete window.BarcodeDetector; window.BarcodeDetector = undefined;"
DECODER = "/static/vendor/jsqr/jsQR.js"


def _valid(db) -> tuple[str, str]:
    """A valid certificate's number and the URL its QR code carries."""
    with db.read() as s:
        cert = s.scalars(select(Certificate).where(Certificate.status == "valid")
                         .where(Certificate.valid_until.is_(None)).limit(1)).first()
        row = credentials.stored(s, cert)
        return cert.number, row.sha256


def _watch(page) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url))
    return seen


@pytest.mark.parametrize("kind", ["served-png", "camera-like-jpeg"])
def test_a_picked_photo_is_read_in_the_browser_without_barcode_detector(
        server, page, tmp_path, kind):
    base, settings, db = server
    number, sha256 = _valid(db)
    if kind == "served-png":
        with urllib.request.urlopen(f"{base}/api/certificates/{quote(number)}/qr.png") as r:
            data = r.read()
    else:
        data = photos.qr_photo(credentials.verify_url(settings, number, sha256))
    picture = tmp_path / ("qr.png" if kind == "served-png" else "qr.jpg")
    picture.write_bytes(data)
    page.add_init_script(NO_DETECTOR)
    seen = _watch(page)
    page.goto(f"{base}/verify")
    assert page.evaluate("typeof window.BarcodeDetector") == "undefined"
    assert page.is_visible("#scan") and page.is_visible("#scan-file")
    assert DECODER not in " ".join(seen)  # loaded only when needed
    with page.expect_navigation():
        page.set_input_files("#scan-file", str(picture))
    page.wait_for_selector("[data-verdict]")
    assert page.get_attribute("[data-verdict]", "data-verdict") == "valid"
    assert f"sha256={sha256}" in page.url and quote(number, safe="") in page.url
    assert f"{base}{DECODER}" in seen
    assert all(url.startswith(base) for url in seen), [u for u in seen if not u.startswith(base)]


def test_a_picture_without_a_code_says_so(server, page, tmp_path):
    base, _, _ = server
    blank = tmp_path / "blank.png"
    Image.new("RGB", (300, 200), "white").save(blank)
    page.add_init_script(NO_DETECTOR)
    page.goto(f"{base}/verify")
    page.set_input_files("#scan-file", str(blank))
    # (a locator, not wait_for_function: the page's CSP forbids eval in its world)
    expect(page.locator("#scan-status")).to_contain_text("No QR code")
    assert page.url == f"{base}/verify"


def _y4m(path: Path, frame: Image.Image, frames: int = 5) -> None:
    """A YUV4MPEG2 video of one still frame, for Chromium's fake camera."""
    frame = frame.convert("YCbCr")
    w, h = frame.size
    y, cb, cr = frame.split()
    half = (w // 2, h // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{w} H{h} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)


def test_the_camera_scan_works_without_barcode_detector(server, browser, tmp_path):
    base, settings, db = server
    number, sha256 = _valid(db)
    code = Image.open(io.BytesIO(photos.qr_png(credentials.verify_url(settings, number, sha256),
                                               scale=4))).convert("L")
    still = Image.new("L", (640, 480), 200)
    still.paste(code, ((640 - code.width) // 2, (480 - code.height) // 2))
    video = tmp_path / "qr.y4m"
    _y4m(video, still)
    camera = browser.browser_type.launch(executable_path=str(CHROMIUM), args=[
        *ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={video}"])
    try:
        context = camera.new_context(viewport={"width": 1100, "height": 900})
        context.grant_permissions(["camera"], origin=base)
        page = context.new_page()
        page.add_init_script(NO_DETECTOR)
        seen = _watch(page)
        page.goto(f"{base}/verify")
        assert page.is_visible("#scan-start")
        with page.expect_navigation(timeout=30_000):
            page.click("#scan-start")
        page.wait_for_selector("[data-verdict]")
        assert page.get_attribute("[data-verdict]", "data-verdict") == "valid"
        assert f"sha256={sha256}" in page.url
        assert f"{base}{DECODER}" in seen
        page.screenshot(path=str(tmp_path / "camera-scan.png"), full_page=True)
    finally:
        camera.close()
