"""Every credential the demo generator's certificates produce is schema-valid and verifies."""

from __future__ import annotations

from sqlalchemy import func, select

from certpass.credentials import keyring, multikey, proofs, schemas
from certpass.credentials.models import IssuedCredential
from certpass.demo import loader
from certpass.demo.generate import generate
from tests.registry_fixture import SETTINGS


def test_demo_certificates_make_valid_credentials(sqlite_db):
    with sqlite_db.write() as session:
        loader.load_economies(session)
    with sqlite_db.write() as session:
        loader.load_registry(session)
    done = loader.apply_operations(sqlite_db, SETTINGS, generate()[:400])
    assert done["issue"] >= 100
    with sqlite_db.read() as session:
        rows = session.scalars(select(IssuedCredential)).all()
        assert len(rows) == done["issue"] + done.get("amend", 0)
        issuers = {r.key.body_id for r in rows}
        did_docs = {b: keyring.did_document(session, SETTINGS, b) for b in issuers}
        levels, kinds = set(), set()
        for row in rows:
            doc = row.signed_document()
            assert schemas.validate_vc2(doc) == [], doc["id"]
            assert schemas.validate_dcc(doc) == [], doc["id"]
            did_doc = did_docs[row.key.body_id]
            proofs.verify(doc, lambda vm, d=did_doc: multikey.find_verification_method(
                d, vm)["publicKeyMultibase"])
            levels.add(doc["credentialSubject"]["assessmentLevel"])
            kinds.add(doc["credentialSubject"]["attestationType"])
        assert len(issuers) >= 3
        assert "GlobalMRA" in levels
        assert session.scalar(select(func.count()).select_from(IssuedCredential)) == len(rows)
