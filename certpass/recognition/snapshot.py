"""From the database (or a verified credential) to what the pure engine reads.

One source of truth: blocs come from ``economies``, body economies from ``bodies``, standard
adoptions (national standard -> international edition + national differences) from
``standards`` and scheme listings from ``scheme_listings``; only the arrangements themselves
come from ``arrangements``. `build_snapshot` is pure over plain rows, so the database path
(`load_snapshot`) and the tests' JSON path build exactly the same snapshot.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from certpass.certificates.lifecycle import effective_status
from certpass.certificates.models import Certificate
from certpass.credentials import dcc
from certpass.ledger.stamped import StampedCache
from certpass.recognition.engine import CertificateFacts, StandardApplied
from certpass.recognition.models import ArrangementRecord
from certpass.recognition.registry_snapshot import (
    RegistrySnapshot,
    SchemeHome,
    SchemeListing,
    StandardAdoption,
)
from certpass.recognition.rules import Arrangement
from certpass.registry.models import Body, Economy, Scheme, Standard
from certpass.registry.models import SchemeListing as ListingRow

# A listing's role says whether the body issues or tests under the scheme.
ISSUER_ROLES = frozenset({"NCB", "ExCB", "designated-body", "notified-body", "member-body"})
LAB_ROLES = frozenset({"CBTL", "ExTL", "designated-lab"})
# Where a national standard applies, from its publisher (the standards table has no economy
# column). Blocs are expanded to their members when the snapshot is built.
PUBLISHER_ECONOMIES: dict[str, tuple[str, ...]] = {
    "SAC": ("CN",),
    "NHC/SAMR": ("CN",),
    "Standards Australia/Standards New Zealand": ("AU", "NZ"),
    "SA/SNZ": ("AU", "NZ"),  # the same publisher, short enough for standards.publisher
    "Enterprise Singapore": ("SG",),
    "CENELEC": ("EU",),
    "EASC": ("EAEU",),
}
# The document kind a scheme's certificate is when a credential does not say.
DEFAULT_KINDS = {"IECEE-CB": "cb-test-certificate", "IECEx": "iecex-coc"}
# Edition after the last ':' or '-' that starts four digits: "IEC 60335-2-15:2016",
# "GB 4706.1-2005", "EN 60335-1:2012+A11:2014".
_REF = re.compile(r"^(?P<designation>.+?)[:\-](?P<edition>\d{4}\b.*)$")
_SUFFIX = re.compile(r"\d(?P<suffix>[XU]+)$")


def split_ref(ref: str) -> StandardApplied:
    """"IEC 60335-1:2020" -> ("IEC 60335-1", "2020"); a bare designation has edition ""."""
    m = _REF.match(ref.strip())
    if not m:
        return StandardApplied(ref.strip(), "")
    return StandardApplied(m["designation"].strip(), m["edition"].strip())


def suffixes_of(number: str, scheme: str) -> tuple[str, ...]:
    """IECEx numbers end in X (specific conditions of use) and/or U (component)."""
    if scheme != "IECEx":
        return ()
    m = _SUFFIX.search(number.strip())
    return tuple(m["suffix"]) if m else ()


# --- building -------------------------------------------------------------------------------


def build_snapshot(
    *,
    arrangements: Iterable[Arrangement],
    economies: Iterable[Mapping[str, Any]],
    bodies: Iterable[Mapping[str, Any]],
    standards: Iterable[Mapping[str, Any]],
    listings: Iterable[Mapping[str, Any]],
    schemes: Iterable[Mapping[str, Any]],
) -> RegistrySnapshot:
    """Rows use the registry's column names (economies.code/is_bloc/members, bodies.id/
    economy_code, standards.ref/..., scheme_listings.scheme_code/body_id/role/standards,
    schemes.code/home_markets/name_en/name_zh)."""
    arrangements = list(arrangements)
    economies = list(economies)
    blocs = {e["code"]: tuple(e.get("members") or ()) for e in economies if e.get("is_bloc")}
    by_ref = {s["ref"]: s for s in standards}
    # The date a national edition takes over is when its predecessor is replaced.
    takes_over = {
        s["replaced_by_ref"]: s.get("replaced_from")
        for s in by_ref.values()
        if s.get("replaced_by_ref")
    }
    adoptions = []
    for s in by_ref.values():
        adopted = by_ref.get(s.get("adopts_ref") or "")
        if adopted is None:
            continue
        places = PUBLISHER_ECONOMIES.get(s.get("publisher") or "", ())
        for economy in {m for p in places for m in blocs.get(p, (p,))}:
            adoptions.append(
                StandardAdoption(
                    national=s["designation"],
                    national_edition=s["edition"],
                    economy=economy,
                    international=adopted["designation"],
                    international_edition=adopted["edition"],
                    differences=tuple(s.get("national_differences") or ()),
                    effective_from=_date(takes_over.get(s["ref"])),
                )
            )
    scheme_listings = []
    for row in listings:
        role = row["role"]
        kind = "issuer" if role in ISSUER_ROLES else "lab" if role in LAB_ROLES else ""
        if kind:
            scheme_listings.append(
                SchemeListing(
                    scheme=row["scheme_code"],
                    body=row["body_id"],
                    kind=kind,
                    role=row["role"],
                    standards=tuple(row.get("standards") or ()),
                )
            )
    # A scheme is accepted in its home markets by its own rules; a recorded "home-scheme"
    # arrangement for it (with conditions, e.g. ATEX marking) replaces the default, and a
    # joint scheme (GBA) is governed by its arrangement alone (designated bodies, scope, dates).
    explicit = {
        scheme
        for a in arrangements
        if a.kind in ("home-scheme", "joint-scheme")
        for scheme in a.scope.source_schemes
    }
    homes = [
        SchemeHome(
            scheme=s["code"],
            markets=tuple(s["home_markets"]),
            title_en=f"{s.get('name_en') or s['code']} in its home market",
            title_zh=f"{s.get('name_zh') or s['code']}（本国/本地区市场）",
        )
        for s in schemes
        if s.get("home_markets") and s["code"] not in explicit
    ]
    snapshot = RegistrySnapshot(
        arrangements,
        blocs=blocs,
        adoptions=adoptions,
        listings=scheme_listings,
        homes=homes,
        body_economies={b["id"]: b["economy_code"] for b in bodies},
    )
    snapshot.economies = frozenset(e["code"] for e in economies)
    editions: dict[str, set[str]] = {}
    for s in by_ref.values():
        editions.setdefault(s["designation"], set()).add(s["edition"])
    snapshot.standards = {d: frozenset(e) for d, e in editions.items()}
    return snapshot


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(value)


def _rows(session: Session, model: type, columns: tuple[str, ...]) -> list[dict[str, Any]]:
    cols = [getattr(model, c) for c in columns]
    return [dict(zip(columns, r, strict=True)) for r in session.execute(select(*cols))]


def build_from_session(session: Session, *, replacing: Arrangement | None = None
                       ) -> RegistrySnapshot:
    """The registry as the engine reads it; `replacing` puts a proposed arrangement in place of
    the recorded one of the same id (or beside the others), for a preview of its effect."""
    records = session.scalars(select(ArrangementRecord).order_by(ArrangementRecord.id))
    arrangements = [Arrangement.from_dict(r.rules) for r in records]
    if replacing is not None:
        arrangements = [a for a in arrangements if a.id != replacing.id] + [replacing]
    return build_snapshot(
        arrangements=arrangements,
        economies=_rows(session, Economy, ("code", "is_bloc", "members")),
        bodies=_rows(session, Body, ("id", "economy_code")),
        standards=_rows(
            session,
            Standard,
            ("ref", "designation", "edition", "publisher", "adopts_ref",
             "national_differences", "replaced_by_ref", "replaced_from"),
        ),
        listings=_rows(session, ListingRow, ("scheme_code", "body_id", "role", "standards")),
        schemes=_rows(session, Scheme, ("code", "home_markets", "name_en", "name_zh")),
    )


# A decision rebuilds the snapshot only after something changed (see ledger.stamped); two
# entries so a second database (tests, a restore) doesn't evict the first at every call.
_snapshots: StampedCache[RegistrySnapshot] = StampedCache(limit=2)


def load_snapshot(session: Session) -> RegistrySnapshot:
    return _snapshots.get(session, "snapshot", lambda: build_from_session(session))


# --- certificate facts ----------------------------------------------------------------------


def status_on(certificate: Certificate, on: dt.date) -> tuple[str, str]:
    """(status, scheme word) on a date, from the status events in force then."""
    events = [e for e in certificate.events if e.effective_on <= on]
    if events:
        status, word = events[-1].to_status, events[-1].status_word
    elif certificate.events:  # before the first event: the engine reports "not valid before"
        status, word = certificate.events[0].to_status, certificate.events[0].status_word
    else:
        status, word = certificate.status, certificate.status_word
    status_then = effective_status(status, certificate.valid_until, on)
    return status_then, (word if status_then == status else status_then)


def facts_for(certificate: Certificate, on: dt.date) -> CertificateFacts:
    """The engine's view of a stored certificate as it stood on ``on``."""
    issues = certificate.issues
    in_force = [i for i in issues if i.issued_on <= on]
    issue = in_force[-1] if in_force else issues[0]
    status, word = status_on(certificate, on)
    products = issue.products or [{}]
    factories = issue.factories or []
    origin = (
        (factories[0].get("economy") if factories else None)
        or (issue.manufacturer or {}).get("economy")
        or (issue.holder or {}).get("economy")
        or certificate.holder_economy
    )
    labs = tuple(dict.fromkeys(r["lab_id"] for r in issue.test_reports if r.get("lab_id")))
    return CertificateFacts(
        number=certificate.number,
        scheme=certificate.scheme_code,
        kind=certificate.kind,
        issuer=certificate.issuer_id,
        issuer_economy=certificate.issuer.economy_code,
        status=status,
        status_word=word,
        issued_on=issue.issued_on,
        valid_from=certificate.first_issued_on,
        valid_until=issue.valid_until or certificate.valid_until,
        standards=tuple(split_ref(s) for s in issue.standards),
        hs_code=certificate.hs_code or products[0].get("hs_code") or "",
        category=certificate.category_code,
        testing_route=issue.testing_route,
        labs=labs,
        test_report_attached=bool(issue.test_reports),
        origin=origin or "",
        holder=certificate.holder_name,
        suffixes=suffixes_of(certificate.number, certificate.scheme_code),
    )


