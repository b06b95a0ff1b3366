"""Recognition operations: arrangements (the only writer of their tables), decisions, plans.

Every arrangement write is validated by `rules.Arrangement.from_dict`, bumps the version,
keeps the previous version in ``arrangement_versions`` and appends its ledger event in the
caller's transaction. Decisions and plans read a cached `RegistrySnapshot`
(`snapshot.load_snapshot`) and call the pure engine and planner.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from certpass.accounts.actor import Actor
from certpass.certificates import service as certificates
from certpass.credentials.verifier import VerificationResult
from certpass.errors import Conflict, InvalidInput, NotFound
from certpass.ledger.service import append_event
from certpass.ledger.stamped import StampedCache
from certpass.recognition import inputs, planner
from certpass.recognition.engine import Decision, decide
from certpass.recognition.models import ArrangementRecord, ArrangementVersion, PlanningEstimate
from certpass.recognition.registry_snapshot import RegistrySnapshot
from certpass.recognition.rules import STATUSES, Arrangement, InvalidArrangement, StatusChange
from certpass.recognition.snapshot import (
    facts_for,
    facts_from_credential,
    load_snapshot,
)
from certpass.store.base import referenced_row, utcnow

MAX_PLAN_MARKETS = 30
ESTIMATE_KINDS = ("scheme", "condition")


# --- arrangements ---------------------------------------------------------------------------


def _parse(data: Mapping[str, Any], id_: str | None = None) -> Arrangement:
    if not isinstance(data, Mapping):
        raise InvalidArrangement("an arrangement must be a JSON object")
    if id_ is not None:
        if data.get("id", id_) != id_:
            raise InvalidArrangement(
                f"the body names arrangement {data.get('id')!r} but the path names {id_!r}",
                hint="an arrangement's id never changes; record a new one instead",
            )
        data = {**data, "id": id_}
    arrangement = Arrangement.from_dict(data)
    if len(arrangement.id) > 64:
        raise InvalidArrangement(f"arrangement id {arrangement.id[:70]!r}... is over 64 chars")
    if not arrangement.status_history:
        raise InvalidArrangement(
            f"arrangement {arrangement.id!r}: status_history is empty",
            hint='give at least one {"date", "status"} (signed or in-force)',
        )
    return arrangement


def parse_arrangement(data: Mapping[str, Any], id_: str | None = None) -> Arrangement:
    """An arrangement document checked as record and amend check it, writing nothing."""
    return _parse(data, id_)


def _check_project(session: Session, arrangement: Arrangement) -> None:
    if arrangement.project and referenced_row(
            session, ArrangementRecord.__table__.c.project_id, arrangement.project) is None:
        raise InvalidArrangement(
            f"arrangement {arrangement.id!r}: unknown cooperation project "
            f"{arrangement.project!r}",
            hint="record the project first, or leave project empty",
        )


def _current_status(a: Arrangement) -> str:
    return a.status_history[-1].status


def _apply(record: ArrangementRecord, a: Arrangement, actor: Actor) -> None:
    record.title_en, record.title_zh, record.kind = a.title_en, a.title_zh, a.kind
    record.status = _current_status(a)
    record.valid_from, record.valid_until = a.valid_from, a.valid_until
    record.project_id = a.project
    record.rules = a.to_dict()
    record.source = " — ".join(p for p in (a.source.title, a.source.url) if p)
    record.updated_at = utcnow()
    record.updated_by = actor.label


def _log(session: Session, kind: str, record: ArrangementRecord, actor: Actor,
         change: str, reason: str) -> int:
    index = append_event(session, {
        "type": kind,
        "arrangement": record.id,
        "version": record.version,
        "change": change,
        "status": record.status,
        "rules": record.rules,
        "actor": actor.label,
        "reason": reason,
        "at": utcnow().isoformat(),
    })
    session.add(ArrangementVersion(
        arrangement_id=record.id, version=record.version, change=change, status=record.status,
        rules=record.rules, reason=reason, changed_by=actor.label, log_index=index,
    ))
    return index


def record_arrangement(session: Session, data: Mapping[str, Any],
                       actor: Actor) -> ArrangementRecord:
    """Record a new arrangement (admin only); ledger event ``arrangement.recorded``."""
    actor.require_admin("record an arrangement")
    a = _parse(data)
    if session.get(ArrangementRecord, a.id) is not None:
        raise Conflict(f"arrangement {a.id!r} is already recorded",
                       hint=f"amend it with POST /api/arrangements/{a.id}")
    _check_project(session, a)
    record = ArrangementRecord(id=a.id, version=1)
    _apply(record, a, actor)
    session.add(record)
    session.flush()
    _log(session, "arrangement.recorded", record, actor, "recorded", "")
    return record


def amend_arrangement(session: Session, id_: str, data: Mapping[str, Any], actor: Actor,
                      reason: str) -> ArrangementRecord:
    """Replace an arrangement's rules (admin only); version bumped, old version kept."""
    actor.require_admin("amend an arrangement")
    if not reason or not reason.strip():
        raise InvalidInput("an amendment needs a reason", hint="say why the rules changed")
    record = get_arrangement(session, id_)
    a = _parse(data, id_)
    _check_project(session, a)
    if a.to_dict() == record.rules:
        raise InvalidInput(f"arrangement {id_!r}: nothing changed",
                           hint="send the rules with the change you mean to record")
    record.version += 1
    _apply(record, a, actor)
    session.flush()
    _log(session, "arrangement.changed", record, actor, "amended", reason.strip())
    return record


