"""A conformity credential whose holder, manufacturer or products have names in other
languages carries a top-level `description` in each of them (VC 2.0 language value objects,
Arabic with @direction rtl), its UNTP `name`s staying single English strings: valid against
both UNTP schemas, the VC 2.0 data model and JSON-LD safe mode, mapped exactly to and from
UNTP 0.7.0, signed with both cryptosuites and verified by certpass and the independent JS
stack; any change to a language, a direction or a text is caught. Without other names the
credential is what it always was (no description)."""

from __future__ import annotations

import copy
import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyld import jsonld

from certpass.accounts.actor import OPERATOR
from certpass.certificates import service as certificates
from certpass.credentials import (
    dcc,
    dcc070,
    jsonld_safe,
    proofs,
    schemas,
    status,
    validation,
    vc_model,
    verifier,
)
from certpass.credentials import service as credentials
from certpass.credentials.documents import offline_loader
from certpass.credentials.trust import LiveTrust
from certpass.ledger import service as ledger
from certpass.store.base import row_of
from tests.conftest import sqlite_copy
from tests.credentials.test_verifier_world import BASE, World
from tests.registry_fixture import SETTINGS, ctx, request, seed

JS = Path(__file__).resolve().parents[1] / "js"
ON = dt.date(2024, 6, 1)
NUMBER = "2024010701000002"  # the World's multilingual certificate

# The demo's kettle maker and kettle (certpass/demo/generate.py `handwritten`).
MAKER = {"name": "Foshan Meixin Electrical Appliance Co., Ltd.", "name_zh": "佛山美欣电器有限公司",
         "economy": "CN", "address": "Shunde District, Foshan, Guangdong",
         "names": {"ru": "Фошань Мэйсинь Электрикал Эпплаенс Ко., Лтд.",
                   "ar": "شركة فوشان مييشين للأجهزة الكهربائية المحدودة"}}
KETTLE = {"name": "Electric kettle", "name_zh": "电水壶", "models": ["KE-1701", "KE-1702"],
          "trademark": "MEIXIN", "hs_code": "8516.79",
          "names": {"ru": "Электрический чайник", "ar": "غلاية كهربائية"}}
EXPECTED = [
    {"@value": "Foshan Meixin Electrical Appliance Co., Ltd. — Electric kettle",
     "@language": "en"},
    {"@value": "佛山美欣电器有限公司 — 电水壶", "@language": "zh"},
    {"@value": "شركة فوشان مييشين للأجهزة الكهربائية المحدودة — غلاية كهربائية",
     "@language": "ar", "@direction": "rtl"},
    {"@value": "Фошань Мэйсинь Электрикал Эпплаенс Ко., Лтд. — Электрический чайник",
     "@language": "ru"},
]


def names(row: dict[str, Any]) -> dcc.Names:
    return dcc.Names(row["name"], row.get("name_zh", ""),
                     tuple(sorted((row.get("names") or {}).items())))


def without_names(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "names"}


def kettle_description() -> tuple[dcc.LanguageValue, ...]:
    return dcc.language_descriptions(names(MAKER), [names(KETTLE)], names(MAKER))


def world_unsigned(world: World) -> dict[str, Any]:
    """The World's multilingual certificate (registered as issue 0 of NUMBER): the kettle
    maker's kettle."""
    maker = dcc.Party(f"{BASE}/parties/meixin", MAKER["name"])
    return world.unsigned(certificate_number=NUMBER,
                          credential_id=f"{BASE}/credentials/{NUMBER}/0",
                          certificate_url=f"{BASE}/certificates/{NUMBER}/issues/0",
                          holder=maker, manufacturer=maker,
                          products=(dcc.Product(KETTLE["name"], models=("KE-1701",),
                                                hs_code="8516.79"),),
                          credential_description=kettle_description())


@pytest.fixture
def world() -> World:
    w = World()
    w.issue(world_unsigned(w))
    return w


def unsigned(signed: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in signed.items() if k != "proof"}


# --- the description ----------------------------------------------------------------------


def test_the_description_in_each_language_in_order():
    described = kettle_description()
    assert [v.to_json() for v in described] == EXPECTED
    assert [v.language for v in described] == ["en", "zh", "ar", "ru"]
    assert dcc.build_dcc(World().attestation(credential_description=described))[
        "description"] == EXPECTED


