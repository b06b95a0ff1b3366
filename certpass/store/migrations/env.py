"""Alembic environment: runs against the connection certpass hands it, or a URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from certpass.index.models import is_unmodelled
from certpass.store.models import metadata

config = context.config


def run(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        # The search index's FTS5 tables (SQLite) and tsvector index (PostgreSQL) are no models.
        include_name=lambda name, kind, _parent: not (
            name and is_unmodelled(name)),
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    url = config.get_main_option("sqlalchemy.url")
    if url is None:
        raise SystemExit("alembic: no sqlalchemy.url and no connection given")
    with create_engine(url).connect() as conn:
        run(conn)
        conn.commit()
