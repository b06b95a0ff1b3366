"""Schemathesis against the app's own OpenAPI document (in-process ASGI): every operation,
``CERTPASS_FUZZ_EXAMPLES`` examples each (``make fuzz`` sets 200). No response may be a
5xx, and every response must match the schema documented for its status."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import not_a_server_error, response_schema_conformance

from certpass.accounts import service as accounts
from certpass.accounts.actor import OPERATOR
from certpass.config import Settings
from certpass.store.database import Database
from certpass.web.app import create_app
from tests.registry_fixture import seed

EXAMPLES = int(os.environ.get("CERTPASS_FUZZ_EXAMPLES", "20"))  # config.py is for the app


def _app():  # type: ignore[no-untyped-def]
    folder = Path(tempfile.mkdtemp(prefix="certpass-fuzz-"))
    db = Database(f"sqlite:///{folder / 'fuzz.db'}")
    db.migrate()
    seed(db)
    with db.write() as s:
        accounts.add_user(s, "cqc", "certification-body", "cqc", "correct horse battery",
                          OPERATOR)
        token = accounts.create_token(s, "cqc", "write", 5, "fuzz", OPERATOR).token
    settings = Settings.load(environ={}, secret_key="test-secret-key-0123456789",
                             verify_rate_per_minute="1000000")
    return create_app(settings, db), token


APP, TOKEN = _app()
# FastAPI emits OpenAPI 3.1; Schemathesis 3 tests it with its 3.0 machinery.
schema = schemathesis.from_asgi("/openapi.json", APP, force_schema_version="30")


@schema.parametrize()
@hypothesis_settings(max_examples=EXAMPLES, deadline=None,
                     suppress_health_check=list(HealthCheck))
def test_api(case):  # type: ignore[no-untyped-def]
    response = case.call(headers={"Authorization": f"Bearer {TOKEN}"})
    case.validate_response(response, checks=(not_a_server_error, response_schema_conformance))
