"""Download names: `Content-Disposition` (RFC 6266) for files named after a certificate.

A certificate number may hold "/" (EAEU numbers do), spaces or non-ASCII letters. The file
name keeps the number recognisable and safe: path separators and control characters become
"_"; the plain `filename` is an ASCII fallback, `filename*` (RFC 8187, UTF-8) the exact name.

Spreadsheets (CSV and XLSX) are written so that no cell becomes a formula: a text that a
spreadsheet would read as one (=, +, -, @ first, OWASP "CSV injection") gets a leading
apostrophe, the spreadsheets' own mark for "this is text".
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import quote

from fastapi.responses import Response
from openpyxl import Workbook

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_NOT_ASCII_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(number: str) -> str:
    """The number as a file-name stem: no separators, controls or leading dots."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", number)).strip(" ._")
    return name or "certificate"


def ascii_name(filename: str) -> str:
    return _NOT_ASCII_SAFE.sub("_", filename).strip("._") or "download"


def content_disposition(filename: str, disposition: str = "attachment") -> str:
    """`attachment; filename="ascii"; filename*=UTF-8''exact` (filename* only when needed)."""
    fallback = ascii_name(filename)
    header = f'{disposition}; filename="{fallback}"'
    if fallback != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def certificate_file(number: str, suffix: str, disposition: str = "attachment"
                     ) -> dict[str, str]:
    """Headers naming a download `{number}{suffix}`, e.g. suffix ".jwt" or "-qr.png"."""
    return {"Content-Disposition": content_disposition(safe_name(number) + suffix, disposition)}


_FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def as_text_cell(value: Any) -> Any:
    """A value that no spreadsheet evaluates (see module doc); numbers stay numbers."""
    if isinstance(value, str) and value.startswith(_FORMULA_LEADS) and not _NUMBER.match(value):
        return "'" + value
    return value


def excel_csv(rows: Iterable[Sequence[Any]]) -> bytes:
    """CSV as Excel opens it right in every locale: UTF-8 with a byte-order mark, CRLF."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(
        [as_text_cell(v) for v in row] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx(rows: Iterable[Sequence[Any]], sheet: str = "certpass") -> bytes:
    """An XLSX workbook of `rows` (the first is the header), written in streaming mode."""
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    for row in rows:
        ws.append([as_text_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_file(data: bytes, filename: str) -> Response:
    """An XLSX download named `filename`."""
    return Response(data, media_type=XLSX_TYPE,
                    headers={"Content-Disposition": content_disposition(filename)})


def pdf_file(data: bytes, filename: str) -> Response:
    """A PDF download named `filename`."""
    return Response(data, media_type="application/pdf",
                    headers={"Content-Disposition": content_disposition(filename)})


def csv_file(data: bytes, filename: str) -> Response:
    """A CSV download named `filename`."""
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(filename)})
