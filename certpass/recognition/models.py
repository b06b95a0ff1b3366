"""Arrangements as stored data: the rules live in a JSON document read by rules.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from certpass.store.base import Base, UTCDateTime, utcnow


class ArrangementRecord(Base):
    __tablename__ = "arrangements"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    title_en: Mapped[str] = mapped_column(String(300))
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    project_id: Mapped[str | None] = mapped_column(
        ForeignKey("cooperation_projects.id"), nullable=True, index=True
    )
    # The whole arrangement as certpass.recognition.rules.Arrangement.to_dict().
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    version: Mapped[int] = mapped_column(Integer, default=1)
    source: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="")


class ArrangementVersion(Base):
    """Every recorded version of an arrangement, oldest first; the current one is repeated
    in ``arrangements`` so decisions read one row, while history stays queryable."""

    __tablename__ = "arrangement_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    arrangement_id: Mapped[str] = mapped_column(ForeignKey("arrangements.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    # recorded, amended, suspended, terminated, in-force (a status change).
    change: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    rules: Mapped[dict[str, Any]] = mapped_column(JSON)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    changed_by: Mapped[str] = mapped_column(String(120), default="")
    log_index: Mapped[int | None] = mapped_column(Integer, nullable=True)

    __table_args__ = (UniqueConstraint("arrangement_id", "version"),)


class PlanningEstimate(Base):
    """A cost and lead-time estimate the planner uses: for one scheme (what obtaining its
    certificate costs and takes) or one condition code (what meeting it costs and takes).
    Recorded by an administrator with its source; every change is logged."""

    __tablename__ = "planning_estimates"

    kind: Mapped[str] = mapped_column(String(16), primary_key=True)  # scheme, condition
    code: Mapped[str] = mapped_column(String(64), primary_key=True)  # CCC, sample-required
    # planner.SchemeCosts or planner.ConditionCost fields, without the code.
    figures: Mapped[dict[str, Any]] = mapped_column(JSON)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    source: Mapped[str] = mapped_column(Text, default="")
    illustrative: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(120), default="")
