"""A real uvicorn server on a free loopback port, serving the demo database, driven by
Debian's Chromium through Playwright. Skipped, saying why, where Chromium is missing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.waiting import free_port, wait_for

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[tuple[str, object, object]]:
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's Chromium at /usr/bin/chromium")
    import uvicorn

    from certpass.web.app import create_app
    from tests.web.pages import demo_site

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings, db = demo_site.build(tmp_path_factory.mktemp("browser-demo"), base_url=base)
    config = uvicorn.Config(create_app(settings, db), host="127.0.0.1", port=port,
                            log_level="warning", lifespan="on")
    srv = uvicorn.Server(config)
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    wait_for(lambda: srv.started, "the browser tests' server", alive=thread.is_alive)
    yield base, settings, db
    srv.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@pytest.fixture(scope="session")
def browser(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, request, tmp_path_factory):
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-GB")
    pg = context.new_page()
    yield pg
    shots = Path(tmp_path_factory.getbasetemp()) / "screenshots"
    shots.mkdir(exist_ok=True)
    pg.screenshot(path=str(shots / f"{request.node.name}.png"), full_page=True)
    context.close()
