"""/docs and /redoc are served from this server alone, and every page has an icon."""

from __future__ import annotations

import re

SCRIPT_OR_LINK = re.compile(r'(?:src|href)="([^"]+)"')


def test_docs_pages_reference_only_this_server(client):
    for path in ("/docs", "/redoc"):
        page = client.get(path)
        assert page.status_code == 200, path
        refs = SCRIPT_OR_LINK.findall(page.text)
        assert refs, path
        for ref in refs:
            assert ref.startswith("/"), f"{path} loads {ref} from elsewhere"
            assert client.get(ref).status_code == 200, ref
        # no inline script: every <script> has a src
        assert "<script>" not in page.text


def test_swagger_assets_are_the_real_bundle(client):
    js = client.get("/docs-assets/swagger-ui-bundle.js")
    assert js.status_code == 200
    assert "SwaggerUIBundle" in js.text and len(js.content) > 500_000


def test_favicon_is_an_icon(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # the ICO header
    assert 'rel="icon"' in client.get("/").text
