"""Bulk import of certificates from CSV, XLSX or JSON.

Column mapping (CSV and XLSX; a JSON file is a list of objects with the same keys, or of
objects shaped like the API's issue request). Lists are separated by ``;``.

=====================  ==========================================================
column                 meaning
=====================  ==========================================================
number*                certificate number, unique
scheme*                scheme code (CCC, IECEE-CB, IECEx, ...)
issuer*                issuing body id
kind                   product-certificate (default), cb-test-certificate, iecex-coc,
                       test-report, inspection-report
holder_name*           certificate holder;  holder_name_zh, holder_address optional
holder_economy*        ISO 3166-1 alpha-2 code of the holder
manufacturer_name      defaults to the holder; manufacturer_economy with it
product_name*          product;  product_name_zh optional
holder_name_<lang>     the holder's (or manufacturer's, product's: manufacturer_name_<lang>,
                       product_name_<lang>) name in another language or script, by BCP 47
                       tag: holder_name_ru, holder_name_ar, product_name_kk-Cyrl
models*                model numbers, ``;``-separated
trademark, ratings     free text
hs_code                HS code, e.g. 8516.60
gtin                   the product's GS1 GTIN (8 to 14 digits, check digit checked)
factory_name           factory;  factory_address, factory_economy with it
standards*             standard editions, ``;``-separated, e.g. IEC 60335-1:2020
category               IECEE or CCC category code
test_report_number     test report;  test_lab (lab body id) with it
testing_route          third-party (default), TMP, WMT, SMT
conditions             specific conditions of use
issued_on*             YYYY-MM-DD
valid_until            YYYY-MM-DD; defaults from the scheme's validity period
=====================  ==========================================================

Each row is all-or-nothing: it is issued inside its own savepoint, so a bad row leaves no
trace and never stops the good rows. A row whose certificate already exists with the same
content is reported as already present, so an interrupted import can simply be run again.
"""

from __future__ import annotations

import csv
import gc
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import charset_normalizer
from pydantic import ValidationError

from certpass.accounts.actor import Actor
from certpass.certificates import service
from certpass.certificates.context import CredentialIssuer, IssuingContext
from certpass.certificates.schemas import IssueRequest
from certpass.config import Settings
from certpass.errors import CertpassError, DuplicateCertificate, InvalidInput, TooLarge
from certpass.registry.schemas import LANGUAGE_TAG
from certpass.store.database import Database

COLUMNS = (
    "number", "scheme", "issuer", "kind", "holder_name", "holder_name_zh", "holder_economy",
    "holder_address", "manufacturer_name", "manufacturer_economy", "product_name",
    "product_name_zh", "models", "trademark", "ratings", "hs_code", "gtin", "factory_name",
    "factory_address", "factory_economy", "standards", "category", "test_report_number",
    "test_lab", "testing_route", "conditions", "issued_on", "valid_until",
)
# Names in other scripts: holder_name_ru, product_name_ar, manufacturer_name_kk-Cyrl...
OTHER_NAME_COLUMN = re.compile(rf"^(holder|manufacturer|product)_name_({LANGUAGE_TAG})$")
FORMATS = ("csv", "xlsx", "json")
BATCH = 500  # rows per transaction: a crash loses at most one uncommitted batch


@dataclass
class RowError:
    row: int
    field: str
    reason: str  # the validator's or service's own words (English)
    code: str = ""  # stable: a pydantic error type or a CertpassError code, for translation


@dataclass
class ImportReport:
    total: int = 0
    imported: int = 0
    already_present: int = 0
    errors: list[RowError] = field(default_factory=list)
    numbers: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "total": self.total, "imported": self.imported,
            "already_present": self.already_present, "failed": len(self.errors),
            "errors": [e.__dict__ for e in self.errors], "issued": self.numbers,
        }


MAX_CELL = 10_000  # characters in one cell: longer is not a certificate field
XLSX_INFLATE = 20  # an XLSX may expand to this many times its size when unzipped


