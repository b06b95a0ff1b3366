"""JSON-LD expansion in safe mode: processor failures and dropped terms are one clear error."""

from __future__ import annotations

import copy

import pytest

from certpass.credentials import jsonld_safe
from tests.credentials.hostile import EXAMPLES, HOSTILE, V2, credential, hostile, leaks


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_every_hostile_context_is_one_clean_error(name):
    with pytest.raises(jsonld_safe.InvalidJsonLd) as caught:
        jsonld_safe.check(hostile(name))
    assert caught.value.http_status == 422
    assert not leaks(caught.value.message + caught.value.hint), caught.value.message


@pytest.mark.parametrize("doc", [
    credential([V2]),
    credential([V2, EXAMPLES], {"credentialSubject": {"id": "did:example:s",
                                                       "alumniOf": "Example University"}}),
    credential([V2, {"nickname": "https://example.org/nickname"}], {"nickname": "x"}),
    credential([V2], {"description": {"@value": "Hallo", "@language": "de"}}),
], ids=["plain", "examples", "own-term", "language-object"])
def test_well_formed_documents_expand(doc):
    assert jsonld_safe.expand(doc)
    jsonld_safe.check(doc)


def test_a_dropped_term_is_named():
    doc = credential([V2, {"nickname": "https://schema.org/alternateName"}])
    doc["credentialSubject"] = {"id": "did:example:s", "lostTerm": 1}
    with pytest.raises(jsonld_safe.InvalidJsonLd, match="lostTerm"):
        jsonld_safe.expand(doc)


def test_the_shape_cache_judges_like_a_full_expansion():
    """check() caches verdicts per shape for bundled-only contexts; the same shape with a
    different type value or a different key must be judged afresh."""
    good = credential([V2, EXAMPLES])
    jsonld_safe.check(good)
    jsonld_safe.check(copy.deepcopy(good))  # cached: still fine
    # Same shape except a JSON-LD keyword value: @direction "up" is invalid.
    bad = copy.deepcopy(good)
    bad["credentialSubject"]["name"] = {"@value": "Alice", "@direction": "up"}
    with pytest.raises(jsonld_safe.InvalidJsonLd):
        jsonld_safe.check(bad)
    again = copy.deepcopy(bad)
    with pytest.raises(jsonld_safe.InvalidJsonLd):
        jsonld_safe.check(again)  # cached failure is raised again
    # A free value's kind matters too: an id that is a number is refused by the processor.
    odd = copy.deepcopy(good)
    odd["credentialSubject"]["id"] = 7
    with pytest.raises(jsonld_safe.InvalidJsonLd):
        jsonld_safe.check(odd)


def test_credentials_that_differ_only_in_their_ids_are_expanded_once(monkeypatch):
    """Every credential has its own id and name: an absolute id stands in the shape as "an
    IRI" and a passed shape passes under any name, so a register's credentials of one kind
    are expanded once (issuance ran pyld for each, 40/s);
    an id that is not an absolute IRI is still judged by an expansion of its own."""
    expanded: list[str] = []
    real = jsonld_safe.expand

    def counting(document, loader=None, what="the credential"):
        expanded.append(document["id"])
        return real(document, loader, what)

    monkeypatch.setattr(jsonld_safe, "expand", counting)
    monkeypatch.setattr(jsonld_safe, "_JUDGED", {})
    for n in range(3):
        c = credential([V2, EXAMPLES])
        c["id"] = f"urn:uuid:00000000-0000-4000-8000-00000000000{n}"
        c["credentialSubject"]["id"] = f"did:example:{n}"
        jsonld_safe.check(c, f"the credential of certificate N{n}")  # each its own name
    assert len(expanded) == 1
    relative = credential([V2, EXAMPLES])
    relative["id"] = "not an iri"  # (the data model check refuses it; expansion keeps it)
    jsonld_safe.check(relative)
    assert expanded[1:] == ["not an iri"]


# VC Data Integrity: "an error MUST be raised when JSON-LD processing drops data". A value
# expansion turns into nothing is such data (jsonld.js safe mode: "null @value value",
# "object with only @language", "empty object" at the top).
DROPPED_VALUES = {
    "null-value": ({"name": {"@value": None}}, "name: a value object whose @value is null"),
    "null-value-language": ({"description": {"@value": None, "@language": "en"}},
                            "description: a value object whose @value is null"),
    "null-value-in-subject": ({"credentialSubject": {"id": "did:example:s",
                                                     "name": {"@value": None}}},
                              "name: a value object whose @value is null"),
    "null-value-in-list": ({"name": ["Alice", {"@value": None}]},
                           "name: a value object whose @value is null"),
    "only-language": ({"name": {"@language": "en"}}, "name: an object with only @language"),
}


@pytest.mark.parametrize("name", sorted(DROPPED_VALUES))
def test_a_value_expansion_drops_is_refused_and_named(name):
    extra, said = DROPPED_VALUES[name]
    doc = credential([V2], extra)
    for run in (jsonld_safe.expand, jsonld_safe.check, jsonld_safe.check):  # check: cached too
        with pytest.raises(jsonld_safe.InvalidJsonLd) as caught:
            run(doc)
        assert said in caught.value.message, caught.value.message
        assert caught.value.details["jsonld_error"] == "dropped value"
        assert caught.value.http_status == 422 and not leaks(caught.value.message)


def test_a_null_property_value_and_an_empty_node_are_no_dropped_data():
    """JSON null is JSON-LD's own "no value" (jsonld.js safe mode keeps it too); an empty
    object under a property is a blank node, not dropped."""
    jsonld_safe.check(credential([V2], {"name": None}))
    jsonld_safe.check(credential([V2], {"credentialSubject": {"id": "did:example:s",
                                                              "name": {}}}))
    jsonld_safe.check(credential([V2], {"name": {"@value": "Alice", "@language": "en"}}))
