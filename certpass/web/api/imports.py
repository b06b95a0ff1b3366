"""Bulk import over HTTP: a CSV, XLSX or JSON file of certificates, reported per row."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from pydantic import BaseModel

from certpass.accounts.actor import require_issuing_body
from certpass.certificates import importer
from certpass.credentials import service as credentials
from certpass.errors import TooLarge
from certpass.web.deps import DB, WRITE_ERRORS, SettingsDep, Writer

router = APIRouter(prefix="/api", tags=["certificates"])


class RowErrorOut(BaseModel):
    row: int
    field: str
    reason: str
    code: str = ""  # stable (a validation error type or an error code), for translation


class ImportReportOut(BaseModel):
    total: int
    imported: int
    already_present: int
    failed: int
    errors: list[RowErrorOut]
    issued: list[str]  # the numbers issued by this import, in file order


@router.post("/import", response_model=ImportReportOut, responses=WRITE_ERRORS)
def import_certificates(file: Annotated[UploadFile, File(description=".csv, .xlsx or .json")],
                        db: DB, settings: SettingsDep, actor: Writer) -> dict:
    """Issue every good row (each row all-or-nothing); rows from another issuer are refused
    row by row. Limits: `max_upload_bytes` (413) and `max_import_rows` (413)."""
    require_issuing_body(actor, "import certificates")
    data = file.file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise TooLarge(f"the file is over {settings.max_upload_bytes} bytes",
                       hint="split the file")
    fmt = (file.filename or "").rsplit(".", 1)[-1].lower()
    rows = importer.read_rows(data, fmt, settings.max_import_rows)
    return importer.import_rows(db, settings, rows, actor, passports=credentials).as_dict()
