"""Webhook subscriptions and the deliveries queued for them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from certpass.store.base import Base, UTCDateTime, utcnow


class Subscription(Base):
    __tablename__ = "alert_subscriptions"
    __table_args__ = (Index("ix_alert_subscriptions_target", "target_kind", "target"),)

    id: Mapped[str] = mapped_column(String(24), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    # certificate (a number), holder (a holder name, exact) or body (an issuing body id).
    target_kind: Mapped[str] = mapped_column(String(16))
    target: Mapped[str] = mapped_column(String(200))
    # A certificate watch: the issuer whose number it is (numbers are unique per issuer);
    # "" matches the number of any issuer (watches made before, numbers not yet issued).
    target_issuer: Mapped[str] = mapped_column(String(64), default="", server_default="")
    url: Mapped[str] = mapped_column(String(2000))
    # The HMAC key: shown once at creation, kept (sealed, "sealed:...") because every
    # delivery is signed with it. One without the prefix predates sealing (alerts_0002).
    secret: Mapped[str] = mapped_column(String(200))
    # active or paused (after too many consecutive failures, or by its owner).
    state: Mapped[str] = mapped_column(String(8), default="active")
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    paused_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Delivery(Base):
    __tablename__ = "alert_deliveries"
    __table_args__ = (Index("ix_alert_deliveries_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    subscription_id: Mapped[str] = mapped_column(ForeignKey("alert_subscriptions.id"),
                                                 index=True)
    certificate_number: Mapped[str] = mapped_column(String(80))
    event_type: Mapped[str] = mapped_column(String(40))
    log_index: Mapped[int] = mapped_column(Integer)
    payload: Mapped[str] = mapped_column(Text)
    # pending or delivered.
    state: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
