"""What the download routes hand out for a certificate issue: its stored credential (alone,
or as a file to keep with its log receipt), and the facts the printed passport shows."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy.orm import Session

from certpass.certificates import lifecycle
from certpass.certificates import service as certificates
from certpass.certificates.models import Certificate
from certpass.config import Settings
from certpass.credentials import passport, service
from certpass.credentials.models import IssuedCredential
from certpass.errors import NotFound
from certpass.ledger import service as ledger


def find(session: Session, number: str, issue_no: int | None = None,
         issuer: str | None = None) -> tuple[Certificate, IssuedCredential]:
    """A certificate (of `issuer`, where several hold the number) and the stored credential
    of one of its issues (current by default); an unknown number raises NotFound."""
    certificate = certificates.get(session, number, issuer=issuer)
    return certificate, service.stored(session, certificate, issue_no)


def passport_facts(session: Session, settings: Settings, number: str,
                   issue_no: int | None = None, issuer: str | None = None
                   ) -> passport.PassportFacts:
    """What the printed passport shows, from the certificate and its signed credential."""
    certificate, row = find(session, number, issue_no, issuer)
    doc = row.signed_document()
    issue = next(i for i in certificate.issues if i.issue_no == row.issue_no)
    today = dt.date.today()
    effective = lifecycle.effective_status(certificate.status, certificate.valid_until, today)
    if issue.superseded_at is not None:
        effective = "superseded"
    subject = doc["credentialSubject"]
    endorsement = (subject.get("authorisation") or [{}])[0]
    body = certificate.issuer
    products = []
    for p in issue.products:
        name = f"{p['name']} / {p['name_zh']}" if p.get("name_zh") else p["name"]
        extra = [x for x in (p.get("trademark"), p.get("ratings"),
                             f"HS {p['hs_code']}" if p.get("hs_code") else "") if x]
        products.append(f"{name}: {', '.join(p.get('models') or [])}"
                        + (f" ({'; '.join(extra)})" if extra else ""))
    maker = issue.manufacturer or {}
    return passport.PassportFacts(
        number=certificate.number, issue=row.issue_no,
        scheme=" / ".join(x for x in (certificate.scheme.name_en, certificate.scheme.name_zh)
                          if x),
        kind=certificate.kind, status=effective,
        status_word=lifecycle.status_word(effective, certificate.scheme.status_words),
        issued_on=issue.issued_on.isoformat(),
        first_issued_on=certificate.first_issued_on.isoformat(),
        valid_until=issue.valid_until.isoformat() if issue.valid_until else "",
        issuer=" / ".join(x for x in (body.name_en, body.name_zh) if x),
        issuer_did=doc["issuer"]["id"],
        accreditation=endorsement.get("name", ""),  # the PDF says "none recorded" in its languages
        assessment_level=subject.get("assessmentLevel", ""),
        holder=issue.holder.get("name", ""), holder_zh=issue.holder.get("name_zh", ""),
        manufacturer=" / ".join(x for x in (maker.get("name"), maker.get("name_zh")) if x),
        holder_names=issue.holder.get("names") or {},
        manufacturer_names=maker.get("names") or {},
        products=products,
        factories=[", ".join(x for x in (f["name"], f.get("address"), f["economy"]) if x)
                   for f in issue.factories],
        standards=list(issue.standards),
        sha256=row.sha256,
        resolver_url=service.resolver_url(settings, certificate.number, row.sha256),
        credential_id=doc["id"],
        verification_method=doc["proof"]["verificationMethod"],
    )


def passport_file(session: Session, number: str, issue_no: int | None = None,
                  issuer: str | None = None) -> dict[str, Any]:
    """The passport as a file to keep: `{"credential", "receipt", "entry"}` of one issue
    (current by default), the verifier's input shape, so a verifier holding only a trust
    bundle checks the log offline too (`certpass verify FILE --trust BUNDLE` → log ok).
    Receipt and entry are left out while no checkpoint covers the issue's log entry."""
    certificate, row = find(session, number, issue_no, issuer)
    out: dict[str, Any] = {"credential": row.signed_document()}
    event = next((e for e in reversed(certificate.events)
                  if e.issue_no == row.issue_no and e.action in ("issue", "amend")
                  and e.log_index is not None), None)
    if event is None or event.log_index is None:
        return out
    try:
        receipt = ledger.receipt(session, event.log_index)
    except NotFound:
        return out  # the next checkpoint will cover it
    out["receipt"] = receipt
    out["entry"] = bytes(ledger.entry(session, event.log_index).entry).decode("utf-8")
    return out