def change_arrangement_status(session: Session, id_: str, status: str, on: dt.date,
                              actor: Actor, reason: str) -> ArrangementRecord:
    """Suspend, terminate or put back in force from a date (admin only)."""
    actor.require_admin("change an arrangement's status")
    if status not in STATUSES:
        raise InvalidInput(f"unknown arrangement status {status!r}",
                           hint=f"use one of {', '.join(STATUSES)}")
    if not reason or not reason.strip():
        raise InvalidInput("a status change needs a reason")
    record = get_arrangement(session, id_)
    a = Arrangement.from_dict(record.rules)
    last = a.status_history[-1]
    if last.status == "terminated":
        raise Conflict(f"arrangement {id_!r} is terminated; record a new one instead")
    if on < last.date:
        raise InvalidInput(f"the change on {on} is before the last recorded one ({last.date})",
                           hint="status changes are recorded in date order")
    if last.status == status:
        raise Conflict(f"arrangement {id_!r} is already {status}")
    a = a.replaced(status_history=(
        *a.status_history, StatusChange(date=on, status=status, note=reason.strip())))
    record.version += 1
    _apply(record, a, actor)
    session.flush()
    _log(session, "arrangement.changed", record, actor, status, reason.strip())
    return record


def get_arrangement(session: Session, id_: str) -> ArrangementRecord:
    record = session.get(ArrangementRecord, id_)
    if record is None:
        raise NotFound(f"no arrangement {id_!r} is recorded",
                       hint="list them with GET /api/arrangements")
    return record


def list_arrangements(session: Session, *, market: str | None = None, status: str | None = None,
                      kind: str | None = None, limit: int | None = 50,
                      offset: int = 0) -> tuple[list[ArrangementRecord], int]:
    """Filter by market (blocs count for their members), current status and kind
    (`limit` None: every one from `offset`)."""
    query = select(ArrangementRecord).order_by(ArrangementRecord.id)
    if status:
        query = query.where(ArrangementRecord.status == status)
    if kind:
        query = query.where(ArrangementRecord.kind == kind)
    rows = list(session.scalars(query))
    if market:
        snap = load_snapshot(session)
        rows = [r for r in rows
                if market in snap.expand(r.rules.get("markets", ())) or
                market in r.rules.get("markets", ())]
    return rows[offset:None if limit is None else offset + limit], len(rows)


def versions(session: Session, id_: str) -> list[ArrangementVersion]:
    return list(session.scalars(
        select(ArrangementVersion).where(ArrangementVersion.arrangement_id == id_)
        .order_by(ArrangementVersion.version)
    ))


def arrangement_summary(record: ArrangementRecord) -> dict[str, Any]:
    return {
        "id": record.id, "title_en": record.title_en, "title_zh": record.title_zh,
        "kind": record.kind, "status": record.status,
        "markets": record.rules.get("markets", []),
        "recognises": record.rules.get("recognises", []),
        "valid_from": record.valid_from, "valid_until": record.valid_until,
        "project": record.project_id, "version": record.version, "source": record.source,
        "updated_at": record.updated_at, "updated_by": record.updated_by,
    }


def arrangement_detail(session: Session, record: ArrangementRecord) -> dict[str, Any]:
    return {
        **arrangement_summary(record),
        "rules": record.rules,
        "history": [
            {"version": v.version, "change": v.change, "status": v.status, "reason": v.reason,
             "changed_at": v.changed_at, "changed_by": v.changed_by, "log_index": v.log_index,
             "rules": v.rules}
            for v in versions(session, record.id)
        ],
    }


