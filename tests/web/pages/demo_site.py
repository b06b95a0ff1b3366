"""The demo database, built once per test session through the demo loader, with a signed
checkpoint, a later change and a second checkpoint (so the log page has proofs to show),
and a certification-body user for the portal."""

from __future__ import annotations

from pathlib import Path

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.certificates.schemas import TransitionRequest
from certpass.config import Settings
from certpass.credentials import service as credentials
from certpass.demo.loader import load_demo
from certpass.ledger import service as ledger
from certpass.store.database import Database

USER, PASSWORD = "cqc-officer", "correct horse battery"
SUSPENDED_LATER = "PTB 18 ATEX 1002"  # valid in the demo; suspended after the 1st checkpoint


def build(directory: Path, base_url: str = "http://127.0.0.1:8000") -> tuple[Settings, Database]:
    url = f"sqlite:///{directory / 'demo.db'}"
    settings = Settings.load(environ={}, database_url=url, base_url=base_url,
                             secret_key="test-secret-key-0123456789")
    db = Database(url)
    db.migrate()
    load_demo(db, settings)
    with db.write() as s:
        ledger.checkpoint_now(s, settings)
    with db.write() as s:
        certificates.transition(credentials.issuing(s, settings), SUSPENDED_LATER,
                                "suspend", TransitionRequest(reason="surveillance audit"),
                                OPERATOR)
    with db.write() as s:
        ledger.checkpoint_now(s, settings)
        accounts.add_user(s, USER, "certification-body", "cqc", PASSWORD, OPERATOR)
    return settings, db
