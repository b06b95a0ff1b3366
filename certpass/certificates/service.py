"""The certificate lifecycle: the only writer of certificates, issues and status events.

Every operation runs inside the caller's transaction (``Database.write()``) and appends its
transparency-log entry there too, so a certificate and its record commit together or not
at all.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from certpass.accounts.actor import Actor
from certpass.alerts import service as alerts
from certpass.certificates import gtin, history, lifecycle
from certpass.certificates.context import IssuingContext
from certpass.certificates.models import (
    Certificate,
    CertificateIssue,
    ProductGtin,
    StatusEvent,
)
from certpass.certificates.schemas import (
    AmendRequest,
    CertificateDetail,
    CertificateSummary,
    IssueRequest,
    TransitionRequest,
)
from certpass.errors import AmbiguousNumber, DuplicateCertificate, InvalidInput, NotFound
from certpass.index import writer as search_index
from certpass.ledger import service as ledger
from certpass.ledger.service import append_event
from certpass.registry.models import (
    Body,
    Economy,
    ProductCategory,
    Scheme,
)
from certpass.store import pending
from certpass.store.base import row_of, utcnow

EVENT_TYPES = {
    "issue": "certificate.issued", "amend": "certificate.amended",
    "suspend": "certificate.suspended", "restore": "certificate.restored",
    "withdraw": "certificate.withdrawn", "cancel": "certificate.cancelled",
}
_CERTIFICATES = Certificate.__table__
_GTINS = ProductGtin.__table__
# How far ahead of today an issue date may lie (time zones), so nothing is pre-dated.
_FUTURE_SLACK = dt.timedelta(days=1)


@dataclass(frozen=True)
class Issued:
    """What issuing wrote: the certificate's number and id, and its log entry."""

    number: str
    id: int
    log_index: int


def issue(ctx: IssuingContext, req: IssueRequest, actor: Actor) -> Issued:
    """Issue a certificate, refusing what the issuer is not accredited to certify.

    Its rows (certificate, first issue, status event, and the credential's) are buffered
    in the transaction and written together (store.pending): bulk issuance spends its time
    on the work, not on ORM bookkeeping. Read it back with `get`."""
    session = ctx.session
    actor.require_certifier(req.issuer, "issue its certificates")
    scheme = ctx.get(Scheme, req.scheme)
    issuer = ctx.get(Body, req.issuer)
    _check_references(ctx, req)
    if "certification-body" not in issuer.roles and "testing-lab" not in issuer.roles:
        raise InvalidInput(f"{issuer.id} is not a certification body or laboratory")
    _check_issue_date(req.issued_on)
    backdated = _backdating(ctx, req.issued_on, req.backdate_reason, actor)
    if ctx.taken(issuer.id, req.number):
        raise DuplicateCertificate(
            f"certificate {req.number} already exists",
            hint="to change a certificate, amend it; numbers are never reused",
            details={"number": req.number, "issuer": issuer.id})
    lifecycle.check_validity(req.issued_on, req.valid_until, scheme.validity_years)
    accreditation = lifecycle.check_scope(
        issuer.id, ctx.scopes(issuer.id), scheme.code, req.category, req.standards, req.issued_on
    )
    valid_until = req.valid_until or lifecycle.default_valid_until(
        req.issued_on, scheme.validity_years
    )
    now = utcnow()
    certificate_id = pending.reserve_id(session, _CERTIFICATES)
    certificate: dict[str, Any] = {
        "id": certificate_id, "number": req.number,
        "scheme_code": scheme.code, "issuer_id": issuer.id, "kind": req.kind,
        "holder_name": req.holder.name, "holder_economy": req.holder.economy,
        "current_issue": 0, "status": "valid",
        "status_word": lifecycle.status_word("valid", scheme.status_words),
        "first_issued_on": req.issued_on, "valid_until": valid_until,
        "category_code": req.category,
        "hs_code": next((p.hs_code for p in req.products if p.hs_code), ""),
        "created_by": actor.label, "updated_at": now,
    }
    first = {
        "certificate_id": certificate["id"], "issue_no": 0, "issued_on": req.issued_on,
        "valid_until": valid_until, "holder": req.holder.row(),
        "manufacturer": (req.manufacturer or req.holder).row(),
        "products": [p.row() for p in req.products],
        "factories": [f.model_dump() for f in req.factories],
        "standards": list(req.standards),
        "test_reports": [t.model_dump() for t in req.test_reports],
        "testing_route": req.testing_route, "conditions": req.conditions,
        "change_note": f"issued under accreditation {accreditation.number}",
        "superseded_at": None,
    }
    pending.add(session, _CERTIFICATES, certificate)
    pending.add(session, CertificateIssue.__table__, first)
    for code in _gtins(first["products"]):
        pending.add(session, _GTINS, {"gtin": code, "certificate_id": certificate_id})
    search_index.on_issue(session, certificate, first, issuer)
    documents = ctx.passports.on_issue(ctx, certificate, first)
    index = _record(ctx, certificate, 0, "issue", "", "valid", actor, "issued", req.issued_on,
                    now, documents, backdated)
    ctx.issued.add((issuer.id, req.number))
    return Issued(req.number, certificate_id, index)