def arrangement_view(session: Session, id_: str) -> dict[str, Any]:
    """Every rule of one arrangement, recorded or not: a scheme's home-market rule
    (``home:CCC``) exists only in the snapshot, built from the scheme's home markets, and is
    shown like the recorded ones (decisions link to it)."""
    record = session.get(ArrangementRecord, id_)
    if record is not None:
        a = Arrangement.from_dict(record.rules)
        return {**arrangement_summary(record), "rules": record.rules, "recorded": True,
                "accepted_kinds": list(a.accepted_kinds())}
    found = load_snapshot(session).arrangements.get(id_)
    if found is None:
        raise NotFound(f"no arrangement {id_!r} is recorded",
                       hint="list them with GET /api/arrangements")
    a = found
    return {
        "id": a.id, "title_en": a.title_en, "title_zh": a.title_zh, "kind": a.kind,
        "status": a.status_history[-1].status if a.status_history else "in-force",
        "markets": list(a.markets), "recognises": list(a.recognises),
        "valid_from": a.valid_from, "valid_until": a.valid_until, "project": None,
        "version": None, "source": "the scheme's home markets in the registry "
        f"(/schemes/{', '.join(a.scope.source_schemes)})",
        "updated_at": None, "updated_by": None,
        "rules": a.to_dict(), "recorded": False, "accepted_kinds": list(a.accepted_kinds()),
        "history": [],
    }


# --- decisions ------------------------------------------------------------------------------


def check_market(snapshot: RegistrySnapshot, market: str, *, allow_bloc: bool = False) -> str:
    code = market.strip().upper()
    known = snapshot.economies
    if known and code not in known:
        raise InvalidInput(f"unknown market {market!r}",
                           hint="use an ISO 3166-1 alpha-2 code such as CN, NZ, HK"
                                + (" or a bloc such as EU, EAEU" if allow_bloc else ""))
    if code in snapshot.blocs and not allow_bloc:
        members = ", ".join(sorted(snapshot.blocs[code])[:5])
        raise InvalidInput(f"{code} is a bloc; a decision is for one economy",
                           hint=f"ask for a member economy ({members}...)")
    return code


def recognise(session: Session, number: str, market: str, on: dt.date,
              issuer: str | None = None) -> Decision:
    """Is certificate ``number`` (of ``issuer``, where several hold it) accepted in
    ``market`` on ``on``, and why."""
    snap = load_snapshot(session)
    code = check_market(snap, market)
    cert = certificates.get(session, number, issuer=issuer)
    return decide(facts_for(cert, on), code, on, snap)


def candidate_markets(snapshot: RegistrySnapshot, scheme: str) -> list[str]:
    """Markets where some arrangement or home rule could apply to this scheme (cooperation
    arrangements for any scheme included: they are where "recognised" is a tempting error)."""
    return [m for m in snapshot.markets if snapshot.rules_for(m, scheme)]


def recognise_everywhere(session: Session, number: str, on: dt.date,
                         also: Sequence[str] = (), issuer: str | None = None) -> dict[str, Any]:
    """Every market where an arrangement or home rule could apply, plus those asked for."""
    snap = load_snapshot(session)
    asked = [check_market(snap, m) for m in also]
    cert = certificates.get(session, number, issuer=issuer)
    facts = facts_for(cert, on)
    markets = list(dict.fromkeys([*candidate_markets(snap, facts.scheme), *asked]))
    return {
        "certificate": cert.number,
        "issuer": cert.issuer_id,
        "date": on.isoformat(),
        "markets": [decide(facts, m, on, snap).to_json() for m in markets],
    }


def decide_for_verified(credential: dict[str, Any], market: str, on: dt.date,
                        snapshot: RegistrySnapshot) -> Decision:
    """The decision for a credential the verifier has just checked (offline-capable: the
    snapshot may come from a trust bundle). Unknown facts count against acceptance."""
    code = check_market(snapshot, market)
    facts = facts_from_credential(credential, on)
    facts = dataclasses.replace(
        facts, issuer_economy=snapshot.body_economies.get(facts.issuer, "")
    )
    return decide(facts, code, on, snapshot)


def for_verified(result: VerificationResult, market: str, on: dt.date,
                 snapshot: RegistrySnapshot | None) -> dict[str, Any]:
    """What `verify --market` and `POST /api/verify?market=` add: the recognition decision
    for the verified credential, or why none was made. The engine trusts the credential's
    facts (and that its status was checked), so only a `valid` verdict is decided."""
    if snapshot is None:
        return {"market": market, "decision": None,
                "skipped": "recognition needs the registry (arrangements, schemes, bodies); "
                           "verify against the live database to get a decision"}
    code = check_market(snapshot, market)
    if not result.valid or result.readable is None:
        return {"market": code, "decision": None,
                "skipped": f"the credential did not verify ({result.verdict}): no decision "
                           "is made for it"}
    return decide_for_verified(result.readable, code, on, snapshot).to_json()


# --- plans ----------------------------------------------------------------------------------