def read_rows(data: bytes, fmt: str, max_rows: int) -> list[dict[str, Any]]:
    """Parse a file into row dicts, or InvalidInput saying what is wrong with the file.

    Rows are counted while they are read, so an oversized file stops at the first row over
    the limit instead of being read whole."""
    if fmt not in FORMATS:
        raise InvalidInput(f"unsupported format {fmt!r}", hint="use a .csv, .xlsx or .json file")
    rows: list[dict[str, Any]] = []
    try:
        for row in _READERS[fmt](data):
            if len(rows) == max_rows:
                raise TooLarge(f"the file has more than {max_rows} rows; at most {max_rows} "
                               "are accepted", hint="split the file")
            _check_cells(len(rows) + 2, row)
            rows.append(row)
    except CertpassError:
        raise
    except Exception as exc:  # a broken file: say so, whatever the parser raised
        raise InvalidInput(f"cannot read this {fmt.upper()} file: {exc}",
                           hint=f"check that the file is valid {fmt.upper()}") from exc
    return rows


def _check_cells(row_no: int, row: dict[str, Any]) -> None:
    for name, value in row.items():
        if isinstance(value, str) and len(value) > MAX_CELL:
            raise TooLarge(f"row {row_no}, column {name}: {len(value)} characters; at most "
                           f"{MAX_CELL} are accepted in one cell", hint="shorten that cell")


def decode_text(data: bytes) -> str:
    """A CSV's text in whatever encoding the spreadsheet wrote it: UTF-8 (with or without a
    BOM) first; otherwise the encoding charset-normalizer finds, which covers what Excel
    writes on Chinese Windows (GBK/GB18030) and on Western Windows (cp1252)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise InvalidInput("cannot tell this CSV file's text encoding",
                           hint="save the file as 'CSV UTF-8' and upload it again")
    return str(best)


def _csv_rows(data: bytes) -> Iterator[dict[str, Any]]:
    text = decode_text(data)
    header_line = text.split("\n", 1)[0]
    try:  # Excel writes ';' where the decimal separator is ','
        delimiter = csv.Sniffer().sniff(header_line, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    reader.fieldnames = [_column(h) for h in reader.fieldnames or []]
    _check_header(reader.fieldnames)
    for row in reader:
        if None in row:
            raise InvalidInput(f"row {reader.line_num} has more cells than the header",
                               hint="check for a separator inside an unquoted cell")
        yield {k.strip(): v for k, v in row.items()}


def _xlsx_rows(data: bytes) -> Iterator[dict[str, Any]]:
    from openpyxl import load_workbook

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        inflated = sum(info.file_size for info in archive.infolist())
    if inflated > max(len(data) * XLSX_INFLATE, 50_000_000):
        raise TooLarge(f"this XLSX file unpacks to {inflated} bytes, too much for its size",
                       hint="save the sheet again from your spreadsheet program")
    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [_column(str(c)) if c is not None else "" for c in next(rows, ())]
    _check_header(header)
    for values in rows:
        if any(v not in (None, "") for v in values):
            yield {k: v for k, v in zip(header, values, strict=False) if k}


def _json_rows(data: bytes) -> Iterator[dict[str, Any]]:
    doc = json.loads(data)
    if isinstance(doc, dict) and "certificates" in doc:
        doc = doc["certificates"]
    if not isinstance(doc, list) or not all(isinstance(r, dict) for r in doc):
        raise InvalidInput("a JSON import is a list of certificate objects",
                           hint='give [{"number": ...}, ...] or {"certificates": [...]}')
    yield from doc


def _column(header: str) -> str:
    """A header cell's column: `number / 证书编号` (the template's bilingual header) → number."""
    return header.split(" / ", 1)[0].strip()


# The template's header names each column in both languages; only the part before " / "
# counts when a file is read, so either form (or the bare column name) may be uploaded.
COLUMN_ZH = {
    "number": "证书编号", "scheme": "认证制度", "issuer": "发证机构", "kind": "文件类型",
    "holder_name": "持证人", "holder_name_zh": "持证人中文名称",
    "holder_economy": "持证人所在经济体", "holder_address": "持证人地址",
    "manufacturer_name": "制造商", "manufacturer_economy": "制造商所在经济体",
    "product_name": "产品名称", "product_name_zh": "产品中文名称", "models": "型号",
    "trademark": "商标", "ratings": "额定值", "hs_code": "HS编码", "gtin": "商品条码（GTIN）",
    "factory_name": "生产厂",
    "factory_address": "生产厂地址", "factory_economy": "生产厂所在经济体", "standards": "标准",
    "category": "产品类别", "test_report_number": "检测报告编号", "test_lab": "检测实验室",
    "testing_route": "检测途径", "conditions": "使用条件", "issued_on": "发证日期",
    "valid_until": "有效期至",
}


def template_rows() -> list[list[str]]:
    """An import file's rows: every column (named in English and Chinese) and one example."""
    return [[f"{c} / {COLUMN_ZH[c]}" for c in COLUMNS],
            [EXAMPLE_ROW.get(c, "") for c in COLUMNS]]


