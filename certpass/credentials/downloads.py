"""A passport as a file to keep: the signed credential with its transparency-log receipt
and entry, so a verifier holding only a trust bundle can check the log offline
(`certpass verify FILE --trust BUNDLE` → log ✓). The verifier's `{"credential", "receipt",
"entry"}` input shape."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from certpass.credentials import service as credentials
from certpass.errors import NotFound
from certpass.ledger import service as ledger


def passport_file(session: Session, number: str, issue_no: int | None = None
                  ) -> dict[str, Any]:
    """`{"credential": ..., "receipt": ..., "entry": ...}` of one issue (current by
    default); without receipt and entry while no checkpoint covers the issue's log entry."""
    certificate, row = credentials.find(session, number, issue_no)
    out: dict[str, Any] = {"credential": credentials.document(row)}
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
