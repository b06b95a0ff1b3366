"""The demo database through the demo loader, with a signed checkpoint, a later change and a
second checkpoint (so the log page has proofs to show), and a certification-body user for
the portal. Tests share one build per session (``demo_site_file`` in tests/conftest.py);
``build`` makes one for another base URL (the browser tests' server)."""

from __future__ import annotations

import shutil
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


def settings_for(path: Path, base_url: str = "http://127.0.0.1:8000") -> Settings:
    return Settings.load(environ={}, database_url=f"sqlite:///{path}", base_url=base_url,
                         secret_key="test-secret-key-0123456789")


def build(directory: Path, base_url: str = "http://127.0.0.1:8000") -> tuple[Settings, Database]:
    settings = settings_for(directory / "demo.db", base_url)
    db = Database(settings.database_url)
    db.migrate()
    load_demo(db, settings)
    finish(db, settings)
    return settings, db


def copy(source: Path, directory: Path) -> tuple[Settings, Database]:
    """A private copy of a built demo site (``demo_site_file``)."""
    path = directory / "demo.db"
    shutil.copy(source, path)
    settings = settings_for(path)
    return settings, Database(settings.database_url)


def finish(db: Database, settings: Settings) -> None:
    """What the pages' tests add to the loaded demo."""
    with db.write() as s:
        ledger.checkpoint_now(s, settings)
    with db.write() as s:
        certificates.transition(credentials.issuing(s, settings), SUSPENDED_LATER,
                                "suspend", TransitionRequest(reason="surveillance audit"),
                                OPERATOR)
    with db.write() as s:
        ledger.checkpoint_now(s, settings)
        accounts.add_user(s, USER, "certification-body", "cqc", PASSWORD, OPERATOR)