def issue_many(ctx: IssuingContext, requests: Sequence[IssueRequest], actor: Actor
               ) -> list[Issued]:
    """Issue a batch in the caller's transaction: all of them, or none if one is refused."""
    ctx.check_numbers((r.issuer, r.number) for r in requests)
    return [issue(ctx, r, actor) for r in requests]


def amend(ctx: IssuingContext, number: str, req: AmendRequest, actor: Actor,
          issuer: str | None = None) -> Certificate:
    """A new issue with the changes; the former issue is superseded and stays readable."""
    certificate = get(ctx.session, number, issuer=issuer, prefer=actor.body_id, for_update=True)
    actor.require_certifier(certificate.issuer_id, "amend its certificates")
    lifecycle.next_status("amend", certificate.status, certificate.valid_until, req.issued_on)
    current = certificate.current
    _check_issue_date(req.issued_on)
    backdated = _backdating(ctx, req.issued_on, req.backdate_reason, actor)
    if req.issued_on < current.issued_on:
        raise InvalidInput(
            f"issue date {req.issued_on} is before the current issue's ({current.issued_on})",
            hint="an amendment cannot be backdated before the issue it replaces",
        )
    changes = req.model_dump(exclude_unset=True, exclude={"issued_on", "reason", "backdate_reason"})
    for key in ("holder", "manufacturer"):  # stored as an issue stores them
        party = getattr(req, key)
        if party is not None:
            changes[key] = party.row()
    if req.products is not None:
        changes["products"] = [p.row() for p in req.products]
    if not changes:
        raise InvalidInput("the amendment changes nothing",
                           hint="give at least one of holder, products, standards, ...")
    standards = req.standards or current.standards
    for ref in standards:
        if not ctx.known_standard(ref):
            raise NotFound(f"unknown standard {ref!r}")
    lifecycle.check_scope(certificate.issuer_id, ctx.scopes(certificate.issuer_id),
                          certificate.scheme_code, certificate.category_code, standards,
                          req.issued_on)
    new = CertificateIssue(
        issue_no=current.issue_no + 1, issued_on=req.issued_on,
        valid_until=req.valid_until or current.valid_until,
        holder=changes.get("holder", current.holder),
        manufacturer=changes.get("manufacturer", current.manufacturer),
        products=changes.get("products", current.products),
        factories=changes.get("factories", current.factories),
        standards=list(standards),
        test_reports=changes.get("test_reports", current.test_reports),
        testing_route=req.testing_route or current.testing_route,
        conditions=current.conditions if req.conditions is None else req.conditions,
        change_note=req.reason,
    )
    for economy in [new.holder.get("economy"), new.manufacturer.get("economy"),
                    *(f.get("economy") for f in new.factories)]:
        if economy:
            ctx.get(Economy, economy)
    if new.valid_until is not None and new.valid_until <= new.issued_on:
        raise InvalidInput("valid_until must be after the new issue date")
    lifecycle.check_validity(new.issued_on, new.valid_until, certificate.scheme.validity_years)
    current.superseded_at = utcnow()
    certificate.issues.append(new)
    certificate.current_issue = new.issue_no
    certificate.holder_name = new.holder["name"]
    certificate.holder_economy = new.holder["economy"]
    certificate.valid_until = new.valid_until
    certificate.hs_code = next((p["hs_code"] for p in new.products if p.get("hs_code")), "")
    _replace_gtins(ctx.session, certificate.id, new.products)
    documents = ctx.passports.on_issue(ctx, row_of(certificate), row_of(new))
    search_index.on_amend(ctx.session, row_of(certificate),
                          [row_of(i) for i in certificate.issues], certificate.issuer)
    _record_change(ctx, certificate, "amend", "valid", "valid", actor, req.reason,
                   req.issued_on, documents, backdated)
    return certificate


