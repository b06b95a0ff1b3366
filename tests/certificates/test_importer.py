"""Bulk import: CSV, XLSX and JSON; each row all-or-nothing; errors per row and field."""

from __future__ import annotations

import csv
import io
import json

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from certpass.accounts.actor import OPERATOR
from certpass.certificates import importer
from certpass.certificates.models import Certificate, CertificateIssue, StatusEvent
from certpass.credentials import service as credentials
from certpass.credentials.models import IssuedCredential, StatusSlot
from certpass.errors import InvalidInput, TooLarge
from certpass.ledger.models import LogEntry
from certpass.web.downloads import excel_csv
from tests.registry_fixture import SETTINGS, seed

GOOD = {
    "number": "", "scheme": "CCC", "issuer": "cqc", "holder_name": "Example Co.",
    "holder_economy": "CN", "product_name": "Kettle", "models": "K1; K2", "hs_code": "8516.79",
    "standards": "GB 4706.1-2005", "category": "HOUS", "issued_on": "2024-03-01",
    "factory_name": "Factory 1", "factory_economy": "CN",
}


def rows_with_one_bad(n: int = 5, bad: dict | None = None) -> list[dict]:
    rows = [{**GOOD, "number": f"IMP-{i:03d}"} for i in range(n)]
    rows[2].update(bad or {"standards": "IEC 60079-0:2017"})
    return rows


def to_csv(rows: list[dict]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode()


def to_xlsx(rows: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(rows[0]))
    for r in rows:
        ws.append(list(r.values()))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def stored(db) -> tuple[int, ...]:
    with db.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(m))
                     for m in (Certificate, CertificateIssue, StatusEvent))


@pytest.fixture
def seeded(db):
    seed(db)
    return db


@pytest.mark.parametrize("fmt, encode", [("csv", to_csv), ("xlsx", to_xlsx),
                                         ("json", lambda r: json.dumps(r).encode())])
def test_bad_row_is_reported_and_good_rows_land(seeded, fmt, encode):
    rows = importer.read_rows(encode(rows_with_one_bad()), fmt, 100)
    report = importer.import_rows(seeded, SETTINGS, rows, OPERATOR, passports=credentials)
    assert report.imported == 4
    assert [(e.row, e.field) for e in report.errors] == [(4, "standards")]
    assert "IEC 60079-0:2017" in report.errors[0].reason
    assert stored(seeded) == (4, 4, 4)
    with seeded.read() as s:
        assert s.scalar(select(func.count()).select_from(LogEntry)) >= 4
        assert s.scalar(select(Certificate.id).where(Certificate.number == "IMP-002")) is None


def test_a_row_failing_after_its_rows_were_buffered_leaves_none_of_them(seeded, monkeypatch):
    """Fault injection: the credential step fails for one row once its certificate, issue,
    slots and credential rows are buffered; its savepoint takes them all back."""
    sign = credentials.on_issue

    def failing(ctx, certificate, issue):  # type: ignore[no-untyped-def]
        documents = sign(ctx, certificate, issue)
        if certificate["number"] == "IMP-001":
            raise InvalidInput("injected failure")
        return documents

    monkeypatch.setattr(credentials, "on_issue", failing)
    report = importer.import_rows(seeded, SETTINGS, rows_with_one_bad(), OPERATOR,
                                  passports=credentials)
    assert report.imported == 3 and [e.row for e in report.errors] == [3, 4]
    assert stored(seeded) == (3, 3, 3)
    with seeded.read() as s:
        assert s.scalar(select(func.count()).select_from(StatusSlot)) == 6
        assert s.scalar(select(func.count()).select_from(IssuedCredential)) == 3
        assert s.scalar(select(func.count()).select_from(LogEntry).where(
            LogEntry.event_type == "certificate.issued")) == 3


@pytest.mark.parametrize("bad, field", [
    ({"holder_economy": "ZZ"}, "holder_economy"),
    ({"issued_on": "2024-13-01"}, "issued_on"),
    ({"models": ""}, "models"),
    ({"scheme": "NOPE"}, "scheme"),
    ({"hs_code": "85x6"}, "hs_code"),
    ({"gtin": "4006381333932"}, "gtin"),  # GS1 check digit wrong
    ({"testing_route": "magic"}, "testing_route"),
])
def test_field_errors_name_the_field(seeded, bad, field):
    report = importer.import_rows(seeded, SETTINGS, rows_with_one_bad(3, bad), OPERATOR,
                                  passports=credentials)
    assert report.imported == 2
    assert [(e.row, e.field) for e in report.errors] == [(4, field)]


