"""The credential of every certificate issue, through the certificate service (SQLite and
PostgreSQL): stored, schema-valid, verifiable against the body's DID document, with status
bits that follow the lifecycle."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import orjson
import pytest
import rfc8785
from sqlalchemy import func, select

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.certificates.models import Certificate
from certpass.certificates.schemas import AmendRequest, TransitionRequest
from certpass.credentials import jose, keyring, multikey, proofs, schemas, status, status_list
from certpass.credentials import service as credentials
from certpass.credentials.models import IssuedCredential, SigningKey, StatusList, StatusSlot
from certpass.errors import OutOfScope
from certpass.ledger.models import LogEntry
from certpass.store.session import CertpassSession
from tests.registry_fixture import SETTINGS, ctx, request, seed


@pytest.fixture
def registry_db(db):
    seed(db)
    return db


def resolver(did_document: dict):
    """Resolve verification methods from a DID document, as a verifier does."""
    def resolve(vm_id: str) -> str | None:
        vm = multikey.find_verification_method(did_document, vm_id)
        return vm["publicKeyMultibase"] if vm else None
    return resolve


def issue(db, number: str = "2024010701000001", **overrides):
    with db.write() as s:
        certificates.issue(ctx(s), request(number, **overrides), OPERATOR)


def stored(db, number: str, issue_no: int | None = None) -> tuple[dict, IssuedCredential]:
    with db.read() as s:
        row = credentials.stored(s, certificates.get(s, number), issue_no)
        return row.signed_document(), row


def counts(db) -> dict[str, int]:
    with db.read() as s:
        return {m.__name__: s.scalar(select(func.count()).select_from(m))
                for m in (SigningKey, StatusList, StatusSlot, IssuedCredential, LogEntry)}


def test_issue_signs_a_schema_valid_credential_that_verifies(registry_db):
    issue(registry_db)
    doc, row = stored(registry_db, "2024010701000001")
    assert schemas.validate_vc2(doc) == [] and schemas.validate_dcc(doc) == []
    assert doc["issuer"]["id"] == "did:web:127.0.0.1%3A8000:bodies:cqc"
    # Numbers are unique per issuer, so the issuer is part of the credential's id.
    assert doc["id"] == ("http://127.0.0.1:8000/api/certificates/2024010701000001"
                         "/credential?issuer=cqc&issue=0")
    assert doc["validFrom"] == "2024-03-01T00:00:00Z"
    assert doc["validUntil"] == "2029-03-01T00:00:00Z"
    subject = doc["credentialSubject"]
    assert subject["issuedToParty"]["name"] == "Ningbo Example Appliance Co., Ltd."
    assert "宁波示例电器有限公司" in subject["issuedToParty"]["description"]
    # CNAS signs the IAF MLA and ILAC MRA: the accreditation is delivered under GlobalMRA.
    assert subject["assessmentLevel"] == "GlobalMRA"
    assert subject["authorisation"][0]["issuingAuthority"]["id"] == (
        "did:web:127.0.0.1%3A8000:bodies:cnas")
    assert "CNAS-C001" in subject["authorisation"][0]["name"]
    [assessment] = subject["assessment"]
    assert assessment["referenceStandard"]["name"] == "GB 4706.1-2005"
    assert [p["product"]["registeredId"] for p in assessment["assessedProduct"]] == [
        "EK-17", "EK-18"]
    assert [e["statusPurpose"] for e in doc["credentialStatus"]] == ["revocation",
                                                                     "suspension"]
    with registry_db.read() as s:
        did_doc = keyring.did_document(s, SETTINGS, "cqc")
    [verified] = proofs.verify(doc, resolver(did_doc))
    assert verified.verification_method == "did:web:127.0.0.1%3A8000:bodies:cqc#key-1"
    assert verified.cryptosuite == proofs.JCS
    # The hash covers the RFC 8785 bytes of the signed document, as stored.
    jcs = orjson.dumps(doc, option=orjson.OPT_SORT_KEYS)
    assert row.document == jcs and row.sha256 == hashlib.sha256(jcs).hexdigest()
    # The JWT is signed when asked for: the same token every time, over the same bytes.
    token_text = credentials.jwt(SETTINGS, row)
    assert credentials.jwt(SETTINGS, row) == token_text
    token = jose.verify(token_text, resolver(did_doc))
    assert token.credential == {k: v for k, v in doc.items() if k != "proof"}
    assert jose.b64url_decode(token_text.split(".")[1]) == rfc8785.dumps(token.credential)
    # The log entry of the issue names the credential's hash.
    with registry_db.read() as s:
        entries = s.scalars(select(LogEntry).order_by(LogEntry.index)).all()
    kinds = [e.event_type for e in entries if e.event_type.startswith(("key.", "certificate."))]
    assert kinds == ["key.added", "certificate.issued"]
    event = orjson.loads(entries[-1].entry)
    assert event["documents"] == {"credential": f"sha256:{row.sha256}"}


def test_a_tampered_credential_fails(registry_db):
    issue(registry_db)
    doc, _ = stored(registry_db, "2024010701000001")
    with registry_db.read() as s:
        did_doc = keyring.did_document(s, SETTINGS, "cqc")
    doc["credentialSubject"]["issuedToParty"]["name"] = "Someone Else Ltd."
    with pytest.raises(proofs.BadSignature):
        proofs.verify(doc, resolver(did_doc))


def test_amend_signs_a_new_credential_for_the_new_issue(registry_db):
    issue(registry_db)
    with registry_db.write() as s:
        certificates.amend(ctx(s), "2024010701000001", AmendRequest.model_validate({
            "issued_on": "2024-05-01", "reason": "new model",
            "products": [{"name": "Electric kettle", "name_zh": "电水壶",
                          "models": ["EK-19"], "hs_code": "8516.79"}]}), OPERATOR)
    first, _ = stored(registry_db, "2024010701000001", 0)
    second, row = stored(registry_db, "2024010701000001")
    assert row.issue_no == 1
    assert second["id"].endswith("credential?issuer=cqc&issue=1")
    assert second["validFrom"] == "2024-05-01T00:00:00Z"
    products = second["credentialSubject"]["assessment"][0]["assessedProduct"]
    assert [p["product"]["registeredId"] for p in products] == ["EK-19"]
    # Same status slots for every issue of a certificate.
    assert first["credentialStatus"] == second["credentialStatus"]
    assert schemas.validate_dcc(second) == []
    with registry_db.read() as s:
        did_doc = keyring.did_document(s, SETTINGS, "cqc")
    proofs.verify(first, resolver(did_doc))
    proofs.verify(second, resolver(did_doc))


def served_bits(db, doc: dict) -> dict[str, bool]:
    """Each status bit of a credential, read from the signed status list credential."""
    out = {}
    with db.read() as s:
        did_doc = keyring.did_document(s, SETTINGS, "cqc")
        for entry in doc["credentialStatus"]:
            url = entry["statusListCredential"]
            body, purpose, list_id = url.split("/status/", 1)[1].split("/")
            listing = status.list_credential(s, SETTINGS, body, purpose, int(list_id))
            assert listing["id"] == url
            assert listing["credentialSubject"]["statusPurpose"] == purpose
            proofs.verify(listing, resolver(did_doc))
            bits = status_list.decode(listing["credentialSubject"]["encodedList"])
            assert len(bits) * 8 == SETTINGS.status_list_size
            index = int(entry["statusListIndex"])
            out[purpose] = status_list.get(bits, index)
            # No other bit is set: exactly the right bit flips.
            assert sum(bin(b).count("1") for b in bits) == int(out[purpose])
    return out


def transition(db, number: str, action: str) -> None:
    with db.write() as s:
        certificates.transition(ctx(s), number, action,
                                TransitionRequest(reason=f"{action} test",
                                                  effective_on=dt.date(2024, 6, 1)), OPERATOR)


def test_suspend_restore_withdraw_flip_the_right_bits(registry_db):
    issue(registry_db)
    issue(registry_db, "2024010701000002")
    doc, _ = stored(registry_db, "2024010701000001")
    assert served_bits(registry_db, doc) == {"revocation": False, "suspension": False}
    transition(registry_db, "2024010701000001", "suspend")
    assert served_bits(registry_db, doc) == {"revocation": False, "suspension": True}
    transition(registry_db, "2024010701000001", "restore")
    assert served_bits(registry_db, doc) == {"revocation": False, "suspension": False}
    transition(registry_db, "2024010701000001", "withdraw")
    assert served_bits(registry_db, doc) == {"revocation": True, "suspension": False}
    # The other certificate's bits are untouched.
    other, _ = stored(registry_db, "2024010701000002")
    assert other["credentialStatus"][0]["statusListIndex"] != doc["credentialStatus"][0][
        "statusListIndex"]


def test_cancel_sets_the_revocation_bit(registry_db):
    issue(registry_db)
    transition(registry_db, "2024010701000001", "cancel")
    doc, _ = stored(registry_db, "2024010701000001")
    assert served_bits(registry_db, doc)["revocation"] is True


def test_slots_are_never_reused_and_a_full_list_is_followed_by_a_new_one(registry_db):
    with registry_db.write() as s:
        c = ctx(s)
        for i in range(40):
            certificates.issue(c, request(f"B-{i:04d}"), OPERATOR)
    with registry_db.write() as s:  # fill the open lists but one entry
        for lst in s.scalars(select(StatusList)):
            lst.next_index = lst.size - 1
    with registry_db.write() as s:
        c = ctx(s)
        for i in range(40, 43):
            certificates.issue(c, request(f"B-{i:04d}"), OPERATOR)
    with registry_db.read() as s:
        slots = s.execute(select(StatusSlot.list_id, StatusSlot.index, StatusSlot.purpose)).all()
        lists = {lst.id: lst for lst in s.scalars(select(StatusList))}
    assert len(slots) == 43 * 2
    assert len({(lid, idx) for lid, idx, _ in slots}) == len(slots)
    size = SETTINGS.status_list_size
    for purpose in ("revocation", "suspension"):
        mine = sorted((lid, idx) for lid, idx, p in slots if p == purpose)
        first_list = mine[0][0]
        key = lists[first_list].shuffle_key
        assert key is not None  # a new list: indexes from its permutation
        assert sorted(idx for lid, idx in mine if lid == first_list) == sorted(
            status_list.shuffled_index(key, size, n) for n in [*range(40), size - 1])
        later = [(lid, idx) for lid, idx in mine if lid != first_list]
        [later_list] = {lid for lid, _ in later}
        later_key = lists[later_list].shuffle_key
        assert later_key is not None and later_key != key
        assert sorted(idx for _, idx in later) == sorted(
            status_list.shuffled_index(later_key, size, n) for n in (0, 1))
        # Each list's next_index, written at commit, follows what was handed out.
        assert lists[first_list].next_index == size
        assert lists[later_list].next_index == 2
        assert all(lists[lid].purpose == purpose for lid, _ in mine)
    # Every credential names its own slot.
    _, row = stored(registry_db, "B-0042")
    doc = row.signed_document()
    [slot] = [idx for lid, idx, p in slots if p == doc["credentialStatus"][0]["statusPurpose"]
              and lid == int(doc["credentialStatus"][0]["statusListCredential"].rsplit("/", 1)[1])
              and str(idx) == doc["credentialStatus"][0]["statusListIndex"]]
    assert doc["credentialStatus"][0]["statusListIndex"] == str(slot)


def test_status_indexes_are_random_never_sequential_and_never_collide(registry_db):
    with registry_db.write() as s:
        certificates.issue_many(ctx(s), [request(f"R-{i:04d}") for i in range(120)], OPERATOR)
    with registry_db.read() as s:
        slots = s.execute(select(StatusSlot.list_id, StatusSlot.index, StatusSlot.purpose,
                                 StatusSlot.certificate_id)
                          .order_by(StatusSlot.certificate_id)).all()
    assert len(slots) == 240 and len({(lid, idx) for lid, idx, _, _ in slots}) == 240
    for purpose in ("revocation", "suspension"):
        order = [idx for _, idx, p, _ in slots if p == purpose]  # in issuance order
        assert order != sorted(order)  # not handed out in order
        steps = [b - a for a, b in itertools.pairwise(order)]
        assert sum(1 for d in steps if d == 1) < 5  # hardly ever the next index
        assert max(order) - min(order) > SETTINGS.status_list_size // 2  # spread over it


def test_a_list_from_before_shuffling_goes_on_in_order(registry_db):
    with registry_db.write() as s:
        certificates.issue(ctx(s), request("L-0000"), OPERATOR)
    with registry_db.write() as s:  # as credentials_0004 leaves an existing list
        for lst in s.scalars(select(StatusList)):
            lst.shuffle_key = None
            lst.next_index = 7
    with registry_db.write() as s:
        certificates.issue_many(ctx(s), [request(f"L-{i:04d}") for i in (1, 2)], OPERATOR)
    with registry_db.read() as s:
        later = s.execute(select(StatusSlot.index).join(
            Certificate, Certificate.id == StatusSlot.certificate_id)
            .where(Certificate.number.in_(["L-0001", "L-0002"]))).scalars().all()
    assert sorted(later) == [7, 7, 8, 8]  # both purposes, in order, after what was taken


def test_a_failed_issue_leaves_no_credential_slot_or_key(registry_db):
    before = counts(registry_db)
    with pytest.raises(OutOfScope), registry_db.write() as s:
        certificates.issue(ctx(s), request(standards=["IEC 60079-0:2017"]), OPERATOR)
    assert counts(registry_db) == before
    # A batch that fails part-way writes nothing of the good rows either.
    with pytest.raises(OutOfScope), registry_db.write() as s:
        c = ctx(s)
        certificates.issue(c, request("GOOD-1"), OPERATOR)
        certificates.issue(c, request("BAD-1", standards=["IEC 60079-0:2017"]), OPERATOR)
    assert counts(registry_db) == before


def test_rotation_keeps_old_credentials_verifiable(registry_db):
    issue(registry_db)
    with registry_db.write() as s:
        new = keyring.rotate(s, SETTINGS, "cqc", OPERATOR)
        assert new.fragment == "key-2"
    issue(registry_db, "2024010701000002")
    old_doc, old_row = stored(registry_db, "2024010701000001")
    new_doc, new_row = stored(registry_db, "2024010701000002")
    with registry_db.read() as s:
        did_doc = keyring.did_document(s, SETTINGS, "cqc")
        kinds = [k for k in s.scalars(select(LogEntry.event_type).order_by(LogEntry.index))
                 if k.startswith(("key.", "certificate."))]
    methods = {vm["id"].split("#")[1]: vm for vm in did_doc["verificationMethod"]}
    assert set(methods) == {"key-1", "key-2"}
    assert "expires" not in methods["key-1"] and "expires" not in methods["key-2"]
    # The old credential was signed before the retirement (the key list says when).
    with registry_db.read() as s:
        dates = keyring.key_dates(s, SETTINGS, "cqc")
    retired = dates[methods["key-1"]["id"]]["retired"]
    assert retired and dates[methods["key-2"]["id"]]["retired"] is None
    assert old_doc["proof"]["created"] <= retired
    proofs.verify(old_doc, resolver(did_doc))
    [v] = proofs.verify(new_doc, resolver(did_doc))
    assert v.verification_method.endswith("#key-2")
    assert old_row.key_id != new_row.key_id
    assert kinds == ["key.added", "certificate.issued", "key.retired", "key.added",
                     "certificate.issued"]


def test_only_the_body_or_the_operator_rotates(registry_db):
    from certpass.accounts.actor import Actor
    from certpass.errors import Forbidden

    issue(registry_db)
    before = counts(registry_db)
    for actor in (Actor("x", "certification-body", "paused-cb"), Actor("a", "admin"),
                  Actor("ab", "accreditation-body", "cnas")):
        with pytest.raises(Forbidden), registry_db.write() as s:
            keyring.rotate(s, SETTINGS, "cqc", actor)
    assert counts(registry_db) == before
    with registry_db.write() as s:
        keyring.rotate(s, SETTINGS, "cqc", Actor("cqc", "certification-body", "cqc"))
        keyring.rotate(s, SETTINGS, "cnas", Actor("ab", "accreditation-body", "cnas"))
    with registry_db.read() as s:
        assert [k.fragment for k in keyring.keys(s, "cnas")] == ["key-1"]


def test_the_seed_is_sealed_under_the_secret_key(registry_db):
    issue(registry_db)
    with registry_db.read() as s:
        row = keyring.current_key(s, "cqc")
        seed_bytes = keyring.unseal(row.sealed_seed, "cqc", row.fragment, SETTINGS.secret_key)
        assert multikey.Ed25519KeyPair(seed_bytes).public_multibase == row.public_multibase
        assert seed_bytes not in row.sealed_seed
        with pytest.raises(keyring.KeyUnavailable):
            keyring.unseal(row.sealed_seed, "cqc", row.fragment, "another secret")
        with pytest.raises(keyring.KeyUnavailable):  # bound to its own row
            keyring.unseal(row.sealed_seed, "cnas", row.fragment, SETTINGS.secret_key)


def test_one_session_over_several_transactions_never_hands_out_an_index_twice(registry_db):
    """Open lists are read afresh in each transaction (a row loaded earlier in the same
    session holds an old next_index)."""
    with CertpassSession(registry_db.engine, expire_on_commit=False) as s:
        for batch in (["S-1", "S-2"], ["S-3"], ["S-4", "S-5"]):
            with s.begin():
                certificates.issue_many(ctx(s), [request(n) for n in batch], OPERATOR)
                s.scalars(select(StatusList)).all()  # the lists, as loaded, stay in the session
    with registry_db.read() as s:
        slots = s.execute(select(StatusSlot.list_id, StatusSlot.index)).all()
    assert len(slots) == 10 and len(set(slots)) == 10
