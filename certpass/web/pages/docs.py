"""The API documentation pages, served from this server alone.

Swagger UI and ReDoc come from the `fastapi-offline` package's copies (no CDN: the pages
work on an isolated network), and neither page has an inline script, so they run under the
same Content-Security-Policy as the rest of the site.
"""

from __future__ import annotations

from pathlib import Path

import fastapi_offline
from fastapi import APIRouter, FastAPI
from fastapi.responses import FileResponse, HTMLResponse
from fastapi.staticfiles import StaticFiles

router = APIRouter(include_in_schema=False)

ASSETS = "/docs-assets"
_STATIC = Path(__file__).resolve().parent.parent / "static"

_SWAGGER = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>certpass API · Swagger UI</title>
<link rel="icon" href="/favicon.ico">
<link rel="stylesheet" href="{ASSETS}/swagger-ui.css">
</head><body>
<div id="swagger-ui" data-openapi="/openapi.json"></div>
<script src="{ASSETS}/swagger-ui-bundle.js"></script>
<script src="/static/docs.js"></script>
</body></html>
"""

_REDOC = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>certpass API · ReDoc</title>
<link rel="icon" href="/favicon.ico">
</head><body>
<redoc spec-url="/openapi.json"></redoc>
<script src="{ASSETS}/redoc.standalone.js"></script>
</body></html>
"""


def mount_assets(app: FastAPI) -> None:
    """Serve the packaged Swagger UI and ReDoc files under /docs-assets."""
    directory = Path(fastapi_offline.__file__).parent / "static"
    app.mount(ASSETS, StaticFiles(directory=directory), name="docs-assets")


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return HTMLResponse(_SWAGGER)


@router.get("/redoc")
def redoc() -> HTMLResponse:
    return HTMLResponse(_REDOC)


@router.get("/favicon.ico")
def favicon() -> FileResponse:
    return FileResponse(_STATIC / "favicon.ico", media_type="image/x-icon",
                        headers={"Cache-Control": "public, max-age=86400"})