def _gtins(products: Sequence[Mapping[str, Any]]) -> list[str]:
    """The GTINs of an issue's products, once each, in order."""
    return list(dict.fromkeys(p["gtin"] for p in products if p.get("gtin")))


def _replace_gtins(session: Session, certificate_id: int,
                   products: Sequence[Mapping[str, Any]]) -> None:
    """The certificate's GTINs are those of its current issue's products."""
    session.execute(delete(ProductGtin).where(ProductGtin.certificate_id == certificate_id))
    rows = [{"gtin": g, "certificate_id": certificate_id} for g in _gtins(products)]
    if rows:
        session.execute(insert(ProductGtin), rows)


def standards_cited(session: Session, scheme_code: str) -> set[str]:
    """The standard editions any issue (current or superseded) of a certificate under the
    scheme cites."""
    lists = session.scalars(select(CertificateIssue.standards).join(
        Certificate, Certificate.id == CertificateIssue.certificate_id)
        .where(Certificate.scheme_code == scheme_code))
    return {ref for refs in lists for ref in refs}


def by_gtin(session: Session, code: str) -> list[Certificate]:
    """Every certificate whose current issue covers a product with this GTIN (any length),
    newest first."""
    return list(session.scalars(
        select(Certificate).join(ProductGtin, ProductGtin.certificate_id == Certificate.id)
        .where(ProductGtin.gtin == gtin.normalise(code))
        .order_by(Certificate.first_issued_on.desc(), Certificate.id.desc())))


def transition(
    ctx: IssuingContext, number: str, action: str, req: TransitionRequest, actor: Actor,
    issuer: str | None = None,
) -> Certificate:
    """suspend, restore, withdraw or cancel a certificate."""
    certificate = get(ctx.session, number, issuer=issuer, prefer=actor.body_id, for_update=True)
    actor.require_certifier(certificate.issuer_id, f"{action} its certificates")
    on = req.effective_on or dt.date.today()
    _check_issue_date(on)
    if on < certificate.current.issued_on:
        raise InvalidInput(f"effective date {on} is before the current issue "
                           f"({certificate.current.issued_on})")
    # A suspension or withdrawal dated back rewrites what verifiers were told in between:
    # bounded by the same window as an issue date, beyond it the operator's alone, logged.
    backdated = _backdating(ctx, on, req.reason, actor)
    before = certificate.status
    after = lifecycle.next_status(action, before, certificate.valid_until, on)
    certificate.status = after
    certificate.status_word = lifecycle.status_word(after, certificate.scheme.status_words)
    ctx.passports.on_status_change(ctx, certificate, before, after)
    _record_change(ctx, certificate, action, before, after, actor, req.reason, on,
                   backdated=backdated)
    return certificate