def test_where_a_name_is_missing_the_english_or_chinese_one_stands_in():
    holder = dcc.Names("Example Co.", "示例公司",
                       (("fa", "شرکت نمونه"), ("zh-Hant", "示例公司(繁)")))
    toaster = dcc.Names("Toaster", "", (("fa", "توستر"),))
    kettle = dcc.Names("Kettle", "电水壶")
    maker = dcc.Names("Maker Ltd.", "", (("ru", "Мейкер"),))
    out = {v.language: v for v in dcc.language_descriptions(holder, [toaster, kettle], maker)}
    assert list(out) == ["en", "zh", "fa", "ru", "zh-Hant"]
    assert out["en"].value == "Example Co. — Toaster, Kettle — Maker Ltd."
    assert out["zh"].value == "示例公司 — Toaster、电水壶 — Maker Ltd."
    assert out["fa"] == dcc.LanguageValue("شرکت نمونه — توستر، Kettle — Maker Ltd.", "fa", "rtl")
    assert out["ru"] == dcc.LanguageValue("Example Co. — Toaster, Kettle — Мейкер", "ru")
    assert out["zh-Hant"].value == "示例公司(繁) — Toaster、电水壶 — Maker Ltd."
    # A manufacturer with the holder's English name is the holder: named once, its names
    # standing in for the holder's.
    same = dcc.Names("Example Co.", "", (("ru", "Пример"),))
    [en, zh, ru] = dcc.language_descriptions(dcc.Names("Example Co."), [kettle], same)
    assert (en.value, zh.value, ru.value) == ("Example Co. — Kettle", "Example Co. — 电水壶",
                                              "Пример — Kettle")
    # Without names in other languages: no description.
    assert dcc.language_descriptions(dcc.Names("A", "甲"), [kettle], None) == ()


@pytest.mark.parametrize("tag, rtl", [("ar", True), ("ar-SA", True), ("he", True),
                                      ("fa", True), ("ur", True), ("az-Arab", True),
                                      ("ks-Deva", False), ("ru", False), ("kk-Cyrl", False),
                                      ("zh-Hant", False), ("sr-Latn", False)])
def test_right_to_left_languages(tag, rtl):
    assert dcc.is_rtl(tag) is rtl


# --- validity and the 0.7.0 form -----------------------------------------------------------


def test_both_forms_meet_the_schemas_the_data_model_and_safe_mode():
    d = world_unsigned(World())
    c = dcc070.from_061(d)
    assert c["description"] == d["description"] == EXPECTED
    assert c["name"] == d["credentialSubject"]["name"]  # a plain string, as 0.7.0 types it
    for doc, untp in ((d, schemas.UNTP_DCC), (c, schemas.UNTP_DCC_070)):
        assert schemas.validate_vc2(doc) == []
        assert schemas.errors_against(doc, untp) == []
        assert vc_model.problems(doc) == []
        jsonld_safe.check(doc)
        validation.ensure_registrable(doc, untp)
    assert schemas.validate_dcc(d) == [] and schemas.validate_dcc_070(c) == []


def test_the_070_form_carries_the_description_both_ways_exactly():
    inp = World().attestation(credential_description=kettle_description())
    d = dcc.build_dcc(inp)
    c = dcc070.build_dcc_070(inp)
    assert list(c).index("description") == list(c).index("name") + 1
    assert dcc070.to_061(c) == d
    assert dcc070.read_070(c) == d
    assert dcc.read_dcc(d).credential_description == kettle_description()
    assert dcc070.read_dcc_070(c) == dcc.read_dcc(d)
    assert dcc.build_dcc(dcc.read_dcc(d)) == d


texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                min_size=1, max_size=40)
language_values = st.lists(st.builds(
    dcc.LanguageValue, texts, st.sampled_from(["en", "zh", "ar", "ru", "zh-Hant", "fa-IR"]),
    st.sampled_from([None, "ltr", "rtl"])), min_size=1, max_size=5).map(tuple)


