"""Reading a passport's QR code from a photo: real photos decode, hostile files are refused
from their header (or by Pillow's guards) with a clear 4xx, before their pixels are decoded."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from certpass.credentials import qr_photo
from tests.credentials import photos

ROOT = Path(__file__).resolve().parents[2]
LIMITS = {"max_pixels": 16_000_000, "max_bytes": 8_388_608}


def test_the_passport_qr_png_decodes():
    assert qr_photo.decode(photos.qr_png(), **LIMITS) == photos.URL


def test_a_camera_like_jpeg_decodes():
    assert qr_photo.decode(photos.qr_photo(), **LIMITS) == photos.URL


def test_a_big_phone_jpeg_is_decoded_at_a_reduced_scale():
    photo = photos.qr_photo(size=(6000, 4000))  # 24 megapixels, over the 16 MP limit
    assert qr_photo.open_checked(photo, **LIMITS).size == (3000, 2000)
    assert qr_photo.decode(photo, **LIMITS) == photos.URL


def test_a_header_claiming_50000_square_is_refused_before_decoding():
    data = photos.claims_50000_square()
    assert len(data) < 200
    with pytest.raises(qr_photo.PhotoTooLarge) as err:
        qr_photo.decode(data, **LIMITS)
    # Pillow's own decompression-bomb guard speaks first (from the header alone): 413.
    assert err.value.http_status == 413
    assert "claims 2500.0 megapixels, far more than any photo" in err.value.message
    # Under Pillow's guard but over ours, the header is enough too.
    with pytest.raises(qr_photo.PhotoTooLarge) as err:
        qr_photo.decode(photos.png(5000, 5000, b""), **LIMITS)
    assert "5000×5000" in err.value.message and "16.0 megapixels" in err.value.message


_CHILD = """
import io, sys
from PIL import Image
from certpass.credentials import qr_photo
def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
data = open(sys.argv[1], "rb").read()
before = peak_kb()
try:
    if sys.argv[2] == "certpass":
        qr_photo.decode(data, max_pixels=16_000_000, max_bytes=8_388_608)
    else:
        Image.open(io.BytesIO(data)).load()
except Exception as exc:
    print(type(exc).__name__, end=" ")
print((peak_kb() - before) // 1024)
"""


def _grows_mb(path: Path, mode: str) -> tuple[str, int]:
    """(exception name or "", peak-RSS growth in MB) of decoding in a fresh process."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(path), mode], check=True,
                         capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout.split()
    return (out[0] if len(out) == 2 else ""), int(out[-1])


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_a_decompression_bomb_is_refused_without_inflating_it(tmp_path):
    data = photos.bomb()
    assert len(data) < 100_000  # 64 MB of pixels
    path = tmp_path / "bomb.png"
    path.write_bytes(data)
    with pytest.raises(qr_photo.PhotoTooLarge) as err:
        qr_photo.decode(data, **LIMITS)
    assert err.value.http_status == 413 and "8000×8000" in err.value.message
    refused, grew = _grows_mb(path, "certpass")
    assert refused == "PhotoTooLarge" and grew < 16
    # The measure can tell: decoding it as a plain Pillow caller does costs the 64 MB.
    assert _grows_mb(path, "plain")[1] >= 48


def test_a_text_chunk_bomb_is_a_4xx():
    with pytest.raises(qr_photo.NotAPicture) as err:
        qr_photo.decode(photos.text_bomb(), **LIMITS)
    assert err.value.http_status == 422


@pytest.mark.parametrize("data", [b"", b"not a picture at all", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
                                  b"\x89PNG\r\n\x1a\n" + b"\x00" * 40])
def test_a_non_image_is_not_a_picture(data):
    with pytest.raises(qr_photo.NotAPicture) as err:
        qr_photo.decode(data, **LIMITS)
    assert err.value.http_status == 422 and err.value.hint


@pytest.mark.parametrize("make", [photos.qr_png, photos.qr_photo])
def test_a_truncated_picture_is_damaged(make):
    whole = make()
    with pytest.raises(qr_photo.NotAPicture) as err:
        qr_photo.decode(whole[: len(whole) // 2], **LIMITS)
    assert "cut short" in err.value.message


def test_a_picture_without_a_qr_code():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("L", (400, 300), 200).save(out, format="PNG")
    with pytest.raises(qr_photo.NoQrCode):
        qr_photo.decode(out.getvalue(), **LIMITS)


def test_the_byte_limit():
    with pytest.raises(qr_photo.PhotoTooLarge) as err:
        qr_photo.decode(photos.qr_png(), max_pixels=10**7, max_bytes=100)
    assert "bytes" in err.value.message
