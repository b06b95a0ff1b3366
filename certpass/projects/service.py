"""Cooperation projects: the only writer of ``cooperation_projects``, and their outcome figures.

What counts (``DEFINITION_EN``, shown on /projects#definition and in the API):

- A **certificate counts for a project** when the project is not *planned*; the certificate
  was first issued within the project's period (start to end, or to the date asked); its
  issuer is one of the project's partner bodies (or a body located in one of its partner
  economies); and it was *issued under* one of the project's arrangements (a joint or home
  scheme) or is *recognised under* one on the date (the engine's decision rests on it).
- A project's **arrangements** are those recorded for it; a project with none recorded runs
  on the home schemes of its schemes whose markets meet its economies (G-mark for a project
  taking Chinese appliances to the Gulf).
- A **recognition** is one certificate accepted in one market or bloc under one of the
  project's arrangements on the date, outside the issuer's own economy; a bloc the
  arrangement names (EU, GCC, EAEU) counts once, not once per member.
- **Totals** over all projects count each certificate and each (certificate, market-or-bloc)
  once, however many projects it counts for.

One computation per state of the database and date serves every project, the totals, the
home page and the API (``ledger.stamped``), and is warmed when the server starts. Plain
dicts, ready to chart.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from certpass.accounts.actor import Actor
from certpass.certificates.models import Certificate
from certpass.errors import Conflict, InvalidInput, NotFound, UnofferedDate
from certpass.ledger.service import append_event
from certpass.ledger.stamped import StampedCache
from certpass.projects.models import CooperationProject
from certpass.projects.schemas import ProjectIn
from certpass.recognition.codes import NOT_RECOGNISED
from certpass.recognition.engine import decide
from certpass.recognition.models import ArrangementRecord
from certpass.recognition.registry_snapshot import RegistrySnapshot
from certpass.recognition.snapshot import facts_for, load_snapshot
from certpass.registry.models import Body, Economy, ProductCategory
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
                  economy: str | None = None, limit: int | None = 50,
                  offset: int = 0) -> tuple[list[CooperationProject], int]:
    """Filter by field, status and economy (`limit` None: every one from `offset`)."""
    query = select(CooperationProject).order_by(CooperationProject.started_on,
                                                CooperationProject.id)
    if field:
        query = query.where(CooperationProject.field == field)
    if status:
        query = query.where(CooperationProject.status == status)
    rows = list(session.scalars(query))
    if economy:
        rows = [p for p in rows if economy in p.economies]
    return rows[offset:None if limit is None else offset + limit], len(rows)


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

DEFINITION_EN = (
    "A certificate counts for a project when the project is not planned, the certificate was "
    "first issued within the project's period (from its start to its end, or to the date "
    "shown), its issuer is one of the project's partner bodies (or a body in one of its "
    "partner economies), and it was issued under one of the project's arrangements (a joint "
    "or home scheme) or is recognised under one on the date. A project's arrangements are "
    "those recorded for it; a project with none recorded runs on the home schemes of its "
    "schemes in its economies. A recognition is one certificate accepted in one market or "
    "bloc under one of the project's arrangements on the date, outside the issuer's own "
    "economy; a bloc the arrangement names (EU, GCC, EAEU) counts once. Totals over all "
    "projects count each certificate and each recognition once, however many projects "
    "it counts for."
)
DEFINITION_ZH = (
    "证书计入某项目的条件：项目不处于计划阶段；证书首次颁发于项目期间内（自开始至结束，或至所示日期）；"
    "颁证机构是项目的合作机构（或位于项目合作经济体的机构）；并且证书依项目的某项安排颁发（联合或本国认证制度），"
    "或在该日期依项目的某项安排获得承认。项目的安排即为其登记的安排；未登记安排的项目以其认证制度在其经济体内的"
    "本国制度为安排。一次承认是指一张证书在该日期依项目的某项安排、在颁证机构所在经济体以外的一个市场或区域获得接受；"
    "安排所列的区域（欧盟、海湾合作委员会、欧亚经济联盟）只计一次。所有项目的合计中，每张证书和每次承认只计一次，"
    "无论它计入多少个项目。"
)
ISSUING_KINDS = frozenset({"joint-scheme", "home-scheme"})


def _economies(snap: RegistrySnapshot, names: Iterable[str]) -> set[str]:
    names = list(names)
    return set(snap.expand(names)) | set(names)


def project_arrangements(snap: RegistrySnapshot, project: CooperationProject,
                         recorded: Iterable[str]) -> list[str]:
    """The arrangements a project's figures rest on: those recorded for it or, when none is,
    the home schemes of its schemes whose markets meet its economies."""
    recorded = [a for a in recorded if a in snap.arrangements]
    if recorded:
        return sorted(recorded)
    economies = _economies(snap, project.economies)
    return sorted(
        a.id for a in snap.arrangements.values()
        if a.kind == "home-scheme" and set(a.scope.source_schemes) & set(project.schemes)
        and snap.expand(a.markets) & economies
    )


# One computation per state of the database and date (see ledger.stamped) serves the home
# page, the projects pages and the API, so they show the same figures.
_figures: StampedCache[dict[str, Any]] = StampedCache(limit=64)


def offered_dates(session: Session, today: dt.date | None = None) -> list[dt.date]:
    """The dates the public outcome figures are given for: today, each year-end (31
    December) from the first project's start to last year, and each project's end date
    before today. A handful, so every one of them stays cached (`_figures`) and no reader
    can make the server recompute for date after date."""
    today = today or dt.date.today()
    periods = list(session.execute(select(CooperationProject.started_on,
                                          CooperationProject.ended_on)))
    if not periods:
        return [today]
    first = min(start for start, _ in periods)
    days = {dt.date(year, 12, 31) for year in range(first.year, today.year)}
    days |= {end for _, end in periods if end is not None and first <= end < today}
    return sorted(days | {today})


def check_offered_date(session: Session, on: dt.date) -> dt.date:
    """`on`, if the figures are offered for it (offered_dates), else InvalidInput naming
    the dates that are."""
    offered = offered_dates(session)
    if on not in offered:
        raise UnofferedDate(
            f"outcome figures are not given for {on}",
            hint="ask for today, a year-end (YYYY-12-31) within the projects' periods or a "
                 "project's end date; see details.dates",
            details={"dates": [d.isoformat() for d in offered]},
        )
    return on


def outcomes(session: Session, id_: str, on: dt.date | None = None) -> dict[str, Any]:
    """One project's figures (see DEFINITION_EN): certificates by year, field and issuer;
    recognitions by market or bloc; time and cost saved where the project publishes rates."""
    get_project(session, id_)
    data = all_outcomes(session, on)
    return next(p for p in data["projects"] if p["project"] == id_)


def all_outcomes(session: Session, on: dt.date | None = None) -> dict[str, Any]:
    on = on or dt.date.today()
    return _figures.get(session, ("", on), lambda: _all_outcomes(session, on))


def _all_outcomes(session: Session, on: dt.date) -> dict[str, Any]:
    snap = load_snapshot(session)
    projects = list(session.scalars(select(CooperationProject).order_by(CooperationProject.id)))
    recorded: dict[str, list[str]] = {}
    for aid, pid in session.execute(
            select(ArrangementRecord.id, ArrangementRecord.project_id)
            .where(ArrangementRecord.project_id.is_not(None))):
        recorded.setdefault(pid, []).append(aid)
    bodies = dict(session.execute(select(Body.id, Body.economy_code)).tuples().all())
    partners = {p.id: _partners(snap, p, bodies) for p in projects}
    wanted = sorted(set().union(*partners.values())) if partners else []
    # Every certificate any project could count, read once with what facts_for needs.
    certificates = list(session.scalars(
        select(Certificate).where(Certificate.issuer_id.in_(wanted),
                                  Certificate.first_issued_on <= on)
        .options(selectinload(Certificate.events), selectinload(Certificate.issues),
                 selectinload(Certificate.issuer))
        .order_by(Certificate.first_issued_on, Certificate.id)
    )) if wanted else []
    facts = {c.id: facts_for(c, on) for c in certificates}
    all_certs: set[int] = set()
    all_recognitions: set[tuple[int, str]] = set()
    items = []
    for p in projects:
        end = min(p.ended_on or on, on)
        mine = [c for c in certificates if c.issuer_id in partners[p.id]
                and p.started_on <= c.first_issued_on <= end]
        item, certs, recognitions = _outcomes(snap, p, on, recorded.get(p.id, ()), mine, facts)
        items.append(item)
        all_certs |= certs
        all_recognitions |= recognitions
    return {
        "date": on.isoformat(),
        "definition": {"en": DEFINITION_EN, "zh": DEFINITION_ZH, "url": "/projects#definition"},
        "projects": items,
        "totals": {
            "projects": len(items),
            "certificates": len(all_certs),
            "recognitions": len(all_recognitions),
            "days_saved": sum(i["savings"]["days_saved"] or 0 for i in items),
        },
    }


def _partners(snap: RegistrySnapshot, project: CooperationProject,
              bodies: dict[str, str]) -> set[str]:
    """Partner bodies: those the project names, and the bodies in its partner economies."""
    economies = _economies(snap, [x["economy"] for x in project.partners if x.get("economy")])
    named = {x["body_id"] for x in project.partners if x.get("body_id")}
    return named | {b for b, e in bodies.items() if e in economies}


def _outcomes(snap: RegistrySnapshot, project: CooperationProject, on: dt.date,
              recorded: Iterable[str], candidates: list[Certificate],
              facts: dict[int, Any]) -> tuple[dict[str, Any], set[int], set[tuple[int, str]]]:
    arrangement_ids = project_arrangements(snap, project, recorded)
    arrangements = [snap.arrangements[a] for a in arrangement_ids]
    issuing_schemes = {s for a in arrangements if a.kind in ISSUING_KINDS
                       for s in a.scope.source_schemes}
    economies = _economies(snap, project.economies)
    # market -> what a recognition there is counted as: the bloc the arrangement names, if any
    counted_as: dict[str, dict[str, str]] = {}
    for a in arrangements:
        for name in a.markets:
            for m in snap.expand([name]):
                if m in economies and m not in snap.blocs:
                    counted_as.setdefault(a.id, {})[m] = name
    markets = sorted({m for per in counted_as.values() for m in per})
    certs = candidates if project.status != "planned" and arrangements else []
    by_year: Counter[str] = Counter()
    by_field: Counter[str] = Counter()
    by_partner: Counter[str] = Counter()
    recognised: Counter[str] = Counter()
    by_decision: Counter[str] = Counter()
    counted: set[int] = set()
    recognitions: set[tuple[int, str]] = set()
    own = set(arrangement_ids)
    for cert in certs:
        fact = facts[cert.id]
        here: set[str] = set()
        for m in markets:
            if m == fact.issuer_economy:
                continue  # recognition is about crossing a border
            d = decide(fact, m, on, snap, explain=False)
            if d.decision == NOT_RECOGNISED or d.arrangement_ids[0] not in own:
                continue
            key = counted_as[d.arrangement_ids[0]].get(m, m)
            if key not in here:
                here.add(key)
                by_decision[d.decision] += 1
        if not here and fact.scheme not in issuing_schemes:
            continue
        counted.add(cert.id)
        by_year[str(cert.first_issued_on.year)] += 1
        by_field[cert.category_code or "(none)"] += 1
        by_partner[cert.issuer_id] += 1
        for key in here:
            recognised[key] += 1
            recognitions.add((cert.id, key))
    total_recognised = len(recognitions)
    rates = project.outcomes or {}
    per_cert_days = rates.get("days_saved_per_certificate")
    item = {
        "project": project.id,
        "title_en": project.title_en,
        "title_zh": project.title_zh,
        "field": project.field,
        "status": project.status,
        "date": on.isoformat(),
        "arrangements": arrangement_ids,
        "definition_url": "/projects#definition",
        "certificates": {
            "total": len(counted),
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
    return item, counted, recognitions


def chart_names(session: Session, o: dict[str, Any]) -> dict[str, tuple[str, str]]:
    """(English, Chinese) names of the codes a project's outcomes count by (categories,
    partner bodies, markets): the dashboards show names, not codes."""
    wanted = [(ProductCategory.code, o["certificates"]["by_field"]),
              (Body.id, o["certificates"]["by_partner"]),
              (Economy.code, o["recognitions"]["by_market"])]
    out: dict[str, tuple[str, str]] = {}
    for key, counts in wanted:
        if counts:
            model = key.class_
            query = select(key, model.name_en, model.name_zh).where(key.in_(list(counts)))
            out.update({code: (en, zh) for code, en, zh in session.execute(query)})
    return out
