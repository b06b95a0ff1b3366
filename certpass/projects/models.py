"""Cooperation projects: the "small and beautiful" mutual-recognition projects."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from certpass.store.base import Base


class CooperationProject(Base):
    __tablename__ = "cooperation_projects"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title_en: Mapped[str] = mapped_column(String(300))
    title_zh: Mapped[str] = mapped_column(String(300))
    # electrical-appliances, machinery, explosion-proof.
    field: Mapped[str] = mapped_column(String(40), index=True)
    # [{"body_id" | "economy", "role"}]
    partners: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # multilateral-scheme-acceptance, bilateral-mra, unilateral-acceptance, one-test-several-
    # certificates, joint-scheme, designated-overseas-labs, training, information-exchange.
    mechanisms: Mapped[list[str]] = mapped_column(JSON, default=list)
    schemes: Mapped[list[str]] = mapped_column(JSON, default=list)
    economies: Mapped[list[str]] = mapped_column(JSON, default=list)
    started_on: Mapped[dt.date] = mapped_column(Date)
    ended_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # planned, active, completed, suspended.
    status: Mapped[str] = mapped_column(String(16), default="active")
    summary_en: Mapped[str] = mapped_column(Text, default="")
    summary_zh: Mapped[str] = mapped_column(Text, default="")
    # Outcome figures where published: {"days_saved_per_certificate", "cost_saved_pct", ...}
    outcomes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    sources: Mapped[list[str]] = mapped_column(JSON, default=list)
    illustrative: Mapped[bool] = mapped_column(default=True)
