"""Every registry writer leaves its log entry and checks its actor."""

from __future__ import annotations

import json

import pytest

from certpass.accounts.actor import OPERATOR, Actor
from certpass.errors import Forbidden
from certpass.ledger import service as ledger
from certpass.registry import service as registry
from certpass.registry.schemas import (
    BodyIn,
    CategoryIn,
    EconomyIn,
    ListingIn,
    SchemeIn,
    StandardIn,
)


def _new_events(session, before: int) -> list[dict]:
    return [json.loads(ledger.entry(session, i).entry)
            for i in range(before, ledger.tree_size(session))]


def test_each_registry_write_is_logged(db):
    with db.write() as s:
        before = ledger.tree_size(s)
        registry.add_economies(s, [EconomyIn(code="CN", name_en="China", name_zh="中国")],
                               OPERATOR)
        registry.add_body(s, BodyIn(id="cqc", name_en="CQC", economy_code="CN",
                                    roles=["certification-body"]), OPERATOR)
        registry.add_scheme(s, SchemeIn(code="CCC", name_en="China Compulsory Certification",
                                        owner_id="cqc", home_markets=["CN"]), OPERATOR)
        registry.add_standard(s, StandardIn(ref="GB 4706.1-2005", designation="GB 4706.1",
                                            edition="2005"), OPERATOR)
        registry.add_standard(s, StandardIn(ref="IEC 60335-1:2001", designation="IEC 60335-1",
                                            edition="2001"), OPERATOR)
        registry.link_standard(s, StandardIn(ref="GB 4706.1-2005", designation="GB 4706.1",
                                             edition="2005", adopts_ref="IEC 60335-1:2001"),
                               OPERATOR)
        registry.add_category(s, CategoryIn(code="HOUS", system="IECEE",
                                            name_en="Household appliances"), OPERATOR)
        registry.add_listing(s, ListingIn(scheme_code="CCC", body_id="cqc",
                                          role="designated-body"), OPERATOR)
        events = _new_events(s, before)
    kinds = [e["type"] for e in events]
    assert kinds == ["economy.recorded", "body.registered", "scheme.recorded",
                     "standard.recorded", "standard.recorded", "standard.linked",
                     "category.recorded", "listing.recorded"]
    assert events[5]["standard"] == {"ref": "GB 4706.1-2005", "adopts": "IEC 60335-1:2001",
                                     "replaced_by": None}
    assert all(e["actor"] == OPERATOR.label for e in events)


def test_linking_standards_needs_an_administrator(db):
    cb = Actor(name="cqc-user", role="certification-body", body_id="cqc")
    with db.write() as s, pytest.raises(Forbidden):
        registry.link_standard(s, StandardIn(ref="X 1-2000", designation="X 1",
                                             edition="2000"), cb)
