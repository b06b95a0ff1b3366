"""Input and output shapes of certificates (pydantic), shared by the API, CLI and importer."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from certpass.certificates import gtin
from certpass.registry.schemas import OtherNames

Kind = Literal[
    "product-certificate", "cb-test-certificate", "iecex-coc", "test-report", "inspection-report"
]
TestingRoute = Literal["third-party", "TMP", "WMT", "SMT"]
Status = Literal["valid", "suspended", "withdrawn", "cancelled", "expired", "superseded"]


def check_number(number: str) -> str:
    """A certificate number may hold slashes (``CN/NEP/ExTR24.0031/00``) but no empty, ``.``
    or ``..`` segment: in a URL those would name another page (RFC 3986 dot segments)."""
    if any(segment in ("", ".", "..") for segment in number.split("/")):
        raise ValueError("a certificate number may not have an empty, '.' or '..' part "
                         "between slashes, nor start or end with a slash")
    return number


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


_NAMES: Any = Field(default_factory=dict, description=(
    "the name in other languages and scripts, by BCP 47 tag, e.g. "
    '{"ru": "ОАО «Минский завод»", "ar": "شركة ..."}; pages show the reader\'s beside `name`'))


class _Named(_Strict):
    """A party or product, with its `names` in other languages (declared last in each)."""

    def row(self) -> dict[str, Any]:
        """As an issue stores it: no `names` key when there are none (nor `gtin`, below)."""
        empty: set[str] = {k for k in ("names", "gtin") if k in type(self).model_fields
                           and not getattr(self, k)}
        return self.model_dump(exclude=empty or None)


class Party(_Named):
    name: str = Field(min_length=1, max_length=300)
    name_zh: str = Field(default="", max_length=300)
    economy: str = Field(min_length=2, max_length=8, description="ISO 3166-1 alpha-2 code")
    address: str = Field(default="", max_length=500)
    names: OtherNames = _NAMES


class Product(_Named):
    name: str = Field(min_length=1, max_length=300)
    name_zh: str = Field(default="", max_length=300)
    models: list[str] = Field(min_length=1, max_length=200)
    trademark: str = Field(default="", max_length=120)
    ratings: str = Field(default="", max_length=300)
    hs_code: str = Field(default="", max_length=16, pattern=r"^(\d{4}(\.\d{2}){0,3})?$")
    gtin: str = Field(default="", max_length=14,
                      description="GS1 GTIN (8, 12, 13 or 14 digits); kept as GTIN-14")
    names: OtherNames = _NAMES

    @field_validator("gtin")
    @classmethod
    def _gtin(cls, value: str) -> str:
        if value and not gtin.is_valid(value):
            raise ValueError("not a GTIN: 8, 12, 13 or 14 digits, the last a GS1 check digit")
        return value.rjust(14, "0") if value else ""


class Factory(_Strict):
    name: str = Field(min_length=1, max_length=300)
    address: str = Field(default="", max_length=500)
    economy: str = Field(min_length=2, max_length=8)


class TestReport(_Strict):
    number: str = Field(min_length=1, max_length=80)
    lab_id: str = Field(min_length=1, max_length=64)
    form: str = Field(default="", max_length=80, description="e.g. IECEE harmonised TRF")


class IssueRequest(_Strict):
    """Everything needed to issue a certificate (issue 0 or 1, as the scheme numbers them)."""

    number: str = Field(min_length=3, max_length=80, pattern=r"^[A-Za-z0-9][A-Za-z0-9./_\- ]*$")
    scheme: str = Field(min_length=1, max_length=32)
    issuer: str = Field(min_length=1, max_length=64, description="issuing body id")
    kind: Kind = "product-certificate"
    holder: Party
    manufacturer: Party | None = None
    products: list[Product] = Field(min_length=1, max_length=100)
    factories: list[Factory] = Field(default_factory=list, max_length=50)
    standards: list[str] = Field(min_length=1, max_length=50, description='e.g. "IEC 60335-1:2020"')
    category: str = Field(default="", max_length=40, description="IECEE/CCC category code")
    test_reports: list[TestReport] = Field(default_factory=list, max_length=50)
    testing_route: TestingRoute = "third-party"
    conditions: str = Field(default="", max_length=2000)
    issued_on: dt.date
    valid_until: dt.date | None = None
    backdate_reason: str = Field(
        default="", max_length=2000,
        description="why an issue date beyond the back-dating window is recorded (operator "
                    "only); written to the log entry")

    @field_validator("number")
    @classmethod
    def _no_dot_segments(cls, v: str) -> str:
        return check_number(v)

    @model_validator(mode="after")
    def _dates_in_order(self) -> IssueRequest:
        if self.valid_until is not None and self.valid_until <= self.issued_on:
            raise ValueError(
                f"valid_until ({self.valid_until}) must be after issued_on ({self.issued_on})"
            )
        return self

    @field_validator("standards")
    @classmethod
    def _unique_standards(cls, v: list[str]) -> list[str]:
        if len(set(v)) != len(v):
            raise ValueError("a standard is listed twice")
        return v


class AmendRequest(_Strict):
    """A change of names, trademark, models or standard edition: makes a new issue."""

    issued_on: dt.date
    reason: str = Field(min_length=1, max_length=2000)
    holder: Party | None = None
    manufacturer: Party | None = None
    products: list[Product] | None = Field(default=None, min_length=1, max_length=100)
    factories: list[Factory] | None = Field(default=None, max_length=50)
    standards: list[str] | None = Field(default=None, min_length=1, max_length=50)
    test_reports: list[TestReport] | None = Field(default=None, max_length=50)
    testing_route: TestingRoute | None = None
    conditions: str | None = Field(default=None, max_length=2000)
    valid_until: dt.date | None = None
    backdate_reason: str = Field(default="", max_length=2000,
                                 description="as for an issue (operator only)")


class TransitionRequest(_Strict):
    reason: str = Field(min_length=1, max_length=2000)
    effective_on: dt.date | None = None


class BodyRef(BaseModel):
    id: str
    name_en: str
    name_zh: str


class ProductSummary(BaseModel):
    name: str
    name_zh: str = ""
    models: list[str]
    hs_code: str = ""
    names: dict[str, str] = Field(default_factory=dict)


class CertificateSummary(BaseModel):
    number: str
    scheme: str
    kind: str
    issuer: BodyRef
    holder: dict[str, Any]
    status: Status
    status_word: str
    issue: int
    first_issued_on: dt.date
    issued_on: dt.date
    valid_until: dt.date | None
    products: list[ProductSummary]
    standards: list[str]
    category: str


class IssueView(BaseModel):
    issue: int
    issued_on: dt.date
    valid_until: dt.date | None
    status: Literal["current", "superseded"]
    status_word: str
    superseded_at: dt.datetime | None
    change_note: str
    holder: dict[str, Any]
    products: list[dict[str, object]]
    standards: list[str]


class HistoryEvent(BaseModel):
    action: str
    issue: int
    from_: str = Field(alias="from")
    to: str
    status_word: str
    at: dt.datetime
    effective_on: dt.date
    actor: str
    reason: str
    log_index: int | None

    model_config = ConfigDict(populate_by_name=True)


class CertificateDetail(CertificateSummary):
    products: list[dict[str, object]]  # type: ignore[assignment]
    manufacturer: dict[str, Any]
    factories: list[dict[str, str]]
    test_reports: list[dict[str, str]]
    testing_route: str
    conditions: str
    issues: list[IssueView]
    history: list[HistoryEvent]


class CertificatePage(BaseModel):
    items: list[CertificateSummary]
    total: int
    # False: counting stopped (search.COUNT_CAP past the page); there are at least `total`
    total_exact: bool = True
    limit: int
    offset: int
