"""Registry tables: economies, bodies, accreditations, schemes, standards, categories."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from certpass.store.base import Base, UTCDateTime, utcnow


class Economy(Base):
    """An ISO 3166-1 economy, or a bloc (EU, EAEU, GCC, ASEAN) grouping economies."""

    __tablename__ = "economies"

    code: Mapped[str] = mapped_column(String(8), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_zh: Mapped[str] = mapped_column(String(120))
    is_bloc: Mapped[bool] = mapped_column(Boolean, default=False)
    # Members of a bloc, as ISO codes (empty for an economy).
    members: Mapped[list[str]] = mapped_column(JSON, default=list)


class Body(Base):
    """An accreditation body, certification body, testing lab, regulator or scheme owner."""

    __tablename__ = "bodies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(300))
    name_zh: Mapped[str] = mapped_column(String(300), default="")
    # Its name in other languages and scripts, by BCP 47 tag ({"ru": ..., "ar": ...}).
    names: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    short_name: Mapped[str] = mapped_column(String(60), default="")
    # Roles: accreditation-body, certification-body, testing-lab, regulator, scheme-owner.
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    economy_code: Mapped[str] = mapped_column(ForeignKey("economies.code"), index=True)
    website: Mapped[str] = mapped_column(String(300), default="")
    # Multilateral signatory status of an accreditation body: "IAF MLA", "ILAC MRA", "APAC MRA"...
    signatories: Mapped[list[str]] = mapped_column(JSON, default=list)
    source: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)

    economy: Mapped[Economy] = relationship(lazy="joined", innerjoin=True)


class Scheme(Base):
    """A certification scheme (IECEE CB, IECEx, CCC, ATEX, GBA...)."""

    __tablename__ = "schemes"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200), default="")
    owner_id: Mapped[str | None] = mapped_column(ForeignKey("bodies.id"), nullable=True)
    # Where the scheme's certificates are accepted by right (e.g. CCC → CN).
    home_markets: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Certificate kinds the scheme produces (product-certificate, cb-test-certificate...).
    kinds: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Years a certificate stays valid (CCC: 5); None = no expiry (IECEx CoC).
    validity_years: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Common status word → the scheme's own word, e.g. {"valid": "有效"}.
    status_words: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    regulation: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str] = mapped_column(String(300), default="")
    source: Mapped[str] = mapped_column(Text, default="")


class Standard(Base):
    """One edition of a standard: ``IEC 60335-1:2020``, ``GB 4706.1-2005``."""

    __tablename__ = "standards"

    ref: Mapped[str] = mapped_column(String(80), primary_key=True)
    designation: Mapped[str] = mapped_column(String(60), index=True)
    edition: Mapped[str] = mapped_column(String(20))
    amendments: Mapped[list[str]] = mapped_column(JSON, default=list)
    title_en: Mapped[str] = mapped_column(String(300), default="")
    title_zh: Mapped[str] = mapped_column(String(300), default="")
    publisher: Mapped[str] = mapped_column(String(120), default="")
    # National adoption: this standard adopts ``adopts_ref`` with these national differences.
    adopts_ref: Mapped[str | None] = mapped_column(ForeignKey("standards.ref"), nullable=True)
    national_differences: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Replacement: this edition is replaced by ``replaced_by_ref`` from ``replaced_from``.
    replaced_by_ref: Mapped[str | None] = mapped_column(
        ForeignKey("standards.ref"), nullable=True
    )
    replaced_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(Text, default="")


class ProductCategory(Base):
    """A product category: an HS code, an IECEE category or a national catalogue entry."""

    __tablename__ = "product_categories"

    code: Mapped[str] = mapped_column(String(40), primary_key=True)
    # System: HS, IECEE, CCC, IECEx.
    system: Mapped[str] = mapped_column(String(16), index=True)
    name_en: Mapped[str] = mapped_column(String(300))
    name_zh: Mapped[str] = mapped_column(String(300), default="")
    # HS code prefixes that fall in this category (for IECEE/CCC entries).
    hs_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Standard designations that apply to the category.
    standards: Mapped[list[str]] = mapped_column(JSON, default=list)


class Accreditation(Base):
    """An accreditation body's attestation that a body is competent for a scope."""

    __tablename__ = "accreditations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(80), unique=True)
    accreditor_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    # ISO/IEC 17065 (certification bodies) or ISO/IEC 17025 (laboratories).
    standard: Mapped[str] = mapped_column(String(20))
    # {"schemes": [...], "categories": [...], "standards": ["IEC 60335-1:2020", ...]}
    scope: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_until: Mapped[dt.date] = mapped_column(Date)
    # active, suspended, withdrawn (expired is computed from valid_until).
    status: Mapped[str] = mapped_column(String(16), default="active")
    # [{"at", "status", "actor", "reason"}], oldest first.
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)

    accreditor: Mapped[Body] = relationship(foreign_keys=[accreditor_id], lazy="joined")
    body: Mapped[Body] = relationship(foreign_keys=[body_id], lazy="joined")

    __table_args__ = (Index("ix_accreditations_body_status", "body_id", "status"),)


class SchemeListing(Base):
    """A body's listing in a scheme: IECEE NCB/CBTL, IECEx ExCB/ExTL, CCC designated body..."""

    __tablename__ = "scheme_listings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    scheme_code: Mapped[str] = mapped_column(ForeignKey("schemes.code"), index=True)
    body_id: Mapped[str] = mapped_column(ForeignKey("bodies.id"), index=True)
    role: Mapped[str] = mapped_column(String(32))
    # Standard designations the listing covers; empty = the scheme's whole scope.
    standards: Mapped[list[str]] = mapped_column(JSON, default=list)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(Text, default="")
