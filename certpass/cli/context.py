"""The CLI's settings and database, built once per invocation from flags and environment."""

from __future__ import annotations

from functools import cache
from typing import Any

# The arrangements' table refers to the cooperation projects' (recognition sits below
# projects, so its models cannot import them): without this table on the metadata, a flush
# touching arrangements (`arrangements status`, `import`) cannot order its foreign keys.
import certpass.projects.models  # noqa: F401
from certpass.accounts.actor import OPERATOR, Actor
from certpass.config import Settings
from certpass.store.database import Database

_overrides: dict[str, Any] = {}


def configure(**overrides: Any) -> None:
    _overrides.update({k: v for k, v in overrides.items() if v is not None})
    settings.cache_clear()
    database.cache_clear()


@cache
def settings() -> Settings:
    return Settings.load(**_overrides)


@cache
def database() -> Database:
    # The CLI reads the primary (it opens no read_route): an operator's command decides what
    # to write from what it reads. The replica URL is passed so the setting is checked.
    current = settings()
    return Database(current.database_url, current.read_database_url,
                    current.read_replica_max_lag_seconds)


def actor() -> Actor:
    """The command line acts as the operator of its own database."""
    return OPERATOR
