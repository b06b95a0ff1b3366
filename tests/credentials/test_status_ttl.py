"""A signed status list says how long it is current (validUntil, ttl), so a verifier holding
a copy — an offline trust bundle — knows the age of the status it reports."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from certpass.credentials import keyring, proofs, status
from certpass.credentials.models import StatusList
from tests.credentials.test_service import issue, registry_db, resolver  # noqa: F401
from tests.registry_fixture import SETTINGS

SIGNED = dt.datetime(2099, 3, 1, 12, 0, tzinfo=dt.UTC)  # after any list's last change


def test_status_lists_carry_valid_until_the_configured_ttl(registry_db):  # noqa: F811
    issue(registry_db)
    settings = SETTINGS.replace(status_list_ttl_seconds=3600)
    with registry_db.read() as s:
        did_doc = keyring.did_document(s, SETTINGS, "cqc")
        rows = s.scalars(select(StatusList).order_by(StatusList.id)).all()
        assert {r.purpose for r in rows} == {"revocation", "suspension"}
        for row in rows:
            listing = status.list_credential(s, settings, row.body_id, row.purpose, row.id,
                                             now=SIGNED)
            assert listing["validUntil"] == "2099-03-01T13:00:00Z"
            assert listing["credentialSubject"]["ttl"] == 3_600_000
            assert listing["proof"]["created"] == "2099-03-01T12:00:00Z"
            assert listing["validFrom"] <= listing["validUntil"]
            proofs.verify(listing, resolver(did_doc))  # validUntil is under the signature
        default = status.list_credential(s, SETTINGS, rows[0].body_id, rows[0].purpose,
                                         rows[0].id, now=SIGNED)
        assert default["validUntil"] == "2099-03-02T12:00:00Z"  # a day by default