def get(session: Session, number: str, *, issuer: str | None = None,
        prefer: str | None = None, for_update: bool = False) -> Certificate:
    """The certificate `number` of `issuer`. Numbers are unique per issuer, so without an
    issuer a number two bodies hold is ambiguous (AmbiguousNumber lists them), unless one
    of them is `prefer`'s (a certification body's own writes)."""
    query = select(Certificate).where(Certificate.number == number)
    if issuer:
        query = query.where(Certificate.issuer_id == issuer)
    if for_update:
        query = query.with_for_update(of=Certificate)
    found = list(session.scalars(query.order_by(Certificate.id).limit(20)))
    if not found:
        raise NotFound(
            f"no certificate numbered {number!r} is registered"
            + (f" by {issuer}" if issuer else ""),
            hint="check the number (and the issuing body) as printed; certpass never deletes "
                 "a certificate, so an unknown number was never issued here",
            details={"number": number, **({"issuer": issuer} if issuer else {})},
        )
    if len(found) > 1:
        own = [c for c in found if c.issuer_id == prefer]
        if own:
            return own[0]
        issuers = [c.issuer_id for c in found]
        raise AmbiguousNumber(
            f"certificate number {number} is registered by {len(found)} bodies: "
            + ", ".join(issuers),
            hint="say which body issued it: ?issuer=<body id> on the web and the API, "
                 "--issuer on the command line",
            details={"number": number, "issuers": issuers},
        )
    return found[0]


def issuer_of(session: Session, number: str, issuer: str | None = None) -> str:
    """Whose certificate `number` is (`issuer` checked, if given); "" while nobody holds it.
    AmbiguousNumber where several bodies do and `issuer` does not say which."""
    try:
        return get(session, number, issuer=issuer).issuer_id
    except NotFound:
        if issuer:
            raise
        return ""


def _check_references(ctx: IssuingContext, req: IssueRequest) -> None:
    economies = {req.holder.economy, *(f.economy for f in req.factories)}
    if req.manufacturer:
        economies.add(req.manufacturer.economy)
    for code in sorted(economies):
        ctx.get(Economy, code)
    if req.category:
        ctx.get(ProductCategory, req.category)
    unknown = [ref for ref in req.standards if not ctx.known_standard(ref)]
    if unknown:
        raise NotFound(f"unknown standard {unknown[0]!r}",
                       hint='write standards as "designation:edition", e.g. IEC 60335-1:2020, '
                            "and only those in the registry",
                       details={"unknown": unknown})
    for report in req.test_reports:
        ctx.get(Body, report.lab_id)


def _backdating(ctx: IssuingContext, day: dt.date, reason: str, actor: Actor
                ) -> dict[str, Any] | None:
    """What the log entry records of a date beyond the back-dating window (None: within it);
    refused unless the actor holds the privilege."""
    window = ctx.settings.backdate_days
    days = lifecycle.backdated_days(day, dt.date.today(), window, actor.may_backdate)
    if not days:
        return None
    return {"days": days, "window_days": window, "by": actor.label,
            "reason": reason or "recorded by the operator"}


def _check_issue_date(day: dt.date) -> None:
    if day > dt.date.today() + _FUTURE_SLACK:
        raise InvalidInput(f"date {day} is in the future",
                           hint="certificates are recorded when they happen, never pre-dated")


def _record(
    ctx: IssuingContext, certificate: Mapping[str, Any], issue_no: int, action: str,
    before: str, after: str, actor: Actor, reason: str, effective_on: dt.date,
    at: dt.datetime, documents: dict[str, str] | None = None,
    backdated: dict[str, Any] | None = None,
) -> int:
    """The status event and its transparency-log entry, in the caller's transaction
    (`documents`: hashes of the issue's signed documents, e.g. its credential); returns the
    entry's index."""
    event: dict[str, Any] = {
        "type": EVENT_TYPES[action], "at": at.isoformat(), "actor": actor.label,
        "certificate": {
            "number": certificate["number"], "issue": issue_no, "status": after,
            "scheme": certificate["scheme_code"], "issuer": certificate["issuer_id"],
            "effective_on": effective_on.isoformat(),
            "valid_until": certificate["valid_until"].isoformat()
            if certificate["valid_until"] else None,
        },
        "reason": reason,
    }
    if documents:
        event["documents"] = documents
    if backdated:
        event["backdated"] = backdated
    index = append_event(ctx.session, event)
    alerts.on_certificate_event(ctx.session, certificate, event, index)
    words = ctx.get(Scheme, certificate["scheme_code"]).status_words
    pending.add(ctx.session, StatusEvent.__table__, {
        "certificate_id": certificate["id"], "issue_no": issue_no, "action": action,
        "from_status": before, "to_status": after,
        "status_word": lifecycle.status_word(after, words), "at": at,
        "effective_on": effective_on, "actor": actor.label, "reason": reason,
        "log_index": index,
    })
    return index


