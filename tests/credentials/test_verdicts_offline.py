"""The verdicts a trust bundle alone can give (issue 11): its signed register knows each
certificate's current issue; a compromised key counts only for what the log recorded before
the compromise. Built in code (test_verifier_world)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from certpass.credentials import dcc
from certpass.credentials.trust_source import BundleTrust, InvalidTrustBundle
from certpass.credentials.verifier import MESSAGES, VERDICTS, verify
from tests.credentials.test_verifier_world import LOGGED_AT, World

ON = dt.date(2024, 6, 1)
UTC = dt.UTC


def check(result, name):  # type: ignore[no-untyped-def]
    return next(c for c in result.checks if c.name == name)


def test_an_amended_certificate_earlier_issue_is_superseded_offline() -> None:
    world = World()
    amended = world.unsigned(products=(dcc.Product("Electric kettle", models=("EK-17",),
                                                   trademark="Exemplar", hs_code="8516.79"),),
                             issue_number=1)
    world.issue(amended, changes=("models removed: EK-16",), note="EK-16 recalled")
    trust = world.trust()
    result = verify(world.credential(), trust, on=ON)
    assert result.verdict == "superseded"
    assert "superseded by issue 1" in check(result, "register").detail
    assert "models removed: EK-16" in check(result, "register").detail
    assert verify(world.sign(amended), trust, on=ON).verdict == "valid"


def test_without_a_register_no_dcc_is_valid_offline() -> None:
    world = World()
    result = verify(world.credential(), world.trust(register=False), on=ON)
    assert result.verdict == "unregistered"
    assert "as of 2024-06-01T00:00:00Z" in check(result, "register").detail


def test_a_register_edited_in_the_bundle_refuses_the_bundle() -> None:
    world = World()
    bundle = world.bundle()
    edited = copy.deepcopy(bundle)
    edited["register"]["certificates"][0]["issues"][0]["content_sha256"] = "0" * 64
    with pytest.raises(InvalidTrustBundle, match="register is not the one its log key signed"):
        BundleTrust.from_dict(edited)
    forged = copy.deepcopy(bundle)
    forged["register"]["signature"] = forged["register"]["signature"].replace("\u2014 ", "\u2014 x")
    with pytest.raises(InvalidTrustBundle, match="register has a bad signature"):
        BundleTrust.from_dict(forged)


COMPROMISED_AT = dt.datetime(2024, 4, 1, tzinfo=UTC)


def _compromised_world() -> World:
    world = World()
    world.cb.revoked["key-2"] = COMPROMISED_AT
    return world


def test_a_credential_logged_before_the_compromise_still_verifies() -> None:
    world = _compromised_world()
    assert LOGGED_AT < COMPROMISED_AT
    result = verify(world.credential(), world.trust(), on=ON)
    assert result.verdict == "valid", result.to_json()


def test_a_back_dated_signature_after_the_compromise_is_not_the_issuer() -> None:
    """The thief signs a new certificate, back-dating proof `created` and validFrom to
    before the compromise: the log recorded no such credential, so the key does not count."""
    world = _compromised_world()
    other = {"certificate_number": "2024010701000002", "index": 8}
    unsigned = world.unsigned(**other)
    back_dated = world.sign(unsigned, created=dt.datetime(2024, 3, 1, 8, tzinfo=UTC))
    result = verify(back_dated, world.trust(), on=ON)
    assert result.verdict == "unknown-issuer"
    assert "compromised" in check(result, "issuer").detail
    # Registered, but the log recorded it only after the compromise: the same refusal.
    world.issue(unsigned, logged_at=dt.datetime(2024, 4, 2, tzinfo=UTC))
    result = verify(back_dated, world.trust(), on=ON)
    assert result.verdict == "unknown-issuer"
    assert "recorded this credential only at 2024-04-02" in check(result, "issuer").detail


def test_new_verdicts_have_their_own_words() -> None:
    for verdict in ("superseded", "unregistered"):
        assert verdict in VERDICTS and verdict in MESSAGES
    assert VERDICTS.index("unregistered") < VERDICTS.index("valid")
    assert VERDICTS.index("revoked") < VERDICTS.index("superseded")
