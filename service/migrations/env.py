"""Alembic environment for the event store: runs only on a connection the store hands in.

``service.store.migrate.upgrade`` puts an open SQLAlchemy ``Connection`` (inside a transaction
that holds the migration lock) and the PostgreSQL schema into ``config.attributes``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

connection = context.config.attributes.get("connection")
if not isinstance(connection, Connection):
    raise RuntimeError("run migrations through service.store.migrate.upgrade(connection)")

context.configure(
    connection=connection,
    target_metadata=None,
    version_table_schema=context.config.attributes.get("schema"),
    transactional_ddl=True,
)
with context.begin_transaction():
    context.run_migrations()
