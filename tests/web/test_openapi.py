"""The OpenAPI document says what routes answer (issue 12): error statuses where routes give
them, with the one error shape, and DID documents under the media type they are served as."""

from __future__ import annotations

import pytest

from tests.web.conftest import bearer


@pytest.fixture
def openapi(client) -> dict:
    return client.get("/openapi.json").json()


def _responses(openapi: dict, path: str, method: str) -> dict:
    return openapi["paths"][path][method]["responses"]


@pytest.mark.parametrize("path, method, statuses", [
    ("/api/certificates", "post", {"400", "401", "403", "409", "422"}),
    ("/api/certificates/{number}/{action}", "post", {"400", "403", "404", "409"}),
    ("/api/certificates/{number}", "get", {"400", "404", "409"}),
    ("/api/certificates/{number}/passport.pdf", "get", {"400", "404", "409"}),
    ("/api/accreditations", "post", {"400", "403", "409"}),
    ("/api/projects/outcomes", "get", {"400"}),
    ("/bodies/{body_id}/did.json", "get", {"400", "404"}),
])
def test_error_statuses_are_documented(openapi, path, method, statuses):
    responses = _responses(openapi, path, method)
    assert statuses <= set(responses), sorted(responses)
    for status in statuses:
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema.get("$ref", "").endswith("/ErrorResponse") or "ErrorResponse" in str(schema)
    assert "ErrorResponse" in openapi["components"]["schemas"]


def test_every_write_documents_403_and_409(openapi):
    writes = [(p, m) for p, ops in openapi["paths"].items() for m in ops
              if m in ("post", "put", "patch", "delete")]
    assert writes
    missing = [(p, m) for p, m in writes
               if not {"403", "409"} <= set(_responses(openapi, p, m))]
    assert missing == []


@pytest.mark.parametrize("path", ["/.well-known/did.json", "/bodies/{body_id}/did.json"])
def test_did_documents_are_documented_as_served(openapi, client, tokens, path):
    content = _responses(openapi, path, "get")["200"]["content"]
    assert list(content) == ["application/did+json"]


def test_did_document_is_served_with_the_documented_type(client, tokens):
    client.post("/api/certificates", json=__import__(
        "tests.registry_fixture", fromlist=["request_data"]).request_data(),
        headers={"Authorization": f"Bearer {tokens['cqc']}"})
    r = client.get("/bodies/cqc/did.json")
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == "application/did+json"


def test_an_arrangement_body_is_documented_by_its_model(openapi, client, tokens):
    """POST /api/arrangements documents the rules' own model (issue 19): every field, none
    other (additionalProperties false, as from_dict refuses unknown ones), the nested
    models beside it; and a document the schema refuses is refused by the API."""
    body = openapi["paths"]["/api/arrangements"]["post"]["requestBody"]
    assert body["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Arrangement"}
    schemas = openapi["components"]["schemas"]
    arrangement = schemas["Arrangement"]
    assert arrangement["additionalProperties"] is False
    assert set(arrangement["required"]) == {"id", "title_en", "kind"}
    assert {"scope", "origin", "status_history", "designated_bodies_by_standard"} \
        <= set(arrangement["properties"])
    assert schemas["Scope"]["additionalProperties"] is False
    r = client.post("/api/arrangements", headers=bearer(tokens["admin"]), json={
        "id": "x", "title_en": "X", "kind": "bilateral-mra", "scope": {"schemes": ["CCC"]}})
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid-arrangement"
    assert "unknown field(s) schemes in Scope" in r.json()["error"]["message"]


@pytest.mark.parametrize("path, model, required", [
    ("/credentials/issue", "IssueRequest", {"credential"}),
    ("/credentials/verify", "VerifyCredentialRequest", {"verifiableCredential"}),
    ("/presentations/verify", "VerifyPresentationRequest", {"verifiablePresentation"}),
])
def test_vc_api_bodies_are_documented_by_their_models(openapi, path, model, required):
    body = openapi["paths"][path]["post"]["requestBody"]["content"]["application/json"]
    assert body["schema"] == {"$ref": f"#/components/schemas/{model}"}
    assert set(openapi["components"]["schemas"][model]["required"]) == required


def test_the_verify_api_documents_each_shape_it_takes(openapi):
    schema = openapi["paths"]["/api/verify"]["post"]["requestBody"]["content"][
        "application/json"]["schema"]
    refs = {x.get("$ref", "").rsplit("/", 1)[-1] for x in schema["anyOf"]}
    assert {"VerifyByNumber", "VerifyJwt", "VerifyWithReceipt"} <= refs
    assert openapi["components"]["schemas"]["VerifyByNumber"]["required"] == ["number"]
