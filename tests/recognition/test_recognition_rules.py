"""Arrangements as data: JSON round trip and clear refusals of bad documents."""

from __future__ import annotations

import datetime as dt

import pytest

from certpass.errors import InvalidInput
from certpass.recognition import codes
from certpass.recognition.rules import Arrangement, InvalidArrangement, load_arrangements

from .demo_registry import demo_document

MINIMAL = {"id": "a", "title_en": "A", "kind": "bilateral-mra"}


def test_demo_arrangements_round_trip() -> None:
    items = demo_document()["arrangements"]
    arrangements = load_arrangements(items)
    assert len(arrangements) == len(items)
    for a in arrangements:
        assert Arrangement.from_dict(a.to_dict()) == a
        assert a.source.title, f"{a.id} has no source"


def test_every_demo_arrangement_is_labelled_and_sourced() -> None:
    doc = demo_document()
    assert "illustrative" in doc["note"].lower()
    ids = {a["id"] for a in doc["arrangements"]}
    assert {
        "iecee-cb-to-ccc",
        "iecex-to-ccc-ex",
        "cn-nz-eee-mra",
        "gba-certification",
        "cepa-hk-ccc-testing",
        "cnas-belarus-2019",
        "eaeu-china-2018",
        "iecee-cb-sg",
        "iecee-cb-au-nz",
    } <= ids


def test_status_on_date_follows_history() -> None:
    a = Arrangement.from_dict(
        {
            **MINIMAL,
            "status_history": [
                {"date": "2008-04-07", "status": "signed"},
                {"date": "2014-01-01", "status": "in-force"},
                {"date": "2024-01-01", "status": "suspended"},
            ],
        }
    )
    assert a.status_on(dt.date(2000, 1, 1)) is None
    assert a.status_on(dt.date(2010, 1, 1)) == "signed"
    assert a.in_force_on(dt.date(2014, 1, 1))
    assert not a.in_force_on(dt.date(2024, 1, 1))


def test_validity_dates_bound_in_force() -> None:
    a = Arrangement.from_dict(
        {
            **MINIMAL,
            "valid_from": "2020-01-01",
            "valid_until": "2020-12-31",
            "status_history": [{"date": "2019-01-01", "status": "in-force"}],
        }
    )
    assert not a.in_force_on(dt.date(2019, 6, 1))
    assert a.in_force_on(dt.date(2020, 6, 1))
    assert not a.in_force_on(dt.date(2021, 1, 1))


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"colour": "red"}, "unknown field(s) colour"),
        ({"scope": {"schemes": ["CCC"]}}, "unknown field(s) schemes in Scope"),
        ({"kind": "friendship"}, "kind 'friendship'"),
        ({"recognises": ["goodwill"]}, "recognises 'goodwill'"),
        ({"testing_routes": ["self-declared"]}, "testing_routes 'self-declared'"),
        ({"conditions": [{"code": "bribe"}]}, "condition code 'bribe'"),
        ({"suffix_conditions": {"X": "nothing"}}, "suffix_conditions[X]"),
        ({"freshness_action": "ignore"}, "freshness_action 'ignore'"),
        ({"freshness_months": 0}, "freshness_months must be positive"),
        ({"valid_from": "2020-01-02", "valid_until": "2020-01-01"}, "dates are reversed"),
        ({"valid_from": "2020-13-01"}, "bad value for valid_from"),
        (
            {
                "status_history": [
                    {"date": "2020-01-01", "status": "in-force"},
                    {"date": "2019-01-01", "status": "signed"},
                ]
            },
            "not in date order",
        ),
        ({"status_history": [{"date": "2020-01-01", "status": "asleep"}]}, "status 'asleep'"),
        ({"title_en": ""}, "title_en are required"),
    ],
)
def test_invalid_documents_are_refused_clearly(change, fragment) -> None:
    with pytest.raises(InvalidArrangement) as info:
        Arrangement.from_dict({**MINIMAL, **change})
    err = info.value
    assert isinstance(err, InvalidInput)
    assert err.code == "invalid-arrangement"
    assert err.http_status == 422
    text = err.message + " " + err.hint
    assert fragment in text, text


def test_missing_required_field() -> None:
    with pytest.raises(InvalidArrangement, match="kind"):
        Arrangement.from_dict({"id": "a", "title_en": "A"})


def test_duplicate_ids_refused() -> None:
    with pytest.raises(InvalidArrangement, match="duplicate"):
        load_arrangements([MINIMAL, MINIMAL])


def test_code_lists_are_bilingual_and_complete() -> None:
    assert set(codes.CONDITIONS) == {
        "national-differences-test",
        "sample-required",
        "factory-inspection",
        "local-representative",
        "marking",
        "test-report-required",
        "freshness-review",
    }
    assert set(codes.REASONS) == {
        "no-arrangement",
        "outside-scope",
        "issuer-not-designated",
        "lab-not-listed",
        "testing-route-not-accepted",
        "edition-too-old",
        "certificate-too-old",
        "origin-not-eligible",
        "arrangement-not-in-force",
        "certificate-not-valid",
    }
    for table in (codes.CONDITIONS, codes.REASONS, codes.DECISIONS):
        for code in table.values():
            assert code.en and code.zh and code.meaning
    with pytest.raises(InvalidInput, match="unknown reason code"):
        codes.reason("because")
