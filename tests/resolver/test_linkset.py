"""Linksets and content negotiation (certpass.resolver.linkset), without a database."""

from __future__ import annotations

import jsonschema

from certpass.resolver import linkset as ls
from certpass.resolver.linkset import Accept, Link

LINKS = [
    Link(ls.DCC, "http://127.0.0.1:8000/api/certificates/A/credential", "DCC",
         "application/vc+ld+json", ("en",)),
    Link(ls.DEFAULT_LINK, "http://127.0.0.1:8000/verify?number=A", "Verify", "text/html", ("en",)),
    Link(ls.DEFAULT_LINK, "http://127.0.0.1:8000/verify?number=A&lang=zh", "核验", "text/html",
         ("zh",)),
    Link(ls.CERTIFICATION_INFO, "http://127.0.0.1:8000/api/certificates/A/passport.pdf", "PDF",
         "application/pdf", ("en", "zh")),
]


def test_linkset_validates_and_groups_links_by_type(linkset_schema):
    doc = ls.linkset(ls.context_object("http://127.0.0.1:8000/id/certificates/A", "A", LINKS))
    jsonschema.Draft7Validator(linkset_schema).validate(doc)
    context = doc["linkset"][0]
    assert [x["hreflang"] for x in context[ls.DEFAULT_LINK]] == [["en"], ["zh"]]
    assert context[ls.DCC][0]["type"] == "application/vc+ld+json"


def test_a_compact_link_type_is_not_a_valid_linkset_key(linkset_schema):
    """Why the linkset spells link types out: the schema refuses `untp:dcc` as a key."""
    doc = {"linkset": [{"anchor": "http://x.example/a", "untp:dcc": [
        {"href": "http://x.example/c", "title": "c"}]}]}
    assert not jsonschema.Draft7Validator(linkset_schema).is_valid(doc)


def test_compact_and_expand_are_inverse():
    for full in (ls.DCC, ls.CERTIFICATION_INFO, ls.RECOGNITION):
        assert ls.expand(ls.compact(full)) == full
    assert ls.expand("untp:dcc") == "https://test.uncefact.org/vocabulary/linkTypes/dcc"
    assert ls.expand("gs1:certificationInfo") == "https://gs1.org/voc/certificationInfo"
    assert ls.expand("https://example.org/x") == "https://example.org/x"


def test_accept_negotiation():
    browser = Accept.parse("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert not browser.wants_linkset()
    assert ls.pick(LINKS, link_type=None, accept=browser, languages=["en", "zh"]) == LINKS[1]
    assert Accept.parse("application/linkset+json").wants_linkset()
    assert Accept.parse("application/json, */*").wants_linkset()
    assert not Accept.parse("*/*").wants_linkset()
    assert not Accept.parse("application/linkset+json;q=0").wants_linkset()
    # A media type named: the link of that type; nothing named: the default link.
    pdf = ls.pick(LINKS, link_type=None, accept=Accept.parse("application/pdf"),
                  languages=["en"])
    assert pdf == LINKS[3]
    assert ls.pick(LINKS, link_type=None, accept=Accept.parse(""), languages=["en"]) == LINKS[1]


def test_language_and_link_type():
    zh = ls.languages("zh-CN,zh;q=0.9,en;q=0.5")
    assert zh == ["zh", "en"]
    assert ls.languages("fr") == ["en", "zh"]
    assert ls.pick(LINKS, link_type=None, accept=Accept.parse("text/html"),
                   languages=zh) == LINKS[2]
    assert ls.pick(LINKS, link_type="untp:dcc", accept=Accept.parse("text/html"),
                   languages=zh) == LINKS[0]
    assert ls.pick(LINKS, link_type="gs1:pip", accept=Accept.parse(""), languages=zh) is None
