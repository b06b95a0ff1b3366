"""The web fixtures (seeded app, tokens per role) for account tests."""

from tests.web.conftest import app_db, client, settings_for, tokens  # noqa: F401
