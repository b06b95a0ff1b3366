"""Input models of the recognition capability, shared by the API and the registry workplace's
forms (certpass.web.pages.forms draws a form from a model)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class EstimateIn(BaseModel):
    """The planner's cost and lead-time figures for one scheme or one condition code."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["scheme", "condition"]
    code: str = Field(min_length=1, max_length=64)
    figures: dict[str, Any]
    source: str = Field(min_length=1, max_length=2000)
    currency: str = Field(default="USD", min_length=3, max_length=3)
    illustrative: bool = False
    reason: str = Field(default="", max_length=2000)
