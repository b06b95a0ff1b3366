"""Cooperation projects: the only writer of ``cooperation_projects``, and their outcome figures.

Outcomes are computed from the registry as it stands: certificates issued under a project's
schemes by bodies, factories or holders in its economies, grouped by year, field (product
category) and partner economy; how many of them the project's markets recognise through the
engine; and the time and cost saved where the project publishes a per-certificate figure.
Plain dicts, ready to chart.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from certpass.accounts.actor import Actor
from certpass.certificates.models import Certificate
from certpass.errors import Conflict, InvalidInput, NotFound
from certpass.ledger.service import append_event
from certpass.ledger.stamped import StampedCache
from certpass.projects.models import CooperationProject
from certpass.projects.schemas import ProjectIn
from certpass.recognition.codes import NOT_RECOGNISED
from certpass.recognition.engine import decide
from certpass.recognition.models import ArrangementRecord
from certpass.recognition.snapshot import facts_for, load_snapshot
from certpass.store.base import utcnow


def _log(session: Session, kind: str, project: CooperationProject, actor: Actor,
         reason: str) -> int:
    return append_event(session, {
        "type": kind,
        "project": project.id,
        "content": ProjectIn.model_validate(project, from_attributes=True).model_dump(mode="json"),
        "actor": actor.label,
        "reason": reason,
        "at": utcnow().isoformat(),
    })


def record_project(session: Session, data: ProjectIn, actor: Actor) -> CooperationProject:
    """Record a cooperation project (admin only); ledger event ``project.recorded``."""
    actor.require_admin("record a cooperation project")
    if session.get(CooperationProject, data.id) is not None:
        raise Conflict(f"cooperation project {data.id!r} is already recorded",
                       hint=f"amend it with POST /api/projects/{data.id}")
    _check(data)
    project = CooperationProject(**data.model_dump())
    session.add(project)
    session.flush()
    _log(session, "project.recorded", project, actor, "")
    return project


def amend_project(session: Session, id_: str, data: ProjectIn, actor: Actor,
                  reason: str) -> CooperationProject:
    """Replace a project's content (admin only); ledger event ``project.changed``."""
    actor.require_admin("amend a cooperation project")
    if not reason or not reason.strip():
        raise InvalidInput("an amendment needs a reason")
    if data.id != id_:
        raise InvalidInput(f"the body names project {data.id!r} but the path names {id_!r}")
    project = get_project(session, id_)
    _check(data)
    for key, value in data.model_dump().items():
        setattr(project, key, value)
    session.flush()
    _log(session, "project.changed", project, actor, reason.strip())
    return project


def _check(data: ProjectIn) -> None:
    if data.ended_on and data.ended_on < data.started_on:
        raise InvalidInput(f"project {data.id!r} ends ({data.ended_on}) before it starts "
                           f"({data.started_on})")


def get_project(session: Session, id_: str) -> CooperationProject:
    project = session.get(CooperationProject, id_)
    if project is None:
        raise NotFound(f"no cooperation project {id_!r} is recorded",
                       hint="list them with GET /api/projects")
    return project


