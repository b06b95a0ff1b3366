"""Certificate tables: the certificate, its issues (versions) and its status history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certpass.registry.models import Body, Scheme
from certpass.store.base import Base, UTCDateTime, utcnow


class Certificate(Base):
    """A conformity attestation; its content lives in its issues, the newest being current."""

    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(80))  # unique per issuer (__table_args__)
    scheme_code: Mapped[str] = mapped_column(ForeignKey("schemes.code"), index=True)
    issuer_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    # product-certificate, cb-test-certificate, iecex-coc, test-report, inspection-report.
    kind: Mapped[str] = mapped_column(String(32))
    holder_name: Mapped[str] = mapped_column(String(300), index=True)
    holder_economy: Mapped[str] = mapped_column(ForeignKey("economies.code"))
    current_issue: Mapped[int] = mapped_column(Integer, default=0)
    # Common vocabulary: valid, suspended, withdrawn, cancelled (expired is computed).
    status: Mapped[str] = mapped_column(String(16), default="valid")
    # The scheme's own word for the status (有效, Current...).
    status_word: Mapped[str] = mapped_column(String(32), default="")
    first_issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    category_code: Mapped[str] = mapped_column(String(40), default="", index=True)
    hs_code: Mapped[str] = mapped_column(String(16), default="", index=True)
    created_by: Mapped[str] = mapped_column(String(120), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    scheme: Mapped[Scheme] = relationship(lazy="joined", innerjoin=True)
    issuer: Mapped[Body] = relationship(lazy="joined", innerjoin=True)
    issues: Mapped[list[CertificateIssue]] = relationship(
        back_populates="certificate", order_by="CertificateIssue.issue_no", lazy="selectin"
    )
    # Loaded when read (the detail view), not with every listed certificate.
    events: Mapped[list[StatusEvent]] = relationship(
        back_populates="certificate", order_by="StatusEvent.id", lazy="select"
    )

    # Listing pages: newest first within a status and scheme, and the count of a filter
    # (covering, so counting 100,000 certificates never touches the table).
    __table_args__ = (
        # A body's numbering is its own: no body can take a number another will print.
        UniqueConstraint("issuer_id", "number", name="uq_certificates_issuer_number"),
        Index("ix_certificates_number", "number"),
        Index("ix_certificates_listing", "status", "scheme_code", "first_issued_on", "id"),
        Index("ix_certificates_validity", "status", "scheme_code", "valid_until"),
        Index("ix_certificates_recent", "first_issued_on", "id"),
    )

    @property
    def current(self) -> CertificateIssue:
        return self.issues[-1]


class CertificateIssue(Base):
    """One issue (version) of a certificate; earlier issues stay readable, superseded."""

    __tablename__ = "certificate_issues"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    certificate_id: Mapped[int] = mapped_column(ForeignKey("certificates.id", ondelete="CASCADE"))
    issue_no: Mapped[int] = mapped_column(Integer)
    issued_on: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    holder: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    manufacturer: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # [{"name", "name_zh", "models": [...], "trademark", "ratings", "hs_code"}]
    products: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"name", "address", "economy"}]
    factories: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    standards: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"number", "lab_id", "form"}]
    test_reports: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # third-party, TMP, WMT, SMT.
    testing_route: Mapped[str] = mapped_column(String(16), default="third-party")
    # IECEx suffixes: "X" specific conditions of use, "U" component.
    conditions: Mapped[str] = mapped_column(Text, default="")
    change_note: Mapped[str] = mapped_column(Text, default="")
    superseded_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)

    certificate: Mapped[Certificate] = relationship(back_populates="issues")

    __table_args__ = (UniqueConstraint("certificate_id", "issue_no"),)


class ProductGtin(Base):
    """A GTIN (GTIN-14) a product of the certificate's current issue carries: the
    resolver's GS1 Digital Link `/01/{gtin}` finds every certificate of the product."""

    __tablename__ = "certificate_gtins"

    gtin: Mapped[str] = mapped_column(String(14), primary_key=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class StatusEvent(Base):
    """One transition of a certificate: who did what, when and why."""

    __tablename__ = "status_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    certificate_id: Mapped[int] = mapped_column(
        ForeignKey("certificates.id", ondelete="CASCADE"), index=True
    )
    issue_no: Mapped[int] = mapped_column(Integer)
    # issue, amend, suspend, restore, withdraw, cancel.
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str] = mapped_column(String(16), default="")
    to_status: Mapped[str] = mapped_column(String(16))
    status_word: Mapped[str] = mapped_column(String(32), default="")
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    effective_on: Mapped[dt.date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(120))
    reason: Mapped[str] = mapped_column(Text, default="")
    log_index: Mapped[int | None] = mapped_column(Integer, nullable=True)

    certificate: Mapped[Certificate] = relationship(back_populates="events")


class ImportJob(Base):
    """A bulk upload's progress and report, in the database so every server process sees it
    and it survives a restart (the rows themselves are issued as the upload runs)."""

    __tablename__ = "import_jobs"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(80), index=True)  # the user who uploaded
    filename: Mapped[str] = mapped_column(String(200))
    total: Mapped[int] = mapped_column(Integer)
    done: Mapped[int] = mapped_column(Integer, default=0)
    finished: Mapped[bool] = mapped_column(default=False)
    error: Mapped[str] = mapped_column(Text, default="")
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
