"""The web fixtures (seeded app, tokens per role) for alert tests. The app allows webhooks
to loopback (127.0.0.1/32), where the tests' receivers listen; ``strict_client`` allows
nothing internal, as a deployment does by default."""

import pytest
from fastapi.testclient import TestClient

from certpass.web.app import create_app
from tests.web.conftest import app_db, settings_for, tokens  # noqa: F401

LOOPBACK = "127.0.0.1/32"


@pytest.fixture
def client(app_db, settings_for):  # noqa: F811
    app = create_app(settings_for(webhook_allowed_networks=LOOPBACK), app_db)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def strict_client(app_db, settings_for):  # noqa: F811
    with TestClient(create_app(settings_for(), app_db), raise_server_exceptions=False) as c:
        yield c
