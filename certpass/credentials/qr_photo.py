"""Read the QR code in a photo of a passport (the inverse of passport.qr_png).

A photo is untrusted: its size is judged from the header before a single pixel is decoded.
A QR code needs a few megapixels at most, so a picture claiming more is refused (a JPEG is
first decoded at a reduced scale, which its format allows cheaply: phone photos still work);
Pillow's own decompression-bomb guard and a truncated or unreadable file become clear
errors too. Pure: bytes in, text or a CertpassError out; no I/O, no concurrency (the web
layer bounds how many decodes run at once).
"""

from __future__ import annotations

import io
import re
import warnings

import zxingcpp
from PIL import Image, UnidentifiedImageError

from certpass.errors import InvalidInput, TooLarge

FORMATS = ("PNG", "JPEG", "GIF", "WEBP", "BMP")
_RESIZE_HINT = "send a photo of a few megapixels: the QR code filling a good part of it"


class NotAPicture(InvalidInput):
    code = "not-a-picture"


class NoQrCode(InvalidInput):
    code = "no-qr-code"


class PhotoTooLarge(TooLarge):
    code = "photo-too-large"


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1e6:.1f}"


def open_checked(data: bytes, *, max_pixels: int, max_bytes: int) -> Image.Image:
    """The picture, header read and size checked, pixels not yet decoded."""
    if len(data) > max_bytes:
        raise PhotoTooLarge(f"the photo is {len(data)} bytes; at most {max_bytes} are read",
                            hint=_RESIZE_HINT, details={"bytes": len(data), "max": max_bytes})
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture = Image.open(io.BytesIO(data), formats=FORMATS)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        claimed = re.search(r"\((\d+) pixels\)", str(exc))
        size = f"{_megapixels(int(claimed.group(1)))} megapixels, " if claimed else ""
        raise PhotoTooLarge(
            f"the picture claims {size}far more than any photo; at most "
            f"{_megapixels(max_pixels)} megapixels are decoded",
            hint=_RESIZE_HINT, details={"reason": str(exc), "max": max_pixels}) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise NotAPicture("this file is not a picture certpass can read",
                          hint="upload a PNG or JPEG photo of the QR code",
                          details={"reason": str(exc)[:200]}) from None
    width, height = picture.size
    if width * height > max_pixels and picture.format == "JPEG":
        # JPEG decodes at 1/2, 1/4 or 1/8 scale for free: ask for the largest within bounds.
        scale = next((s for s in (2, 4, 8) if -(-width // s) * -(-height // s) <= max_pixels), 8)
        picture.draft("L", (-(-width // scale), -(-height // scale)))
        width, height = picture.size
    if width * height > max_pixels or width <= 0 or height <= 0:
        picture.close()
        raise PhotoTooLarge(
            f"the picture is {width}×{height} pixels ({_megapixels(width * height)} "
            f"megapixels); at most {_megapixels(max_pixels)} megapixels are decoded",
            hint=_RESIZE_HINT, details={"width": width, "height": height, "max": max_pixels})
    return picture


def decode(data: bytes, *, max_pixels: int, max_bytes: int) -> str:
    """The text of the first QR code in the photo."""
    picture = open_checked(data, max_pixels=max_pixels, max_bytes=max_bytes)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            picture.load()
            grey = picture.convert("L")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise PhotoTooLarge("the picture expands to far more than its header says",
                            hint=_RESIZE_HINT, details={"reason": str(exc)}) from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise NotAPicture("this picture is damaged or cut short and cannot be read",
                          hint="upload the photo again, or take a new one",
                          details={"reason": str(exc)[:200]}) from None
    finally:
        picture.close()
    found = zxingcpp.read_barcodes(grey, formats=zxingcpp.BarcodeFormats(
        zxingcpp.BarcodeFormat.QRCode))
    if not found:
        raise NoQrCode("no QR code was found in this picture",
                       hint="take the photo closer and straight on, in good light")
    return found[0].text
