"""Storage: engine, sessions, metadata and migrations (SQLite by default, PostgreSQL by URL)."""

from certpass.store.base import Base
from certpass.store.database import Database, migrate

__all__ = ["Base", "Database", "migrate"]
