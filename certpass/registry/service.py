"""The registry's operations: the only writer of economies, bodies, schemes, standards,
categories, listings and accreditations."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, TypeVar

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from certpass.accounts.actor import Actor
from certpass.config import Settings
from certpass.errors import BackdateReasonNeeded, Conflict, InvalidInput, NotFound
from certpass.ledger.service import append_event
from certpass.registry import reads
from certpass.registry.models import (
    Accreditation,
    Body,
    Economy,
    ProductCategory,
    Scheme,
    SchemeListing,
    Standard,
)
from certpass.registry.schemas import (
    AccreditationIn,
    BodyIn,
    CategoryIn,
    EconomyIn,
    ListingIn,
    SchemeIn,
    StandardIn,
)
from certpass.store.base import Base, utcnow

M = TypeVar("M", bound=Base)

_WHAT = {
    Economy: "economy", Body: "body", Scheme: "scheme", Standard: "standard",
    ProductCategory: "product category", Accreditation: "accreditation",
}


def get(session: Session, model: type[M], key: Any) -> M:
    """A registry row by key, or NotFound naming what was looked for."""
    row = session.get(model, key)
    if row is None:
        what = _WHAT.get(model, model.__name__.lower())
        raise NotFound(f"unknown {what} {key!r}", hint=f"list the known {what} codes first",
                       details={"kind": what, "key": key})
    return row


def _require_new(session: Session, model: type[Base], key: Any) -> None:
    if session.get(model, key) is not None:
        raise Conflict(f"{_WHAT.get(model, model.__name__)} {key!r} already exists")


def add_economies(session: Session, rows: Iterable[EconomyIn], actor: Actor) -> int:
    actor.require_admin("record economies")
    rows = list(rows)
    known = {r.code for r in rows} | set(session.scalars(select(Economy.code)))
    for row in rows:
        missing = [m for m in row.members if m not in known]
        if missing:
            raise InvalidInput(f"bloc {row.code} names unknown members {missing}")
        session.merge(Economy(**row.model_dump()))
        _log(session, "economy.recorded", actor, economy=row.model_dump(mode="json"))
    return len(rows)


def add_body(session: Session, data: BodyIn, actor: Actor) -> Body:
    actor.require_admin("record bodies")
    _require_new(session, Body, data.id)
    get(session, Economy, data.economy_code)
    body = Body(**data.model_dump())
    session.add(body)
    session.flush()
    _log(session, "body.registered", actor, body={
        "id": body.id, "name_en": body.name_en, "economy": body.economy_code,
        "roles": body.roles})
    return body


def add_scheme(session: Session, data: SchemeIn, actor: Actor) -> Scheme:
    actor.require_admin("record schemes")
    _require_new(session, Scheme, data.code)
    if data.owner_id:
        get(session, Body, data.owner_id)
    for market in data.home_markets:
        get(session, Economy, market)
    scheme = Scheme(**data.model_dump())
    session.add(scheme)
    _log(session, "scheme.recorded", actor, scheme=data.model_dump(mode="json"))
    return scheme


def add_standard(session: Session, data: StandardIn, actor: Actor) -> Standard:
    actor.require_admin("record standards")
    _require_new(session, Standard, data.ref)
    session.add(Standard(**data.model_dump(exclude={"adopts_ref", "replaced_by_ref"})))
    session.flush()
    _log(session, "standard.recorded", actor,
         standard=data.model_dump(mode="json", exclude={"adopts_ref", "replaced_by_ref"}))
    return link_standard(session, data, actor)


def link_standard(session: Session, data: StandardIn, actor: Actor) -> Standard:
    """Adoption and replacement links, set once both ends exist."""
    actor.require_admin("link standards")
    standard = get(session, Standard, data.ref)
    if not (data.adopts_ref or data.replaced_by_ref):
        return standard
    if data.adopts_ref:
        get(session, Standard, data.adopts_ref)
        standard.adopts_ref = data.adopts_ref
    if data.replaced_by_ref:
        get(session, Standard, data.replaced_by_ref)
        standard.replaced_by_ref = data.replaced_by_ref
    _log(session, "standard.linked", actor, standard={
        "ref": data.ref, "adopts": data.adopts_ref, "replaced_by": data.replaced_by_ref})
    return standard


def add_category(session: Session, data: CategoryIn, actor: Actor) -> ProductCategory:
    actor.require_admin("record product categories")
    _require_new(session, ProductCategory, data.code)
    category = ProductCategory(**data.model_dump())
    session.add(category)
    _log(session, "category.recorded", actor, category=data.model_dump(mode="json"))
    return category


def add_listing(session: Session, data: ListingIn, actor: Actor) -> SchemeListing:
    actor.require_admin("record scheme listings")
    get(session, Scheme, data.scheme_code)
    get(session, Body, data.body_id)
    listing = SchemeListing(**data.model_dump())
    session.add(listing)
    _log(session, "listing.recorded", actor, listing=data.model_dump(mode="json"))
    return listing


def accredit(session: Session, data: AccreditationIn, actor: Actor,
             backdate_days: int | None = None) -> Accreditation:
    """An accreditation body grants an accreditation within its own name. One starting more
    than `backdate_days` (setting accreditation_backdate_days) ago needs a reason, which its
    history and log entry record."""
    actor.require_accreditor(data.accreditor_id, "grant this accreditation")
    window = Settings().accreditation_backdate_days if backdate_days is None else backdate_days
    days = (dt.date.today() - data.valid_from).days
    backdated = None
    if days > window:
        if not data.backdate_reason:
            raise BackdateReasonNeeded(
                f"valid_from {data.valid_from} is {days} days ago (more than {window})",
                hint="give backdate_reason: why an accreditation starting this far back is "
                     "recorded now (it is written to the transparency log)",
                details={"valid_from": data.valid_from.isoformat(), "days": days,
                         "window_days": window},
            )
        backdated = {"days": days, "window_days": window, "reason": data.backdate_reason}
    accreditor = get(session, Body, data.accreditor_id)
    body = get(session, Body, data.body_id)
    if "accreditation-body" not in accreditor.roles:
        raise InvalidInput(f"{accreditor.id} is not an accreditation body")
    if data.accreditor_id == data.body_id:
        raise InvalidInput("a body cannot accredit itself")
    exists = session.scalar(select(func.count()).where(Accreditation.number == data.number))
    if exists:
        raise Conflict(f"accreditation {data.number!r} already exists")
    for code in data.scope.get("schemes", []):
        get(session, Scheme, code)
    acc = Accreditation(**data.model_dump(exclude={"backdate_reason"}))
    acc.history = [{"at": utcnow().isoformat(), "status": data.status, "actor": actor.label,
                    "reason": "granted" + (f" (back-dated: {data.backdate_reason})"
                                           if backdated else "")}]
    session.add(acc)
    session.flush()
    _log_accreditation(session, "accreditation.granted", acc, actor, body, backdated)
    return acc


def change_accreditation(
    session: Session, number: str, actor: Actor, *, status: str | None = None,
    scope: dict[str, list[str]] | None = None, valid_until: dt.date | None = None,
    reason: str,
) -> Accreditation:
    acc = reads.accreditation(session, number)
    actor.require_accreditor(acc.accreditor_id, "change this accreditation")
    if status is not None:
        if status not in ("active", "suspended", "withdrawn"):
            raise InvalidInput(f"unknown accreditation status {status!r}",
                               hint="use active, suspended or withdrawn")
        if acc.status == "withdrawn":
            raise Conflict(f"accreditation {number} is withdrawn and cannot change")
        acc.status = status
    if scope is not None:
        try:
            AccreditationIn(**{**_accreditation_in(acc), "scope": scope})
        except ValidationError as exc:  # a scope the accreditation could not have been granted
            first = exc.errors()[0]
            raise InvalidInput(f"scope: {str(first['msg']).removeprefix('Value error, ')}",
                               hint='a scope is {"schemes": [...], "categories": [...], '
                                    '"standards": [...]} with at least one scheme',
                               details={"scope": scope}) from None
        acc.scope = scope
    if valid_until is not None:
        if valid_until <= acc.valid_from:
            raise InvalidInput("valid_until must be after valid_from")
        acc.valid_until = valid_until
    acc.history = [*acc.history, {"at": utcnow().isoformat(), "status": acc.status,
                                  "actor": actor.label, "reason": reason}]
    kind = "accreditation.suspended" if status == "suspended" else "accreditation.changed"
    _log_accreditation(session, kind, acc, actor, acc.body)
    return acc


def _log(session: Session, kind: str, actor: Actor, **what: Any) -> None:
    """Every registry change is a log entry: derived caches and monitors rely on it."""
    append_event(session, {"type": kind, "at": utcnow().isoformat(), "actor": actor.label,
                           **what})


def _accreditation_in(acc: Accreditation) -> dict[str, Any]:
    """The stored accreditation as the input model reads it (the grant's back-dating reason
    is in its history and log entry, not a column)."""
    return {k: getattr(acc, k) for k in AccreditationIn.model_fields if k != "backdate_reason"}


def _log_accreditation(session: Session, kind: str, acc: Accreditation, actor: Actor,
                       body: Body, backdated: dict[str, Any] | None = None) -> None:
    extra = {"backdated": backdated} if backdated else {}
    _log(session, kind, actor, **extra, accreditation={
            "number": acc.number, "accreditor": acc.accreditor_id, "body": body.id,
            "standard": acc.standard, "scope": acc.scope, "status": acc.status,
            "valid_from": acc.valid_from.isoformat(), "valid_until": acc.valid_until.isoformat(),
    })
