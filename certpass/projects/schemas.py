"""Input shape of a cooperation project."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Field_ = Literal["electrical-appliances", "machinery", "explosion-proof", "electronics"]


class ProjectIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=2, max_length=64, pattern=r"^[a-z0-9][a-z0-9\-]*$")
    title_en: str = Field(min_length=1, max_length=300)
    title_zh: str = Field(min_length=1, max_length=300)
    field: Field_
    partners: list[dict[str, str]] = Field(default_factory=list)
    mechanisms: list[str] = Field(default_factory=list)
    schemes: list[str] = Field(default_factory=list)
    economies: list[str] = Field(default_factory=list)
    started_on: dt.date
    ended_on: dt.date | None = None
    status: Literal["planned", "active", "completed", "suspended"] = "active"
    summary_en: str = ""
    summary_zh: str = ""
    outcomes: dict[str, Any] = Field(default_factory=dict)
    sources: list[str] = Field(default_factory=list)
    illustrative: bool = True