def error_rows(report: dict[str, Any]) -> list[list[Any]]:
    """The rows that failed, one line per problem, to fix and upload again."""
    return [["row", "field", "reason", "code"],
            *([e["row"], e["field"], e["reason"], e.get("code", "")]
              for e in report.get("errors", []))]


EXAMPLE_ROW = {
    "number": "2024010701000001", "scheme": "CCC", "issuer": "cqc",
    "kind": "product-certificate", "holder_name": "Foshan Shengshi Electric Co., Ltd.",
    "holder_name_zh": "佛山盛世电器有限公司", "holder_economy": "CN",
    "holder_address": "Shunde, Foshan, Guangdong", "product_name": "Electric kettle",
    "product_name_zh": "电热水壶", "models": "SK-1701;SK-1702", "trademark": "Shengshi",
    "ratings": "220 V~ 50 Hz 1800 W", "hs_code": "8516.71",
    "standards": "GB 4706.1-2005;GB 4706.19-2008", "issued_on": "2024-01-07",
}


_READERS: dict[str, Callable[[bytes], Iterator[dict[str, Any]]]] = {
    "csv": _csv_rows, "xlsx": _xlsx_rows, "json": _json_rows,
}


def _check_header(header: list[str]) -> None:
    unknown = [h for h in header if h and h not in COLUMNS and not OTHER_NAME_COLUMN.match(h)]
    if unknown:
        raise InvalidInput(f"unknown columns {unknown}",
                           hint=f"the columns are: {', '.join(COLUMNS)}")
    missing = [c for c in ("number", "scheme", "issuer", "holder_name", "holder_economy",
                           "product_name", "models", "standards", "issued_on") if c not in header]
    if missing:
        raise InvalidInput(f"missing columns {missing}", hint="see the column mapping")


def to_request(row: dict[str, Any]) -> IssueRequest:
    """A flat row (or an API-shaped object) as an issue request."""
    if isinstance(row.get("holder"), dict):
        return IssueRequest.model_validate(row)
    v = {k: ("" if val is None else str(val).strip()) for k, val in row.items()}
    if len(v.get("issued_on", "")) > 10:  # XLSX dates arrive as datetimes
        v["issued_on"] = v["issued_on"][:10]
    if len(v.get("valid_until", "")) > 10:
        v["valid_until"] = v["valid_until"][:10]

    def split(key: str) -> list[str]:
        return [s.strip() for s in v.get(key, "").split(";") if s.strip()]

    names: dict[str, dict[str, str]] = {"holder": {}, "manufacturer": {}, "product": {}}
    for key, value in v.items():
        match = OTHER_NAME_COLUMN.match(key)
        if match and value and key not in COLUMNS:  # (holder_name_zh is name_zh)
            names[match[1]][match[2]] = value

    request: dict[str, Any] = {
        "number": v.get("number", ""), "scheme": v.get("scheme", ""),
        "issuer": v.get("issuer", ""),
        "holder": {"name": v.get("holder_name", ""), "name_zh": v.get("holder_name_zh", ""),
                   "economy": v.get("holder_economy", ""),
                   "address": v.get("holder_address", ""), "names": names["holder"]},
        "products": [{"name": v.get("product_name", ""),
                      "name_zh": v.get("product_name_zh", ""), "models": split("models"),
                      "trademark": v.get("trademark", ""), "ratings": v.get("ratings", ""),
                      "hs_code": v.get("hs_code", ""), "gtin": v.get("gtin", ""),
                      "names": names["product"]}],
        "standards": split("standards"), "category": v.get("category", ""),
        "conditions": v.get("conditions", ""), "issued_on": v.get("issued_on", ""),
    }
    for key, name in (("kind", "kind"), ("testing_route", "testing_route"),
                      ("valid_until", "valid_until")):
        if v.get(key):
            request[name] = v[key]
    if v.get("manufacturer_name"):
        request["manufacturer"] = {"name": v["manufacturer_name"],
                                   "economy": v.get("manufacturer_economy", ""),
                                   "names": names["manufacturer"]}
    if v.get("factory_name"):
        request["factories"] = [{"name": v["factory_name"],
                                 "address": v.get("factory_address", ""),
                                 "economy": v.get("factory_economy", "")}]
    if v.get("test_report_number"):
        request["test_reports"] = [{"number": v["test_report_number"],
                                    "lab_id": v.get("test_lab", "")}]
    return IssueRequest.model_validate(request)


