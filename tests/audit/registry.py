"""A demo-like registry built through the services: issues, an amendment, suspensions, a
restore, a withdrawal, an accreditation change, a key rotation and a revocation, with
several checkpoints along the way."""

from __future__ import annotations

import datetime as dt

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.certificates.schemas import AmendRequest, TransitionRequest
from certpass.credentials import keyring
from certpass.ledger import service as ledger
from certpass.registry import service as registry
from certpass.store.database import Database
from tests.registry_fixture import SETTINGS, ctx, request, seed

WITHDRAWN, SUSPENDED, RESTORED, AMENDED, PLAIN = "A-1", "A-2", "A-3", "A-4", "A-5"


def build(db: Database) -> None:
    seed(db)
    with db.write() as s:
        for number in (WITHDRAWN, SUSPENDED, RESTORED, AMENDED, PLAIN):
            certificates.issue(ctx(s), request(number), OPERATOR)
        ledger.checkpoint_now(s, SETTINGS)
    why = TransitionRequest(reason="audit finding")
    with db.write() as s:
        certificates.transition(ctx(s), WITHDRAWN, "withdraw", why, OPERATOR)
        certificates.transition(ctx(s), SUSPENDED, "suspend", why, OPERATOR)
        certificates.transition(ctx(s), RESTORED, "suspend", why, OPERATOR)
        certificates.transition(ctx(s), RESTORED, "restore", why, OPERATOR)
        certificates.amend(ctx(s), AMENDED, AmendRequest.model_validate({
            "issued_on": "2024-06-01", "reason": "model EK-18 recalled",
            "products": [{"name": "Electric kettle", "models": ["EK-17"],
                          "hs_code": "8516.79"}]}), OPERATOR)
        ledger.checkpoint_now(s, SETTINGS)
    with db.write() as s:
        registry.change_accreditation(s, "CNAS-C001", OPERATOR, scope={
            "schemes": ["CCC", "IECEE-CB"], "categories": ["HOUS"],
            "standards": ["IEC 60335-1", "IEC 60335-2-*", "GB 4706.1-2005"]},
            reason="IEC 62368-1 withdrawn from scope")
        keyring.rotate(s, SETTINGS, "cqc", OPERATOR)
        ledger.checkpoint_now(s, SETTINGS)
    with db.write() as s:
        first = keyring.keys(s, "cqc")[0]
        keyring.revoke(s, SETTINGS, "cqc", "key-1", first.created_at + dt.timedelta(
            microseconds=1), OPERATOR)
        keyring.signer(s, SETTINGS, "cnas")  # an accreditation body's key, made on need
        ledger.checkpoint_now(s, SETTINGS)
