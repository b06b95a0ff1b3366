"""Load the illustrative demo dataset through the services, in dependency order.

Economies, then the registry (bodies, schemes, standards, categories, listings,
accreditations), then cooperation projects and arrangements, then the generated certificate
operations. Every registry and certificate write goes through its service, so the
transparency log records the demo like any other history.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR, Actor
from certpass.certificates import service as certificates
from certpass.certificates.importer import bulk_mode
from certpass.certificates.schemas import AmendRequest, IssueRequest, TransitionRequest
from certpass.config import Settings
from certpass.credentials import bundle
from certpass.credentials import service as credentials
from certpass.demo.generate import generate, read_items
from certpass.ledger import service as ledger
from certpass.projects import service as projects
from certpass.projects.schemas import ProjectIn
from certpass.recognition import service as recognition
from certpass.registry import service as registry
from certpass.registry.schemas import (
    AccreditationIn,
    BodyIn,
    CategoryIn,
    EconomyIn,
    ListingIn,
    SchemeIn,
    StandardIn,
)
from certpass.store.database import Database

ECONOMIES = Path(__file__).parents[1] / "registry" / "data" / "economies.json"
ARRANGEMENTS = Path(__file__).parent / "data" / "arrangements.json"
ESTIMATES = Path(__file__).parent / "data" / "scheme_costs.json"
# Certificate operations per transaction: small enough to keep the write lock short.
BATCH = 250
DEMO_ACTOR = Actor(name="demo loader", role="operator")


def load_economies(session: Session, actor: Actor = OPERATOR) -> int:
    """ISO 3166-1 economies and the blocs, from certpass/registry/data/economies.json."""
    rows = json.loads(ECONOMIES.read_text(encoding="utf-8"))["items"]
    return registry.add_economies(session, [EconomyIn(**row) for row in rows], actor)


def load_registry(session: Session, actor: Actor = DEMO_ACTOR) -> dict[str, int]:
    """Bodies, schemes, standards, categories, listings and accreditations of the demo."""
    for row in read_items("bodies.json"):
        registry.add_body(session, BodyIn(**row), actor)
    for row in read_items("schemes.json"):
        registry.add_scheme(session, SchemeIn(**row), actor)
    # Links point both ways across the file: add every edition first, then link them.
    standards = [StandardIn(**row) for row in read_items("standards.json")]
    for data in standards:
        registry.add_standard(
            session, data.model_copy(update={"adopts_ref": None, "replaced_by_ref": None}), actor
        )
    session.flush()
    for data in standards:
        registry.link_standard(session, data, actor)
    for row in read_items("categories.json"):
        registry.add_category(session, CategoryIn(**row), actor)
    for row in read_items("listings.json"):
        registry.add_listing(session, ListingIn(**row), actor)
    accreditations = read_items("accreditations.json")
    for row in accreditations:
        granted = AccreditationIn(**{k: v for k, v in row.items() if k != "history"},
                                  backdate_reason="demo dataset: an accreditation on record")
        # Granted active, then changed, so the log shows the suspension as its own event.
        registry.accredit(session, granted.model_copy(update={"status": "active"}), actor)
        if granted.status != "active":
            reason = next((h["reason"] for h in reversed(row.get("history", []))
                           if h.get("status") == granted.status), "demo data")
            registry.change_accreditation(session, granted.number, actor,
                                          status=granted.status, reason=reason)
    return {
        "bodies": len(read_items("bodies.json")), "schemes": len(read_items("schemes.json")),
        "standards": len(standards), "categories": len(read_items("categories.json")),
        "listings": len(read_items("listings.json")), "accreditations": len(accreditations),
    }


def load_projects(session: Session, actor: Actor = DEMO_ACTOR) -> int:
    """Cooperation projects through the projects service (each logged as project.recorded)."""
    rows = [ProjectIn(**row) for row in read_items("projects.json")]
    for data in rows:
        projects.record_project(session, data, actor)
    return len(rows)


def load_arrangements_file(session: Session, actor: Actor = DEMO_ACTOR) -> int:
    """Arrangements through the recognition service (each logged as arrangement.recorded)."""
    doc = json.loads(ARRANGEMENTS.read_text(encoding="utf-8"))
    items = doc.get("arrangements", [])
    for item in items:
        recognition.record_arrangement(session, item, actor)
    return len(items)


def load_estimates_file(session: Session, actor: Actor = DEMO_ACTOR) -> int:
    """The demo's illustrative planning estimates, recorded through the recognition service
    like an administrator's (each logged as estimate.recorded)."""
    doc = json.loads(ESTIMATES.read_text(encoding="utf-8"))
    source = f"certpass demo data (illustrative): {doc.get('note', '')}".strip()
    currency = doc.get("currency", "USD")
    n = 0
    for kind, items, key in (("scheme", doc.get("schemes", []), "scheme"),
                             ("condition", doc.get("conditions", []), "code")):
        for item in items:
            recognition.record_estimate(session, kind, item[key], item, actor, source=source,
                                        currency=currency, illustrative=True)
            n += 1
    return n


def apply_operations(db: Database, settings: Settings, operations: Iterable[dict[str, Any]],
                     actor: Actor = DEMO_ACTOR) -> Counter[str]:
    """Issue, amend and change the status of certificates through the certificate service."""
    done: Counter[str] = Counter()
    ops = list(operations)
    for start in range(0, len(ops), BATCH):
        with db.write() as session:
            ctx = credentials.issuing(session, settings)
            for op in ops[start:start + BATCH]:
                kind = op["op"]
                if kind == "issue":
                    certificates.issue(ctx, IssueRequest.model_validate(op["request"]), actor)
                elif kind == "amend":
                    certificates.amend(ctx, op["number"],
                                       AmendRequest.model_validate(op["request"]), actor)
                else:
                    certificates.transition(ctx, op["number"], kind,
                                            TransitionRequest.model_validate(op["request"]),
                                            actor)
                done[kind] += 1
    return done


def load_demo(db: Database, settings: Settings) -> dict[str, int]:
    """Load everything; returns counts for the caller to report. Expects an empty database."""
    figures: dict[str, int] = {}
    with db.write() as session:
        figures["economies"] = load_economies(session, DEMO_ACTOR)
    with db.write() as session:
        figures.update(load_registry(session))
    with db.write() as session:
        figures["projects"] = load_projects(session)
        figures["arrangements"] = load_arrangements_file(session)
        figures["planning estimates"] = load_estimates_file(session)
    with bulk_mode():
        done = apply_operations(db, settings, generate())
    figures["certificates"] = done["issue"]
    figures["certificate changes"] = sum(n for k, n in done.items() if k != "issue")
    with db.write() as session:
        figures["accounts"] = len(accounts.create_demo_accounts(session))
        bundle.prepare(session, settings)  # the web serves the trust bundle from the start
        # The demo's history is provable from its first page view: sign a checkpoint now.
        figures["log entries"] = ledger.checkpoint_now(session, settings).size
    return figures