def list_projects(session: Session, *, field: str | None = None, status: str | None = None,
                  economy: str | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[list[CooperationProject], int]:
    query = select(CooperationProject).order_by(CooperationProject.started_on,
                                                CooperationProject.id)
    if field:
        query = query.where(CooperationProject.field == field)
    if status:
        query = query.where(CooperationProject.status == status)
    rows = list(session.scalars(query))
    if economy:
        rows = [p for p in rows if economy in p.economies]
    return rows[offset:offset + limit], len(rows)


def to_json(project: CooperationProject) -> dict[str, Any]:
    return ProjectIn.model_validate(project, from_attributes=True).model_dump(mode="json")


def project_detail(session: Session, project: CooperationProject) -> dict[str, Any]:
    arrangements = session.scalars(
        select(ArrangementRecord).where(ArrangementRecord.project_id == project.id)
        .order_by(ArrangementRecord.id)
    )
    return {**to_json(project),
            "arrangements": [{"id": a.id, "title_en": a.title_en, "title_zh": a.title_zh,
                              "status": a.status} for a in arrangements]}


# --- outcomes -------------------------------------------------------------------------------


def _economies(session: Session, project: CooperationProject) -> set[str]:
    snap = load_snapshot(session)
    return set(snap.expand(project.economies)) | set(project.economies)


# Outcome figures decide every certificate of a project in every partner market: computed
# once per state of the database and date (see ledger.stamped).
_figures: StampedCache[dict[str, Any]] = StampedCache(limit=256)


def outcomes(session: Session, id_: str, on: dt.date | None = None) -> dict[str, Any]:
    """One project's figures: certificates by year, field and partner economy; recognitions
    in its partner markets; time and cost saved where the project publishes the rates."""
    project = get_project(session, id_)
    on = on or dt.date.today()
    return _figures.get(session, (id_, on), lambda: _outcomes(session, project, on))


def all_outcomes(session: Session, on: dt.date | None = None) -> dict[str, Any]:
    on = on or dt.date.today()
    return _figures.get(session, ("", on), lambda: _all_outcomes(session, on))


def _all_outcomes(session: Session, on: dt.date) -> dict[str, Any]:
    projects = list(session.scalars(select(CooperationProject).order_by(CooperationProject.id)))
    items = [_outcomes(session, p, on) for p in projects]
    return {
        "date": on.isoformat(),
        "projects": items,
        "totals": {
            "projects": len(items),
            "certificates": sum(i["certificates"]["total"] for i in items),
            "recognitions": sum(i["recognitions"]["total"] for i in items),
            "days_saved": sum(i["savings"]["days_saved"] or 0 for i in items),
        },
    }


def _outcomes(session: Session, project: CooperationProject, on: dt.date) -> dict[str, Any]:
    snap = load_snapshot(session)
    economies = _economies(session, project)
    certs = list(session.scalars(
        select(Certificate).where(Certificate.scheme_code.in_(project.schemes),
                                  Certificate.first_issued_on <= on)
        .options(selectinload(Certificate.events))  # status on the date needs the history
        .order_by(Certificate.first_issued_on, Certificate.id)
    )) if project.schemes else []
    by_year: Counter[str] = Counter()
    by_field: Counter[str] = Counter()
    by_partner: Counter[str] = Counter()
    recognised: Counter[str] = Counter()
    by_decision: Counter[str] = Counter()
    own_arrangements = {a for a, in session.execute(
        select(ArrangementRecord.id).where(ArrangementRecord.project_id == project.id))}
    counted = 0
    markets = sorted(m for m in economies if m not in snap.blocs)
    for cert in certs:
        facts = facts_for(cert, on)
        partner = next((e for e in (facts.issuer_economy, facts.origin, cert.holder_economy)
                        if e in economies), None)
        if partner is None:
            continue
        counted += 1
        by_year[str(cert.first_issued_on.year)] += 1
        by_field[cert.category_code or "(none)"] += 1
        by_partner[partner] += 1
        for m in markets:
            if m == facts.issuer_economy:
                continue  # recognition is about crossing a border
            d = decide(facts, m, on, snap, explain=False)
            if d.decision == NOT_RECOGNISED:
                continue
            if own_arrangements and not own_arrangements & set(d.arrangement_ids):
                continue
            recognised[m] += 1
            by_decision[d.decision] += 1
    total_recognised = sum(recognised.values())
    rates = project.outcomes or {}
    per_cert_days = rates.get("days_saved_per_certificate")
    return {
        "project": project.id,
        "title_en": project.title_en,
        "title_zh": project.title_zh,
        "field": project.field,
        "date": on.isoformat(),
        "certificates": {
            "total": counted,
            "by_year": dict(sorted(by_year.items())),
            "by_field": dict(by_field.most_common()),
            "by_partner": dict(by_partner.most_common()),
        },
        "recognitions": {
            "total": total_recognised,
            "by_market": dict(sorted(recognised.items())),
            "by_decision": dict(by_decision),
        },
        "savings": {
            "days_saved_per_certificate": per_cert_days,
            "days_saved": per_cert_days * total_recognised if per_cert_days else None,
            "cost_saved_pct": rates.get("cost_saved_pct") or rates.get("test_time_saved_pct"),
            "basis": "published per-certificate rate × recognitions counted here"
                     if per_cert_days else "no per-certificate rate recorded for this project",
        },
        "published": rates,
        "illustrative": project.illustrative,
    }