def test_rerun_is_idempotent_and_conflicting_duplicate_is_an_error(seeded):
    rows = rows_with_one_bad()
    importer.import_rows(seeded, SETTINGS, rows, OPERATOR, passports=credentials)
    again = importer.import_rows(seeded, SETTINGS, rows, OPERATOR, passports=credentials)
    assert (again.imported, again.already_present, len(again.errors)) == (0, 4, 1)
    changed = [{**rows[0], "models": "OTHER"}]
    report = importer.import_rows(seeded, SETTINGS, changed, OPERATOR, passports=credentials)
    assert report.errors[0].field == "number" and "already exists" in report.errors[0].reason
    assert stored(seeded) == (4, 4, 4)


@pytest.mark.parametrize("data, fmt, words", [
    (b"number,colour\n1,red\n", "csv", "unknown columns"),
    (b"number,scheme\n1,CCC\n", "csv", "missing columns"),
    (b"{not json", "json", "cannot read"),
    (b'{"a": 1}', "json", "a list of certificate objects"),
    (b"PK\x03\x04garbage", "xlsx", "cannot read"),
    (b"x", "pdf", "unsupported format"),
])
def test_broken_files(data, fmt, words):
    with pytest.raises(InvalidInput) as caught:
        importer.read_rows(data, fmt, 100)
    assert words in caught.value.message


def test_row_limit():
    with pytest.raises(TooLarge):
        importer.read_rows(to_csv([{**GOOD, "number": f"N{i}"} for i in range(11)]), "csv", 10)


def test_csv_from_excel_on_chinese_windows_is_read_as_gbk():
    rows = [{**GOOD, "number": "GBK-1", "holder_name": "Foshan Shengshi Electric",
             "product_name": "Kettle"}]
    rows[0]["holder_name_zh"] = "佛山盛世电器有限公司"
    data = to_csv(rows).decode().encode("gbk")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    [row] = importer.read_rows(data, "csv", 10)
    assert row["holder_name_zh"] == "佛山盛世电器有限公司"


def test_semicolon_separated_csv():
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(GOOD), delimiter=";")
    writer.writeheader()
    writer.writerow({**GOOD, "number": "SEMI-1"})
    [row] = importer.read_rows(buf.getvalue().encode("utf-8-sig"), "csv", 10)
    assert row["number"] == "SEMI-1" and row["models"] == "K1; K2"


def test_a_row_with_more_cells_than_the_header_is_refused():
    data = to_csv([{**GOOD, "number": "X-1"}]).rstrip() + b",extra\r\n"
    with pytest.raises(InvalidInput) as caught:
        importer.read_rows(data, "csv", 10)
    assert "more cells than the header" in caught.value.message


def test_a_huge_cell_is_refused_while_reading():
    data = to_csv([{**GOOD, "number": "BIG", "conditions": "x" * (importer.MAX_CELL + 1)}])
    with pytest.raises(TooLarge) as caught:
        importer.read_rows(data, "csv", 10)
    assert "row 2, column conditions" in caught.value.message


def test_an_xlsx_that_inflates_far_beyond_its_size_is_refused():
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * 60_000_000 + b">")
    data = buf.getvalue()
    assert len(data) < 200_000
    with pytest.raises(TooLarge) as caught:
        importer.read_rows(data, "xlsx", 10)
    assert "unpacks to" in caught.value.message


def test_the_template_is_a_valid_import_file():
    rows = importer.read_rows(excel_csv(importer.template_rows()), "csv", 10)
    assert [list(r) for r in rows] == [list(importer.COLUMNS)]
    request = importer.to_request(rows[0])
    assert request.holder.name_zh == "佛山盛世电器有限公司"


def test_errors_come_in_file_order_and_as_a_file(seeded):
    rows = [{**GOOD, "number": f"ORD-{i}"} for i in range(4)]
    rows[1]["standards"] = "IEC 60079-0:2017"  # out of scope: found while issuing
    rows[3]["holder_economy"] = ""  # invalid: found while validating, before issuing
    report = importer.import_rows(seeded, SETTINGS, rows, OPERATOR,
                                  passports=credentials).as_dict()
    assert [e["row"] for e in report["errors"]] == [3, 5]
    lines = excel_csv(importer.error_rows(report)).decode("utf-8-sig").splitlines()
    assert lines[0] == "row,field,reason,code" and lines[1].startswith("3,") and len(lines) == 3


def test_utf16_from_excel_unicode_text():
    data = to_csv([{**GOOD, "number": "U16-1", "holder_name": "Société Générale 电器"}])
    [row] = importer.read_rows(data.decode().encode("utf-16"), "csv", 10)
    assert row["holder_name"] == "Société Générale 电器"


def test_bilingual_header_names():
    data = to_csv([{**GOOD, "number": "BI-1"}]).decode()
    header, rest = data.split("\r\n", 1)
    header = ",".join(f"{c} / {importer.COLUMN_ZH[c]}" for c in header.split(","))
    [row] = importer.read_rows((header + "\r\n" + rest).encode(), "csv", 10)
    assert row["number"] == "BI-1"