def _validation_errors(row_no: int, exc: ValidationError) -> list[RowError]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if not isinstance(p, int)]
        name = "_".join(loc) if loc else "row"
        name = {"holder_name": "holder_name", "holder_economy": "holder_economy",
                "products_models": "models", "products_name": "product_name",
                "products_hs_code": "hs_code", "products_gtin": "gtin",
                "test_reports_lab_id": "test_lab",
                "test_reports_number": "test_report_number"}.get(name, name)
        name = name.replace("products_names_", "product_name_").replace("_names_", "_name_")
        out.append(RowError(row_no, name, err["msg"].removeprefix("Value error, "),
                            err["type"]))
    return out


def _field_of(exc: CertpassError) -> str:
    details = exc.details if isinstance(exc.details, dict) else {}
    kind = details.get("kind")
    return {"economy": "holder_economy", "scheme": "scheme", "body": "issuer",
            "product category": "category"}.get(kind or "", "standards" if "standard" in
                                                exc.message else "row")


@contextmanager
def bulk_mode() -> Iterator[None]:
    """Fewer garbage collections while a batch builds tens of thousands of short-lived
    objects: the collector would otherwise rescan every long-lived object (registry rows,
    the app) many times per batch. Measured +25-30% issuance rate (bench/bench_issue.py)."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(100_000, 50, 50)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def import_rows(
    db: Database, settings: Settings, rows: list[dict[str, Any]], actor: Actor,
    progress: Callable[[int], None] | None = None, *, passports: CredentialIssuer,
) -> ImportReport:
    """Issue every good row; report every bad one (row numbers count the header as row 1).
    `passports` signs each issue's credential (certpass.credentials.service)."""
    report = ImportReport(total=len(rows))
    with bulk_mode():
        _import_batches(db, settings, rows, actor, report, progress, passports)
    report.errors.sort(key=lambda e: e.row)  # in file order, whichever step found them
    return report


def _import_batches(db: Database, settings: Settings, rows: list[dict[str, Any]], actor: Actor,
                    report: ImportReport, progress: Callable[[int], None] | None,
                    passports: CredentialIssuer) -> None:
    for start in range(0, len(rows), BATCH):
        requests: list[tuple[int, IssueRequest]] = []
        for offset, row in enumerate(rows[start:start + BATCH]):
            try:
                requests.append((start + offset + 2, to_request(row)))
            except ValidationError as exc:
                report.errors.extend(_validation_errors(start + offset + 2, exc))
        with db.write() as session:
            ctx = IssuingContext(session, settings, passports)
            ctx.check_numbers((r.issuer, r.number) for _, r in requests)
            for row_no, request in requests:
                try:
                    with session.begin_nested():
                        service.issue(ctx, request, actor)
                    report.imported += 1
                    report.numbers.append(request.number)
                except DuplicateCertificate as exc:
                    if _same_as_registered(session, request):
                        report.already_present += 1
                    else:
                        report.errors.append(RowError(row_no, "number", exc.message,
                                                      exc.code))
                except CertpassError as exc:
                    report.errors.append(RowError(row_no, _field_of(exc), exc.message,
                                                  exc.code))
        if progress:
            progress(min(start + BATCH, len(rows)))


def _same_as_registered(session: Any, request: IssueRequest) -> bool:
    existing = service.get(session, request.number, issuer=request.issuer)
    first = existing.issues[0]
    return (existing.scheme_code == request.scheme
            and first.issued_on == request.issued_on
            and first.products == [p.row() for p in request.products]
            and first.standards == list(request.standards))


def import_file(db: Database, settings: Settings, path: Path, actor: Actor,
                progress: Callable[[int], None] | None = None, *,
                passports: CredentialIssuer) -> ImportReport:
    size = path.stat().st_size
    if size > settings.max_upload_bytes:
        raise TooLarge(f"{path.name} is {size} bytes; at most {settings.max_upload_bytes} "
                       "are accepted", hint="split the file")
    rows = read_rows(path.read_bytes(), path.suffix.lower().lstrip("."), settings.max_import_rows)
    return import_rows(db, settings, rows, actor, progress, passports=passports)
