"""Pictures for the QR photo tests, built in code: real QR photos and hostile files."""

from __future__ import annotations

import io
import struct
import zlib

import segno
from PIL import Image, ImageFilter

URL = "http://127.0.0.1:8000/verify?number=2024010701000001&sha256=" + "ab" * 32


def chunk(kind: bytes, data: bytes) -> bytes:
    return (struct.pack(">I", len(data)) + kind + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))


def png(width: int, height: int, idat: bytes, *, depth: int = 8, colour: int = 0,
        extra: bytes = b"") -> bytes:
    header = struct.pack(">IIBBBBB", width, height, depth, colour, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + extra + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))


def claims_50000_square() -> bytes:
    """A 100-byte PNG whose header says 50000×50000 (2.5 gigapixels)."""
    return png(50_000, 50_000, zlib.compress(b"\x00" * 64))


def bomb(side: int = 8_000) -> bytes:
    """A genuine decompression bomb: a side×side 8-bit greyscale PNG of zeros, a few KB
    on disk, side² bytes once decoded (64 MB for 8000)."""
    squeeze = zlib.compressobj(9)
    row = b"\x00" * (side + 1)  # filter byte 0, then the pixels
    parts = [squeeze.compress(row) for _ in range(side)]
    parts.append(squeeze.flush())
    return png(side, side, b"".join(parts))


def text_bomb() -> bytes:
    """A small valid PNG carrying a zTXt chunk that inflates to 64 MB."""
    squeeze = zlib.compressobj(9)
    body = b"".join(squeeze.compress(b"\x00" * 1_048_576) for _ in range(64)) + squeeze.flush()
    ztxt = chunk(b"zTXt", b"Comment\x00\x00" + body)
    raw = b"".join(b"\x00" + b"\xff" * 16 for _ in range(16))
    return png(16, 16, zlib.compress(raw), extra=ztxt)


def qr_png(text: str = URL, scale: int = 6) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m", micro=False).save(out, kind="png", scale=scale, border=4)
    return out.getvalue()


def qr_photo(text: str = URL, size: tuple[int, int] = (1600, 1200), fmt: str = "JPEG",
             quality: int = 80) -> bytes:
    """A QR code as a camera sees it: on a grey page, slightly turned and blurred, JPEG."""
    code = Image.open(io.BytesIO(qr_png(text, scale=8))).convert("L")
    side = min(size) // 2
    code = code.resize((side, side), Image.Resampling.NEAREST).rotate(
        7, expand=True, fillcolor=255)
    page = Image.new("L", size, 170)
    page.paste(code, ((size[0] - code.width) // 2, (size[1] - code.height) // 2))
    page = page.filter(ImageFilter.GaussianBlur(1.2))
    out = io.BytesIO()
    page.save(out, format=fmt, quality=quality)
    return out.getvalue()
