"""The demo arrangements as a snapshot, and certificate builders for the scenarios."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from functools import cache
from pathlib import Path

from certpass.recognition.engine import CertificateFacts, StandardApplied
from certpass.recognition.registry_snapshot import RegistrySnapshot
from certpass.recognition.rules import load_arrangements
from certpass.recognition.snapshot import build_snapshot

DEMO = Path(__file__).resolve().parents[2] / "certpass" / "demo" / "data"
ON = dt.date(2025, 6, 1)


@cache
def demo_document() -> dict:
    return json.loads((DEMO / "arrangements.json").read_text(encoding="utf-8"))


def _items(name: str, folder: Path = DEMO) -> list[dict]:
    return json.loads((folder / name).read_text(encoding="utf-8"))["items"]


@cache
def demo_snapshot() -> RegistrySnapshot:
    """Built the way the service builds it from the database: arrangements from
    arrangements.json, everything else from the registry's demo files."""
    return build_snapshot(
        arrangements=load_arrangements(demo_document()["arrangements"]),
        economies=_items("economies.json", DEMO.parent.parent / "registry" / "data"),
        bodies=_items("bodies.json"),
        standards=_items("standards.json"),
        listings=_items("listings.json"),
        schemes=_items("schemes.json"),
    )


def std(designation: str, edition: str) -> StandardApplied:
    return StandardApplied(designation, edition)


KETTLE_STANDARDS = (std("IEC 60335-1", "2010"), std("IEC 60335-2-15", "2016"))

CB_KETTLE = CertificateFacts(
    number="DE-TUV-123456",
    scheme="IECEE-CB",
    kind="cb-test-certificate",
    issuer="tuv-sud",
    issuer_economy="DE",
    status="valid",
    issued_on=dt.date(2024, 1, 10),
    standards=KETTLE_STANDARDS,
    hs_code="8516.79",
    category="HOUS",
    testing_route="third-party",
    labs=("tuv-sud",),
    test_report_attached=True,
    origin="CN",
    holder="Acme Kettles Ltd",
)

CCC_KETTLE = CertificateFacts(
    number="2024010707000001",
    scheme="CCC",
    kind="product-certificate",
    issuer="cqc",
    issuer_economy="CN",
    status="valid",
    status_word="有效",
    issued_on=dt.date(2024, 3, 1),
    valid_until=dt.date(2029, 2, 28),
    standards=(std("GB 4706.1", "2005"), std("GB 4706.19", "2008")),
    hs_code="8516.79",
    category="HOUS",
    origin="CN",
    holder="Acme Kettles Ltd",
)

IECEX_MOTOR = CertificateFacts(
    number="IECEx PTB 21.0001",
    scheme="IECEx",
    kind="iecex-coc",
    issuer="ptb",
    issuer_economy="DE",
    status="valid",
    status_word="Current",
    issued_on=dt.date(2024, 5, 2),
    standards=(std("IEC 60079-0", "2017"), std("IEC 60079-1", "2014")),
    hs_code="8501.52",
    category="EX",
    labs=("ptb",),
    test_report_attached=True,
    origin="DE",
    holder="Ex Motors GmbH",
)

ATEX_MOTOR = dataclasses.replace(
    IECEX_MOTOR, number="PTB 21 ATEX 1001", scheme="ATEX", kind="product-certificate"
)

GBA_TABLEWARE = CertificateFacts(
    number="GBA-2024-0001",
    scheme="GBA",
    kind="product-certificate",
    issuer="cqc",
    issuer_economy="CN",
    status="valid",
    issued_on=dt.date(2024, 2, 1),
    valid_until=dt.date(2027, 1, 31),
    hs_code="6911.10",
    origin="CN",
)

NZ_HEATER = CertificateFacts(
    number="NZ-EEE-0042",
    scheme="NZ-EEE",
    kind="product-certificate",
    issuer="nz-eee-cab",
    issuer_economy="NZ",
    status="valid",
    issued_on=dt.date(2024, 4, 1),
    hs_code="8516.29",
    origin="NZ",
)

HK_TEST_REPORT = CertificateFacts(
    number="HKSTC-TR-2024-77",
    scheme="CCC",
    kind="test-report",
    issuer="hkstc",
    issuer_economy="HK",
    status="valid",
    issued_on=dt.date(2024, 6, 1),
    hs_code="8516.71",
    origin="HK",
)

TH_TEST_REPORT = CertificateFacts(
    number="TH-DEMO-0007",
    scheme="TH-EEE",
    kind="test-report",
    issuer="th-demo-cb",
    issuer_economy="TH",
    status="valid",
    issued_on=dt.date(2022, 1, 1),
    hs_code="8516.71",
    origin="TH",
)


def but(cert: CertificateFacts, **changes) -> CertificateFacts:
    return dataclasses.replace(cert, **changes)