@settings(max_examples=40, deadline=None)
@given(language_values)
def test_any_description_reads_back_and_maps_to_070_and_back(described):
    inp = World().attestation(credential_description=described)
    d = dcc.build_dcc(inp)
    assert dcc.read_dcc(d).credential_description == described
    assert dcc.build_dcc(dcc.read_dcc(d)) == d
    assert dcc070.read_070(dcc070.from_061(d)) == d


@pytest.mark.parametrize("description", [
    "Foshan Meixin — Electric kettle",  # a plain string: not what certpass writes
    [],
    [{"@value": "x", "@language": "en", "@type": "xsd:string"}],
    [{"@value": "x"}],
    [{"@value": "x", "@language": "ar", "@direction": "up"}],
], ids=["string", "empty", "extra-key", "no-language", "bad-direction"])
def test_read_070_refuses_a_description_certpass_does_not_write(description):
    c = dcc070.build_dcc_070(World().attestation(credential_description=kettle_description()))
    c["description"] = description
    with pytest.raises(dcc070.NotA070Dcc):
        dcc070.read_070(c)


def test_rdfc_signs_the_language_and_direction():
    """The URDNA2015 graph certpass signs (rdfDirection i18n-datatype) holds every text with
    its language, and the Arabic one with its direction."""
    nquads = jsonld.normalize(world_unsigned(World()), {
        "algorithm": "URDNA2015", "format": "application/n-quads", "rdfDirection":
        "i18n-datatype", "documentLoader": offline_loader()})
    assert '"Foshan Meixin Electrical Appliance Co., Ltd. — Electric kettle"@en' in nquads
    assert '"佛山美欣电器有限公司 — 电水壶"@zh' in nquads
    assert f'"{EXPECTED[3]["@value"]}"@ru' in nquads
    assert f'"{EXPECTED[2]["@value"]}"^^<https://www.w3.org/ns/i18n#ar_rtl>' in nquads


# --- signed and verified (offline, from a trust bundle) ---------------------------------


FORMS = {"0.6.1": lambda d: d, "0.7.0": dcc070.from_061}


@pytest.mark.parametrize("untp", FORMS)
@pytest.mark.parametrize("suite", proofs.SUITES)
def test_signed_with_either_suite_it_verifies_valid(world, suite, untp):
    signed = world.sign(FORMS[untp](world_unsigned(world)), suite=suite)
    result = verifier.verify(signed, world.trust(), on=ON)
    assert result.verdict == "valid", [x.to_json() for x in result.checks]
    assert unsigned(result.readable) == world_unsigned(world)  # (0.7.0: its 0.6.1 form)


def _flip_direction(c: dict[str, Any]) -> None:
    c["description"][2]["@direction"] = "ltr"


def _drop_direction(c: dict[str, Any]) -> None:
    del c["description"][2]["@direction"]


def _other_language(c: dict[str, Any]) -> None:
    c["description"][3]["@language"] = "uk"


def _other_text(c: dict[str, Any]) -> None:
    c["description"][1]["@value"] = "佛山美欣电器有限公司 — 电饭煲"


TAMPERINGS = [_flip_direction, _drop_direction, _other_language, _other_text]


@pytest.mark.parametrize("tamper", TAMPERINGS, ids=lambda f: f.__name__.strip("_"))
@pytest.mark.parametrize("untp", FORMS)
@pytest.mark.parametrize("suite", proofs.SUITES)
def test_a_changed_language_direction_or_text_is_tampered(world, suite, untp, tamper):
    signed = world.sign(FORMS[untp](world_unsigned(world)), suite=suite)
    tamper(signed)
    assert verifier.verify(signed, world.trust(), on=ON).verdict == "tampered"


def test_reordered_languages_are_no_registered_issue(world):
    """RDF has no order: an rdfc proof survives the languages reordered, but the register
    does not know that credential (eddsa-jcs-2022 signs the order)."""
    rdfc = world.sign(world_unsigned(world), suite=proofs.RDFC)
    rdfc["description"].reverse()
    assert verifier.verify(rdfc, world.trust(), on=ON).verdict == "unregistered"
    jcs = world.sign(world_unsigned(world))
    jcs["description"].reverse()
    assert verifier.verify(jcs, world.trust(), on=ON).verdict == "tampered"


def test_a_070_form_without_the_description_is_no_registered_issue(world):
    c = dcc070.from_061(world_unsigned(world))
    del c["description"]
    assert verifier.verify(world.sign(c), world.trust(), on=ON).verdict == "unregistered"


