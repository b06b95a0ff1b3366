"""Stateful Schemathesis (issue 12): sequences of calls with write tokens, following links
from what a write creates to the operations on it (a certificate issued, then read, amended,
suspended...; an accreditation granted, then changed; a subscription made, then resumed or
deleted). No response may be a 5xx. ``CERTPASS_FUZZ_EXAMPLES`` sets the number of runs
(``make fuzz`` sets 200); each run is at most 12 steps.

A body drawn from the schema alone is almost never one the registry accepts (a scheme, an
accredited issuer, known standards, an unused number), so the links after a write were
never followed. Each write is also drawn from example bodies the registry accepts (fresh
numbers, today's dates), beside the schema's, and the run must reach the operations behind
the links."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test
from schemathesis.checks import not_a_server_error

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.config import Settings
from certpass.store.database import Database
from certpass.web.app import create_app
from tests.registry_fixture import request_data, seed

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


TODAY = dt.date.today()
# A fresh number at every draw: a number drawn again in a later run would be refused as
# taken, and a write that answers differently for the same draw is a flaky strategy.
_FRESH = itertools.count(1)
_SERIAL = st.just(None).map(lambda _: next(_FRESH))
# Bodies the registry accepts, per operation (the path parameters come from the links).
EXAMPLES_ACCEPTED = {
    ("POST", "/api/certificates"): _SERIAL.map(
        lambda n: request_data(f"FZ-{n:010d}", issued_on=TODAY.isoformat())),
    ("POST", "/api/certificates/{number}/amend"): st.builds(
        lambda models: {"issued_on": TODAY.isoformat(), "reason": "new model",
                        "products": [{"name": "Electric kettle", "models": models,
                                      "hs_code": "8516.79"}]},
        st.lists(st.from_regex(r"\AEK-[0-9]{2}\Z"), min_size=1, max_size=3, unique=True)),
    ("POST", "/api/certificates/{number}/{action}"): st.just({"reason": "surveillance"}),
    ("POST", "/api/accreditations"): _SERIAL.map(lambda n: {
        "number": f"CNAS-FZ{n:010d}", "accreditor_id": "cnas", "body_id": "cqc",
        "standard": "ISO/IEC 17065", "scope": {"schemes": ["CCC"]},
        "valid_from": TODAY.isoformat(),
        "valid_until": (TODAY + dt.timedelta(days=1825)).isoformat()}),
    ("POST", "/api/accreditations/{number}/change"): st.sampled_from([
        {"status": "suspended", "reason": "surveillance"},
        {"status": "active", "reason": "restored"}]),
    # An address literal: nothing is resolved, and no delivery runs in this app.
    ("POST", "/api/subscriptions"): st.sampled_from(["cqc", "cnas"]).map(lambda body: {
        "target_kind": "body", "target": body, "url": "https://93.184.216.34/hook"}),
}


@schema.hooks.register("before_generate_body")
def _accepted_bodies_too(context, strategy):  # type: ignore[no-untyped-def]
    operation = context.operation
    accepted = EXAMPLES_ACCEPTED.get((operation.method.upper(), operation.path))
    return strategy if accepted is None else st.one_of(accepted, strategy)


def _token_for(path: str) -> str:
    """Who writes there: accreditations the accreditation body, registry and accounts the
    administrator, everything else the certification body."""
    if path.startswith("/api/accreditations"):
        return TOKENS["cnas"]
    if path.startswith(("/api/bodies", "/api/users", "/api/projects", "/api/arrangements",
                        "/api/estimates")):
        return TOKENS["root"]
    return TOKENS["cqc"]


REACHED: set[tuple[str, str, int]] = set()  # (method, path, status) the runs were answered


class Workflow(schema.as_state_machine()):  # type: ignore[misc]
    def get_call_kwargs(self, case):  # type: ignore[no-untyped-def]
        return {"headers": {"Authorization": f"Bearer {_token_for(case.path)}"}}

    def validate_response(self, response, case, additional_checks=()):  # type: ignore[no-untyped-def]
        REACHED.add((case.method.upper(), case.operation.path, response.status_code))
        case.validate_response(response, checks=(not_a_server_error, *additional_checks))


def test_sequences_of_writes_find_no_server_error_and_follow_the_links():
    run_state_machine_as_test(Workflow, settings=hypothesis_settings(
        max_examples=EXAMPLES, stateful_step_count=12, deadline=None, derandomize=True,
        suppress_health_check=list(HealthCheck)))
    # The operations behind the links were reached with what a write created, not only
    # refused for a made-up number.
    for reached in [("POST", "/api/certificates", 201), ("POST", "/api/accreditations", 201),
                    ("POST", "/api/subscriptions", 201),
                    ("GET", "/api/certificates/{number}", 200)]:
        assert reached in REACHED, sorted(REACHED)
    behind = {(m, p) for m, p, status in REACHED if status < 300 and "{" in p}
    assert len(behind) >= 5, sorted(REACHED)
