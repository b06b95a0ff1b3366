"""GTINs: the GS1 check digit, the GTIN-14 normal form, and the register's GTIN index
following each certificate's current issue."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from certpass.accounts.actor import OPERATOR
from certpass.certificates import gtin, service
from certpass.certificates.schemas import AmendRequest, Product
from certpass.errors import InvalidInput
from tests.registry_fixture import ctx, request, seed

KETTLE = {"name": "Electric kettle", "models": ["EK-17"], "gtin": "4006381333931"}


@pytest.mark.parametrize("code, ok", [
    ("4006381333931", True),  # EAN-13 (GTIN-13)
    ("036000291452", True),  # UPC-A (GTIN-12)
    ("96385074", True),  # EAN-8
    ("10614141000415", True),  # GTIN-14
    ("4006381333932", False),  # check digit off by one
    ("400638133393", False),  # 12 digits whose last is no check digit of the 11 before
    ("40063813339311", False),
    ("abcdefghijklm", False),
    ("٤٠٠٦٣٨١٣٣٣٩٣١", False),  # Arabic-Indic digits: not ASCII
])
def test_check_digit(code, ok):
    assert gtin.is_valid(code) is ok


def test_normal_form_is_gtin_14():
    assert gtin.normalise("4006381333931") == "04006381333931"
    assert gtin.normalise("96385074") == "00000096385074"
    assert gtin.with_check_digit("400638133393") == "4006381333931"
    with pytest.raises(InvalidInput):
        gtin.normalise("4006381333932")


def test_a_product_keeps_its_gtin_as_gtin_14_and_refuses_a_bad_one():
    assert Product.model_validate(KETTLE).gtin == "04006381333931"
    assert "gtin" not in Product.model_validate({**KETTLE, "gtin": ""}).row()
    with pytest.raises(ValidationError, match="check digit"):
        Product.model_validate({**KETTLE, "gtin": "4006381333932"})


@pytest.fixture
def registry_db(db):
    seed(db)
    return db


def test_the_gtin_index_follows_the_current_issue(registry_db):
    with registry_db.write() as s:
        service.issue(ctx(s), request(products=[KETTLE]), OPERATOR)
        service.issue(ctx(s), request("2024010701000002", products=[KETTLE],
                                      scheme="CCC"), OPERATOR)
    with registry_db.read() as s:
        found = [c.number for c in service.by_gtin(s, "4006381333931")]
        assert sorted(found) == ["2024010701000001", "2024010701000002"]
        assert service.by_gtin(s, "04006381333931")[0].number in found
    other = {**KETTLE, "gtin": "96385074"}
    with registry_db.write() as s:
        service.amend(ctx(s), "2024010701000001",
                      AmendRequest(issued_on=dt.date(2024, 6, 1), reason="new GTIN",
                                   products=[Product.model_validate(other)]), OPERATOR)
    with registry_db.read() as s:
        assert [c.number for c in service.by_gtin(s, "4006381333931")] == ["2024010701000002"]
        assert [c.number for c in service.by_gtin(s, "96385074")] == ["2024010701000001"]
        assert service.get(s, "2024010701000001").current.products[0]["gtin"] == \
            "00000096385074"


def test_an_imported_row_with_a_gtin_is_found_by_it(registry_db):
    from certpass.certificates import importer
    from certpass.credentials import service as credentials
    from tests.certificates.test_importer import GOOD
    from tests.registry_fixture import SETTINGS

    rows = [{**GOOD, "number": "IMP-GTIN-1", "gtin": "4006381333931"}]
    report = importer.import_rows(registry_db, SETTINGS, rows, OPERATOR, passports=credentials)
    assert report.imported == 1, report
    with registry_db.read() as s:
        assert [c.number for c in service.by_gtin(s, "4006381333931")] == ["IMP-GTIN-1"]
    again = importer.import_rows(registry_db, SETTINGS, rows, OPERATOR, passports=credentials)
    assert again.already_present == 1  # the same row again: nothing new