@pytest.mark.skipif(shutil.which("node") is None
                    or not (JS / "node_modules" / "@digitalbazaar" / "vc").is_dir(),
                    reason="node or tests/js/node_modules missing")
def test_the_js_stack_verifies_it_and_catches_tampering(world, tmp_path):
    from tests.credentials.test_crossverify import run_js

    good = [world.sign(form(world_unsigned(world)), suite=suite)
            for suite in proofs.SUITES for form in FORMS.values()]
    bad = []
    for signed in good:
        for tamper in TAMPERINGS:
            forged = copy.deepcopy(signed)
            tamper(forged)
            bad.append(forged)
    results = run_js(world, good + bad, tmp_path)
    assert [r["verified"] for r in results[:len(good)]] == [True] * len(good), results
    assert [r["suite"] for r in results[:len(good)]] == [
        s for s in proofs.SUITES for _ in FORMS]
    assert [r["verified"] for r in results[len(good):]] == [False] * len(bad), results


# --- through the certificate service --------------------------------------------------------


def test_an_issue_with_names_gets_the_description_and_without_them_the_same_credential(
        sqlite_db):
    seed(sqlite_db)
    with sqlite_db.write() as s:
        certificates.issue(ctx(s), request("2024010701000001", holder=MAKER, manufacturer=MAKER,
                                           products=[KETTLE]), OPERATOR)
    with sqlite_db.write() as s:
        ledger.checkpoint_now(s, SETTINGS)
    with sqlite_db.read() as s:
        certificate = certificates.get(s, "2024010701000001")
        row = credentials.stored(s, certificate)
        described = row.signed_document()
        trust = LiveTrust(s, SETTINGS)
        assert verifier.verify(described, trust).verdict == "valid"
        for suite in proofs.SUITES:
            for untp in credentials.UNTP_VERSIONS:
                again = credentials.resigned(s, SETTINGS, row, suite, untp)
                assert again["description"] == EXPECTED
                result = verifier.verify(again, trust)
                assert result.verdict == "valid", (suite, untp, result.to_json())
        # The same issue rebuilt, with and without its names in other languages.
        [issue] = certificate.issues
        slots = {p: (slot.list_id, slot.index)
                 for p, slot in status.slots_of(s, certificate.id).items()}
        issue_row = row_of(issue)
        plain_row = {**issue_row, "holder": without_names(issue_row["holder"]),
                     "manufacturer": without_names(issue_row["manufacturer"]),
                     "products": [without_names(p) for p in issue_row["products"]]}
        assert "names" in issue_row["holder"] and "names" not in plain_row["holder"]
        rebuilt = dcc.build_dcc(credentials.attestation(ctx(s), row_of(certificate), issue_row,
                                                        slots))
        plain = dcc.build_dcc(credentials.attestation(ctx(s), row_of(certificate), plain_row,
                                                      slots))
    assert rebuilt == unsigned(described)
    assert described["description"] == EXPECTED
    assert "description" not in plain
    # The names change nothing else: without them, the very credential as before.
    assert plain == {k: v for k, v in rebuilt.items() if k != "description"}
    subject = described["credentialSubject"]
    assert subject["issuedToParty"]["name"] == MAKER["name"]
    products = subject["assessment"][0]["assessedProduct"]
    assert [p["product"]["name"] for p in products] == [
        "Electric kettle (电水壶) KE-1701", "Electric kettle (电水壶) KE-1702"]


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_kettle_certificate_is_described_in_four_languages_and_verifies(
        demo_file, tmp_path):
    db = sqlite_copy(demo_file, tmp_path)
    try:
        with db.read() as s:
            certificate = certificates.get(s, "CN-00101", issuer="cqc")
            row = credentials.stored(s, certificate)
            signed = row.signed_document()
            assert signed["description"] == EXPECTED
            trust = LiveTrust(s, SETTINGS)
            result = verifier.verify(signed, trust)
            assert result.verdict == "valid", result.to_json()
            rdfc_070 = credentials.resigned(s, SETTINGS, row, proofs.RDFC, dcc070.VERSION)
            assert verifier.verify(rdfc_070, trust).verdict == "valid"
    finally:
        db.dispose()
