import socket

import pytest
from pyld import jsonld

from certpass.credentials import documents, proofs
from certpass.credentials.documents import DocumentNotAvailable, offline_loader


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_every_bundled_context_loads():
    load = offline_loader()
    for url in documents.BUNDLED_CONTEXTS:
        assert "@context" in load(url)["document"]


def test_status_v1_terms_match_the_vc_v2_context():
    v2 = documents.bundled_context(documents.VC_V2)["@context"]
    status = documents.bundled_context(documents.STATUS_V1)["@context"]
    for term in (
        "BitstringStatusListCredential",
        "BitstringStatusList",
        "BitstringStatusListEntry",
    ):
        assert status[term] == v2[term]


def test_unknown_url_raises_without_network(no_network):
    with pytest.raises(DocumentNotAvailable, match="not available offline"):
        offline_loader()("https://example.org/contexts/unknown")


def test_unknown_context_in_rdfc_raises_clear_error(no_network):
    doc = {"@context": [documents.VC_V2, "https://example.org/other/v1"], "type": "Thing"}
    with pytest.raises(DocumentNotAvailable):
        proofs.canonical_document(doc, proofs.RDFC, offline_loader())


def test_supplied_did_documents_are_served_and_fragments_ignored(no_network):
    did_doc = {"@context": documents.DID_V1, "id": "did:web:example.com"}
    load = offline_loader({"did:web:example.com": did_doc})
    assert load("did:web:example.com#key-1")["document"] == did_doc
    expanded = jsonld.expand(
        {"@context": documents.VC_V2, "@id": "urn:x", "type": "VerifiableCredential"},
        {"documentLoader": load},
    )
    assert expanded