def facts_from_credential(credential: Mapping[str, Any], on: dt.date) -> CertificateFacts:
    """The engine's view of a just-verified UNTP DCC, read with the one DCC reader
    (certpass.credentials.dcc.read_dcc).

    A credential does not carry the testing route, the labs or the test reports, so those
    are left unknown and the engine answers conservatively: an arrangement that checks them
    refuses or adds a condition rather than assume the best."""
    inp = dcc.read_dcc(credential)
    number, scheme = inp.certificate_number, inp.scheme.code
    issuer_id = inp.issuer.id.rsplit("bodies:", 1)[-1].split("#", 1)[0]
    standards = tuple(dict.fromkeys(
        split_ref(s.designation if isinstance(s, dcc.StandardRef) else s)
        for s in inp.standards))
    hs = next((p.hs_code for p in inp.products if p.hs_code), "") or ""
    origin = inp.factories[0].economy if inp.factories else ""
    valid_from = inp.valid_from.date()
    valid_until = inp.valid_until.date() if inp.valid_until else None
    holder = inp.holder.name
    kind = "test-report" if inp.attestation_type == "testing" else (
        DEFAULT_KINDS.get(scheme, "product-certificate")
    )
    # The verifier has already checked the status list; past validUntil it is expired.
    status = "expired" if valid_until and on > valid_until else "valid"
    return CertificateFacts(
        number=number,
        scheme=scheme,
        kind=kind,
        issuer=issuer_id,
        issuer_economy="",
        status=status,
        issued_on=valid_from,
        valid_until=valid_until,
        standards=standards,
        hs_code=hs,
        testing_route="unknown",
        labs=(),
        test_report_attached=False,
        origin=origin,
        holder=holder,
        suffixes=suffixes_of(number, scheme),
    )
