"""Input shapes of the registry (pydantic): field names equal the model columns."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

BodyRole = Literal[
    "accreditation-body", "certification-body", "testing-lab", "regulator", "scheme-owner"
]
_ID = r"^[a-z0-9][a-z0-9\-]*$"

# A BCP 47 tag of the common shapes: language, optional script, optional region
# (ru, ar, kk-Cyrl, sr-Latn, pt-BR, es-419).
LANGUAGE_TAG = r"[a-z]{2,3}(?:-[A-Z][a-z]{3})?(?:-(?:[A-Z]{2}|[0-9]{3}))?"
LanguageTag = Annotated[str, StringConstraints(pattern=rf"^{LANGUAGE_TAG}$")]
MAX_OTHER_NAMES = 12


# The two names every record has in its own fields (Traditional Chinese, zh-Hant, may be
# another name: Hong Kong and Macao bodies write it).
_OWN_FIELDS = {"en": "name", "zh": "name_zh", "zh-Hans": "name_zh"}


def check_other_names(names: dict[str, str]) -> dict[str, str]:
    """Names in languages beside English (``name``) and Simplified Chinese (``name_zh``)."""
    if len(names) > MAX_OTHER_NAMES:
        raise ValueError(f"at most {MAX_OTHER_NAMES} other names")
    for tag in names:
        if tag in _OWN_FIELDS:
            raise ValueError(f"the {tag!r} name goes in its own field ({_OWN_FIELDS[tag]}"
                             " or name_en), not in names")
    return names


OtherNames = Annotated[
    dict[LanguageTag, Annotated[str, StringConstraints(min_length=1, max_length=300,
                                                       strip_whitespace=True)]],
    AfterValidator(check_other_names),
]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class EconomyIn(_In):
    code: str = Field(pattern=r"^[A-Z]{2,5}$")
    name_en: str = Field(min_length=1, max_length=120)
    name_zh: str = Field(min_length=1, max_length=120)
    is_bloc: bool = False
    members: list[str] = Field(default_factory=list)


class BodyIn(_In):
    id: str = Field(min_length=2, max_length=64, pattern=_ID)
    name_en: str = Field(min_length=1, max_length=300)
    name_zh: str = Field(default="", max_length=300)
    names: OtherNames = Field(default_factory=dict,
                              description="its name in other languages, by BCP 47 tag")
    short_name: str = Field(default="", max_length=60)
    roles: list[BodyRole] = Field(min_length=1)
    economy_code: str = Field(min_length=2, max_length=8)
    website: str = Field(default="", max_length=300)
    signatories: list[str] = Field(default_factory=list)
    source: str = ""


class SchemeIn(_In):
    code: str = Field(min_length=2, max_length=32, pattern=r"^[A-Za-z0-9][A-Za-z0-9\-]*$")
    name_en: str = Field(min_length=1, max_length=200)
    name_zh: str = Field(default="", max_length=200)
    owner_id: str | None = None
    home_markets: list[str] = Field(default_factory=list)
    kinds: list[str] = Field(default_factory=list)
    validity_years: int | None = Field(default=None, ge=1, le=50)
    status_words: dict[str, str] = Field(default_factory=dict)
    regulation: str = ""
    website: str = ""
    source: str = ""


class StandardIn(_In):
    ref: str = Field(min_length=3, max_length=80)
    designation: str = Field(min_length=2, max_length=60)
    edition: str = Field(min_length=1, max_length=20)
    amendments: list[str] = Field(default_factory=list)
    title_en: str = ""
    title_zh: str = ""
    publisher: str = ""
    adopts_ref: str | None = None
    national_differences: list[str] = Field(default_factory=list)
    replaced_by_ref: str | None = None
    replaced_from: dt.date | None = None
    source: str = ""


class CategoryIn(_In):
    code: str = Field(min_length=2, max_length=40)
    system: Literal["HS", "IECEE", "CCC", "IECEx", "NZ"]
    name_en: str = Field(min_length=1, max_length=300)
    name_zh: str = ""
    hs_codes: list[str] = Field(default_factory=list)
    standards: list[str] = Field(default_factory=list)


class AccreditationIn(_In):
    number: str = Field(min_length=2, max_length=80)
    accreditor_id: str
    body_id: str
    standard: Literal["ISO/IEC 17065", "ISO/IEC 17025", "ISO/IEC 17020", "ISO/IEC 17021-1"]
    scope: dict[str, list[str]]
    valid_from: dt.date
    valid_until: dt.date
    status: Literal["active", "suspended", "withdrawn"] = "active"
    backdate_reason: str = Field(
        default="", max_length=2000,
        description="why valid_from lies further back than the back-dating window (e.g. a "
                    "register migration); required then, and written to the log entry")

    @model_validator(mode="after")
    def _check(self) -> AccreditationIn:
        if self.valid_until <= self.valid_from:
            raise ValueError("valid_until must be after valid_from")
        unknown = set(self.scope) - {"schemes", "categories", "standards"}
        if unknown:
            raise ValueError(f"unknown scope keys {sorted(unknown)}; use schemes, categories, "
                             "standards")
        if not self.scope.get("schemes"):
            raise ValueError("scope.schemes must name at least one scheme")
        return self


class ListingIn(_In):
    scheme_code: str
    body_id: str
    role: Literal["NCB", "CBTL", "ExCB", "ExTL", "designated-body", "designated-lab",
                  "notified-body", "member-body"]
    standards: list[str] = Field(default_factory=list)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    source: str = ""
