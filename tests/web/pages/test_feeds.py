"""Atom feeds of status changes, for anyone (issue 12): valid Atom (RFC 4287) read back with
an XML parser, one entry per change, newest first."""

from __future__ import annotations

from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest

from tests.registry_fixture import request_data
from tests.web.conftest import bearer

A = "{http://www.w3.org/2005/Atom}"
NUMBER = "CN/NEP/ExTR24.0031/00"
HOLDER = "Ningbo Example Appliance Co., Ltd."


@pytest.fixture
def changed(client, tokens):
    h = bearer(tokens["cqc"])
    assert client.post("/api/certificates", json=request_data(NUMBER),
                       headers=h).status_code == 201
    assert client.post("/api/certificates", json=request_data("2024010701000009"),
                       headers=h).status_code == 201
    for action in ("suspend", "restore"):
        r = client.post(f"/api/certificates/{NUMBER}/{action}", json={"reason": "audit"},
                        headers=h)
        assert r.status_code == 200, r.text
    return client


def _parse(response) -> ET.Element:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{A}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{A}{required}") is not None, required
    assert root.find(f"{A}author/{A}name") is not None
    assert root.find(f"{A}link[@rel='self']") is not None
    for entry in root.findall(f"{A}entry"):
        for required in ("id", "title", "updated", "summary"):
            assert (entry.findtext(f"{A}{required}") or "").strip(), required
        assert entry.find(f"{A}link[@rel='alternate']") is not None
    ids = [e.findtext(f"{A}id") for e in root.findall(f"{A}entry")]
    assert len(ids) == len(set(ids))
    return root


def test_a_certificate_feed_lists_its_changes_newest_first(changed):
    root = _parse(changed.get(f"/feeds/certificates/{NUMBER}.atom"))
    entries = root.findall(f"{A}entry")
    terms = [e.find(f"{A}category").get("term") for e in entries]
    assert terms == ["valid", "suspended", "valid"]  # restore, suspend, issue
    assert "restore" in entries[0].findtext(f"{A}title")
    assert entries[0].find(f"{A}link").get("href").endswith(
        f"/certificates/{quote(NUMBER)}")
    assert root.findtext(f"{A}updated") == entries[0].findtext(f"{A}updated")


def test_body_and_holder_feeds_cover_every_certificate(changed):
    body = _parse(changed.get("/feeds/bodies/cqc.atom"))
    assert len(body.findall(f"{A}entry")) == 4
    holder = _parse(changed.get(f"/feeds/holders/{quote(HOLDER)}.atom"))
    assert len(holder.findall(f"{A}entry")) == 4
    nobody = _parse(changed.get("/feeds/holders/Nobody%20Ltd.atom"))
    assert nobody.findall(f"{A}entry") == []


def test_unknown_targets_are_404(client):
    assert client.get("/feeds/certificates/NOPE-1.atom").status_code == 404
    assert client.get("/feeds/bodies/nobody.atom").status_code == 404


def test_a_holder_whose_name_has_a_slash_has_a_feed(client, tokens):
    """Danish "A/S", "S/A": the name is one path segment (quoted), and the route takes it."""
    from certpass.web.pages.feeds import feed_path

    name = "Nordic Kitchen A/S"
    data = request_data("2024010701000011", holder={"name": name, "economy": "CN"})
    assert client.post("/api/certificates", json=data,
                       headers=bearer(tokens["cqc"])).status_code == 201
    path = feed_path("holder", name)
    assert path == "/feeds/holders/Nordic%20Kitchen%20A%2FS.atom"
    root = _parse(client.get(path))
    assert len(root.findall(f"{A}entry")) == 1
    assert name in root.findtext(f"{A}title")
