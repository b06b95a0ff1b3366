"""An independent verifier (Digital Bazaar's JavaScript stack, tests/js) agrees with certpass."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from certpass.credentials import dcc, proofs, status_list
from tests.credentials.test_verifier_world import World

JS = Path(__file__).resolve().parents[1] / "js"

pytestmark = pytest.mark.skipif(
    shutil.which("node") is None or not (JS / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
    reason="node or tests/js/node_modules missing (make test runs npm ci in tests/js)",
)


def run_js(world: World, credentials: list[dict], tmp_path: Path) -> list[dict]:
    bundle = world.bundle()
    documents = {world.cb.did: world.cb.did_document(), world.ab.did: world.ab.did_document()}
    documents |= {s["id"]: s for s in bundle["status_lists"]}
    path = tmp_path / "input.json"
    path.write_text(json.dumps({"credentials": credentials, "documents": documents}))
    done = subprocess.run(["node", str(JS / "verify.mjs"), str(path)], capture_output=True,
                          text=True, timeout=120, check=True)
    return json.loads(done.stdout)["results"]


def test_js_agrees_on_valid_revoked_and_tampered_jcs(tmp_path: Path) -> None:
    world = World()
    status_list.set(world.revocation, 9, True)
    tampered = world.credential()
    tampered["credentialSubject"]["issuedToParty"]["name"] = "Someone Else Ltd"
    valid, revoked, forged = run_js(
        world, [world.credential(), world.credential(index=9), tampered], tmp_path)
    assert valid["verified"] is True, valid
    assert valid["status"] == {"revocation": False, "suspension": False}
    assert revoked["verified"] is True and revoked["status"]["revocation"] is True
    assert forged["verified"] is False


def test_js_verifies_rdfc(tmp_path: Path) -> None:
    """jsonld.js safe mode refuses relative IRIs: every typed node must be context-defined."""
    world = World()
    linked = world.credential(proofs.RDFC, certificate_document=dcc.DocumentLink(
        "https://certpass.example/x.pdf", "Certificate", "ab" * 32))
    for result in run_js(world, [world.credential(proofs.RDFC), linked], tmp_path):
        assert result["verified"] is True, result


@pytest.mark.parametrize("suite", proofs.SUITES)
def test_js_verifies_the_suite_style_inputs_the_issuer_accepts(suite: str, tmp_path: Path
                                                               ) -> None:
    """Language value objects with @direction included (rdfc: i18n-datatype)."""
    from certpass.credentials import validation
    from tests.credentials.vc2_cases import GOOD

    world = World()
    credentials = []
    for make in GOOD.values():
        unsigned = make(world.cb.did)
        validation.ensure_valid(unsigned)
        credentials.append(world.sign(unsigned, suite=suite))
    results = run_js(world, credentials, tmp_path)
    assert [r["verified"] for r in results] == [True] * len(GOOD), results


@pytest.mark.parametrize("dropped", [{"@value": None}, {"@language": "en"}],
                         ids=["null-value", "only-language"])
def test_js_safe_mode_and_certpass_both_refuse_a_dropped_value(dropped: dict,
                                                               tmp_path: Path) -> None:
    """jsonld.js safe mode ("null @value value", "object with only @language") refuses what
    expansion drops; certpass's verifier calls the same credential malformed."""
    from certpass.credentials import verifier

    world = World()
    unsigned = {"@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"], "issuer": world.cb.did,
                "validFrom": "2024-03-01T00:00:00Z",
                "credentialSubject": {"id": "did:example:subject", "name": "Alice"}}
    good = world.sign(unsigned, suite=proofs.RDFC)
    bad = world.sign(dict(unsigned, name=dropped), suite=proofs.RDFC)
    js_good, js_bad = run_js(world, [good, bad], tmp_path)
    assert js_good["verified"] is True, js_good
    assert js_bad["verified"] is False and any("Safe mode" in e for e in js_bad["errors"])
    trust = world.trust()
    assert verifier.verify(good, trust).verdict == "valid"
    assert verifier.verify(bad, trust).verdict == "malformed"
