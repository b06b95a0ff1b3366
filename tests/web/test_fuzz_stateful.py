"""Stateful Schemathesis (issue 12): sequences of calls with write tokens, following links
from what a write creates to the operations on it (a certificate issued, then read, amended,
suspended...; an accreditation granted, then changed; a subscription made, then resumed or
deleted). No response may be a 5xx. ``CERTPASS_FUZZ_EXAMPLES`` sets the number of runs
(``make fuzz`` sets 200); each run is at most 12 steps."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.config import Settings
from certpass.store.database import Database
from certpass.web.app import create_app
from tests.registry_fixture import seed

EXAMPLES = int(os.environ.get("CERTPASS_FUZZ_EXAMPLES", "20"))
USERS = {"cqc": ("certification-body", "cqc"), "cnas": ("accreditation-body", "cnas"),
         "root": ("admin", None)}


def _app():  # type: ignore[no-untyped-def]
    folder = Path(tempfile.mkdtemp(prefix="certpass-fuzz-stateful-"))
    db = Database(f"sqlite:///{folder / 'fuzz.db'}")
    db.migrate()
    seed(db)
    tokens = {}
    with db.write() as s:
        for name, (role, body) in USERS.items():
            accounts.add_user(s, name, role, body, "correct horse battery", OPERATOR)
            tokens[name] = accounts.create_token(s, name, "write", 5, "fuzz", OPERATOR).token
    settings = Settings.load(environ={}, secret_key="test-secret-key-0123456789",
                             verify_rate_per_minute="1000000")
    return create_app(settings, db), tokens


APP, TOKENS = _app()
schema = schemathesis.from_asgi("/openapi.json", APP, force_schema_version="30")

LINKS = [
    ("/api/certificates", "POST", "201", [("/api/certificates/{number}", "GET"),
                                          ("/api/certificates/{number}/amend", "POST"),
                                          ("/api/certificates/{number}/{action}", "POST"),
                                          ("/api/certificates/{number}/credential", "GET")],
     {"path.number": "$response.body#/number"}),
    ("/api/accreditations", "POST", "201", [("/api/accreditations/{number}", "GET"),
                                            ("/api/accreditations/{number}/change", "POST")],
     {"path.number": "$response.body#/number"}),
    ("/api/subscriptions", "POST", "201",
     [("/api/subscriptions/{subscription_id}", "DELETE"),
      ("/api/subscriptions/{subscription_id}/resume", "POST")],
     {"path.subscription_id": "$response.body#/id"}),
]
for source, method, status, targets, parameters in LINKS:
    for path, target_method in targets:
        if path in schema and target_method in schema[path]:
            schema.add_link(source=schema[source][method], target=schema[path][target_method],
                            status_code=status, parameters=parameters)


def _token_for(path: str) -> str:
    """Who writes there: accreditations the accreditation body, registry and accounts the
    administrator, everything else the certification body."""
    if path.startswith("/api/accreditations"):
        return TOKENS["cnas"]
    if path.startswith(("/api/bodies", "/api/users", "/api/projects", "/api/arrangements",
                        "/api/estimates")):
        return TOKENS["root"]
    return TOKENS["cqc"]


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    def get_call_kwargs(self, case):  # type: ignore[no-untyped-def]
        return {"headers": {"Authorization": f"Bearer {_token_for(case.path)}"}}

    def validate_response(self, response, case, additional_checks=()):  # type: ignore[no-untyped-def]
        case.validate_response(response, checks=(not_a_server_error, *additional_checks))


TestStateful = Workflow.TestCase
TestStateful.settings = hypothesis_settings(
    max_examples=EXAMPLES, stateful_step_count=12, deadline=None,
    suppress_health_check=list(HealthCheck))
