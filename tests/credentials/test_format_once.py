"""The schema, data-model and JSON-LD safe-mode checks run once per registered issue: at issuance
(refusing a credential that would break them, nothing written) and then never again for
that exact content; any other content (unregistered, altered, foreign) gets them in the
verifier."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.certificates.models import Certificate
from certpass.credentials import dcc, jsonld_safe, schemas, validation, vc_model
from certpass.credentials import service as credentials
from certpass.credentials.verifier import verify
from tests.credentials.test_verifier_world import World
from tests.registry_fixture import ctx, request, seed


def _spy(monkeypatch) -> list[str]:
    calls: list[str] = []
    real = vc_model.problems
    real_schemas = schemas.errors_against
    monkeypatch.setattr(vc_model, "problems", lambda c: calls.append("model") or real(c))
    monkeypatch.setattr(schemas, "errors_against",
                        lambda c, u: calls.append("schema") or real_schemas(c, u))
    return calls


def test_a_registered_issue_is_not_checked_again(monkeypatch):
    world = World()
    calls = _spy(monkeypatch)
    result = verify(world.credential(), world.trust())
    assert result.verdict == "valid" and calls == []
    [fmt] = [c for c in result.checks if c.name == "format"]
    assert "checked when the register issued it" in fmt.detail


def test_other_content_with_a_genuine_key_is_checked(monkeypatch):
    world = World()
    calls = _spy(monkeypatch)
    unsigned = world.unsigned()
    unsigned["credentialSubject"]["undefinedTerm"] = "not in any context"
    result = verify(world.sign(unsigned), world.trust())
    assert calls == ["schema", "model"] and result.verdict == "malformed", result.to_json()
    [fmt] = [c for c in result.checks if c.name == "format"]
    assert "undefinedTerm" in fmt.detail


def test_issuance_refuses_a_credential_that_would_break_them(db, monkeypatch):
    seed(db)
    real = dcc.build_dcc

    def unsafe(inp):  # as if the builder wrote a term no context defines
        return {**real(inp), "undefinedTerm": "x"}

    monkeypatch.setattr(credentials.dcc, "build_dcc", unsafe)
    with pytest.raises(jsonld_safe.InvalidJsonLd), db.write() as s:
        certificates.issue(ctx(s), request("2024010701000077"), OPERATOR)
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Certificate)) == 0  # nothing kept


def test_issuance_refuses_a_credential_that_breaks_the_schemas(db, monkeypatch):
    seed(db)
    real = dcc.build_dcc

    def off_schema(inp):  # as if the builder wrote a date no schema accepts
        return {**real(inp), "validFrom": "the first of May"}

    monkeypatch.setattr(credentials.dcc, "build_dcc", off_schema)
    with pytest.raises(validation.InvalidCredential) as refused, db.write() as s:
        certificates.issue(ctx(s), request("2024010701000078"), OPERATOR)
    assert any(p.startswith("schema: ") for p in refused.value.details["problems"])
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Certificate)) == 0
