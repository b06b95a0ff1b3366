"""The VC-API issuer and verifier driven with the suite-style inputs (tests/credentials/
vc2_cases), the way the W3C VC 2.0 test suite drives an implementation: POST
/credentials/issue with each cryptosuite, then POST /credentials/verify on what it signed.
Prints the pass counts (the suite's figure)."""

from __future__ import annotations

import pytest

from tests.credentials.vc2_cases import BAD, GOOD, ISSUER
from tests.web.conftest import bearer

SUITES = ("eddsa-rdfc-2022", "eddsa-jcs-2022")


@pytest.mark.parametrize("suite", SUITES)
def test_issuer_and_verifier_behave_as_the_suite_expects(client, tokens, suite):
    wrong = []
    for name, make in sorted(BAD.items()):
        r = client.post("/credentials/issue", headers=bearer(tokens["admin"]),
                        json={"credential": make(ISSUER), "options": {"cryptosuite": suite}})
        if r.status_code not in (400, 422):
            wrong.append(f"bad/{name}: {r.status_code}")
    for name, make in sorted(GOOD.items()):
        r = client.post("/credentials/issue", headers=bearer(tokens["admin"]),
                        json={"credential": make(ISSUER), "options": {"cryptosuite": suite}})
        if r.status_code != 201:
            wrong.append(f"good/{name}: {r.status_code} {r.text[:200]}")
            continue
        vc = r.json()["verifiableCredential"]
        v = client.post("/credentials/verify", json={"verifiableCredential": vc})
        if v.status_code != 200 or v.json()["verified"] is not True:
            wrong.append(f"good/{name} verify: {v.status_code} {v.text[:300]}")
    total = len(BAD) + 2 * len(GOOD)
    print(f"vc2 suite-style inputs, {suite}: {total - len(wrong)}/{total} as expected")
    assert not wrong, wrong