def record_estimate(session: Session, kind: str, code: str, figures: Mapping[str, Any],
                    actor: Actor, *, source: str, currency: str = "USD",
                    illustrative: bool = False, reason: str = "") -> PlanningEstimate:
    """Record (or replace) the planner's cost and lead-time estimate for one scheme or one
    condition code (admin only, with its source); ledger event ``estimate.recorded``."""
    actor.require_admin("record a planning estimate")
    if kind not in ESTIMATE_KINDS:
        raise InvalidInput(f"unknown estimate kind {kind!r}",
                           hint=f"use one of {', '.join(ESTIMATE_KINDS)}")
    if not source or not source.strip():
        raise InvalidInput("an estimate needs its source",
                           hint="say where the figures come from (a quote, a fee schedule)")
    if not isinstance(figures, Mapping) or not code or len(code) > 64:
        raise InvalidInput("an estimate is a code and an object of figures")
    if not (isinstance(currency, str) and len(currency) == 3 and currency.isalpha()):
        raise InvalidInput(f"currency {currency!r} is not an ISO 4217 code", hint="e.g. USD")
    values = {k: v for k, v in figures.items() if k not in ("scheme", "code")}
    try:
        if kind == "scheme":
            parsed: Any = planner.Catalogue.from_document(
                {"schemes": [{**values, "scheme": code}]}).schemes[code]
        else:
            parsed = planner.ConditionCost(code=code, **values)
    except (TypeError, ValueError, KeyError) as exc:
        raise InvalidInput(f"bad figures for {kind} {code!r}: {exc}",
                           hint="see GET /api/estimates for the recorded shape") from None
    kept = {k: v for k, v in dataclasses.asdict(parsed).items()
            if k not in ("scheme", "code", "estimated")}
    for name, v in kept.items():
        if name in ("issuers", "builds_on", "certificate_kind", "lab_role",
                    "own_factory_inspection"):
            continue
        if isinstance(v, bool) or not isinstance(v, int | float) or v < 0:
            raise InvalidInput(f"{kind} {code!r}: {name} must be a number of at least 0")
    if "issuers" in kept:
        kept["issuers"] = list(kept["issuers"])
    record = session.get(PlanningEstimate, (kind, code)) or PlanningEstimate(kind=kind, code=code)
    record.figures = kept
    record.currency, record.source = currency.upper(), source.strip()
    record.illustrative, record.updated_at, record.updated_by = illustrative, utcnow(), actor.label
    session.add(record)
    session.flush()
    append_event(session, {
        "type": "estimate.recorded", "kind": kind, "code": code, "figures": record.figures,
        "currency": record.currency, "source": record.source, "illustrative": illustrative,
        "actor": actor.label, "reason": reason, "at": utcnow().isoformat(),
    })
    return record


def list_estimates(session: Session) -> list[PlanningEstimate]:
    return list(session.scalars(
        select(PlanningEstimate).order_by(PlanningEstimate.kind, PlanningEstimate.code)))


def estimate_json(e: PlanningEstimate) -> dict[str, Any]:
    return {"kind": e.kind, "code": e.code, "figures": e.figures, "currency": e.currency,
            "source": e.source, "illustrative": e.illustrative, "updated_at": e.updated_at,
            "updated_by": e.updated_by}


_catalogues: StampedCache[planner.Catalogue] = StampedCache(limit=2)


def catalogue(session: Session) -> planner.Catalogue:
    """The planner's estimates as recorded in the registry (none recorded: every route
    is priced at zero and marked as having no figures)."""
    def build() -> planner.Catalogue:
        rows = list_estimates(session)
        schemes = [{**r.figures, "scheme": r.code} for r in rows if r.kind == "scheme"]
        conditions = [{**r.figures, "code": r.code} for r in rows if r.kind == "condition"]
        currency = next((r.currency for r in rows), "USD")
        return planner.Catalogue.from_document(
            {"schemes": schemes, "conditions": conditions, "currency": currency})
    return _catalogues.get(session, "catalogue", build)


def plan_route(session: Session, *, hs: str, standards: Sequence[str], origin: str,
               markets: Sequence[str], on: dt.date, category: str = "") -> dict[str, Any]:
    """The cheapest set of certificates opening ``markets`` for one product."""
    snap = load_snapshot(session)
    if not markets or len(markets) > MAX_PLAN_MARKETS:
        raise InvalidInput(f"ask for 1 to {MAX_PLAN_MARKETS} markets, not {len(markets)}")
    expanded: list[str] = []
    for m in markets:
        code = check_market(snap, m, allow_bloc=True)
        expanded.extend(sorted(snap.blocs[code]) if code in snap.blocs else [code])
    origin_code = check_market(snap, origin)
    hs_code = inputs.check_hs(hs)
    applied = inputs.check_standards(standards, snap.standards)
    product = planner.ProductFacts(hs_code, applied, origin_code, category)
    result = planner.plan(product, expanded, on, snap, catalogue(session)).to_json()
    result["product"] = {"hs": hs_code, "standards": list(standards), "origin": origin_code,
                         "category": category}
    result["asked"] = list(markets)
    return result