def _record_change(ctx: IssuingContext, certificate: Certificate, action: str, before: str,
                   after: str, actor: Actor, reason: str, effective_on: dt.date,
                   documents: dict[str, str] | None = None,
                   backdated: dict[str, Any] | None = None) -> None:
    """_record for a loaded certificate (amend, transitions)."""
    now = certificate.updated_at = utcnow()
    _record(ctx, row_of(certificate), certificate.current_issue, action, before, after, actor,
            reason, effective_on, now, documents, backdated)
    ctx.session.expire(certificate, ["events"])  # the event row is written with the batch


def _summary_fields(c: Certificate, on: dt.date | None) -> dict[str, Any]:
    on = on or dt.date.today()
    status = lifecycle.effective_status(c.status, c.valid_until, on)
    current = c.current
    return {
        "number": c.number, "scheme": c.scheme_code, "kind": c.kind,
        "issuer": {"id": c.issuer_id, "name_en": c.issuer.name_en, "name_zh": c.issuer.name_zh},
        "holder": current.holder, "status": status,
        "status_word": lifecycle.status_word(status, c.scheme.status_words),
        "issue": c.current_issue, "first_issued_on": c.first_issued_on,
        "issued_on": current.issued_on, "valid_until": c.valid_until,
        "products": current.products, "standards": current.standards,
        "category": c.category_code,
    }


def to_summary(c: Certificate, on: dt.date | None = None) -> CertificateSummary:
    """A certificate as lists show it (the API's CertificateSummary)."""
    return CertificateSummary.model_validate(_summary_fields(c, on))


def to_detail(c: Certificate, on: dt.date | None = None) -> CertificateDetail:
    """A certificate with its issues and history (the API's CertificateDetail)."""
    words = c.scheme.status_words
    current = c.current
    return CertificateDetail.model_validate({
        **_summary_fields(c, on),
        "manufacturer": current.manufacturer, "factories": current.factories,
        "test_reports": current.test_reports,
        "testing_route": current.testing_route, "conditions": current.conditions,
        "issues": [
            {"issue": i.issue_no, "issued_on": i.issued_on, "valid_until": i.valid_until,
             "status": "superseded" if i.superseded_at else "current",
             "status_word": lifecycle.status_word("superseded", words) if i.superseded_at
             else "", "superseded_at": i.superseded_at, "change_note": i.change_note,
             "holder": i.holder, "products": i.products, "standards": i.standards}
            for i in c.issues
        ],
        "history": [
            {"action": e.action, "issue": e.issue_no, "from": e.from_status, "to": e.to_status,
             "status_word": e.status_word, "at": e.at, "effective_on": e.effective_on,
             "actor": e.actor, "reason": e.reason, "log_index": e.log_index}
            for e in c.events
        ],
    })


def audit_registry(session: Session, on: dt.date | None = None) -> list[str]:
    """Compare the certificates table with what the transparency log says happened: an
    edit made behind the service's back (plain SQL) shows up as a difference."""
    on = on or dt.date.today()
    recorded: dict[str, history.Recorded] = {}
    size, step = ledger.tree_size(session), 10_000
    for start in range(0, size, step):
        entries = ledger.entries_range(session, start, start + step)
        recorded.update(history.replay(json.loads(e.entry) for e in entries))
    served = {
        history.key(number, issuer): history.Served(
            lifecycle.effective_status(status, until, on), issue,
            until.isoformat() if until else None)
        for number, issuer, status, issue, until in session.execute(select(
            Certificate.number, Certificate.issuer_id, Certificate.status,
            Certificate.current_issue, Certificate.valid_until))
    }
    return history.compare(recorded, served, on)
