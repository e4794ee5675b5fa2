"""Engines for both backends with the durability settings the store relies on, and error mapping.

SQLite: WAL, ``synchronous=FULL``, a busy timeout and foreign keys on every connection; the
store, not the sqlite3 module, emits BEGIN (``BEGIN IMMEDIATE`` takes the write lock up front
for connections with the ``WRITE_LOCK`` execution option). PostgreSQL: ``synchronous_commit=on``
and, for a ``schema``, a ``search_path`` that puts every table there.
"""

from __future__ import annotations

import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Literal

import asyncpg
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from service.store.errors import StoreError, StoreUnavailable

log = logging.getLogger(__name__)

Backend = Literal["sqlite", "postgresql"]

WRITE_LOCK = "plenary_write_lock"
"""Execution option: ``engine.execution_options(plenary_write_lock=True)`` makes SQLite begin
with ``BEGIN IMMEDIATE`` (take the write lock first). Read-model writers on SQLite should use it."""

SQLITE_BUSY_TIMEOUT_MS = 10_000
SQLITE_CHECKPOINT_PAGES = 10_000
"""WAL size (pages, about 40 MB) that triggers a checkpoint; SQLite's default is 1,000. Index
pages that many commits rewrite are copied back once, not ten times (docs/benchmarks.md)."""

DATABASE_ERRORS: tuple[type[BaseException], ...] = (
    sa.exc.DBAPIError,
    sa.exc.TimeoutError,
    sqlite3.Error,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    OSError,
    TimeoutError,
)
"""What a database that is down, locked or gone raises through SQLAlchemy or a raw driver."""

INTEGRITY_ERRORS: tuple[type[BaseException], ...] = (
    sa.exc.IntegrityError,
    sqlite3.IntegrityError,
    asyncpg.IntegrityConstraintViolationError,
)

SQLITE_PRAGMAS: tuple[str, ...] = (
    f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = FULL",
    "PRAGMA foreign_keys = ON",
    f"PRAGMA wal_autocheckpoint = {SQLITE_CHECKPOINT_PAGES}",
)
"""Set on every SQLite connection, the pooled ones and the writer's own."""

_SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


def create_engine(
    url: str, schema: str | None, *, read_only: bool = False
) -> tuple[AsyncEngine, Backend]:
    """An engine for a ``sqlite+aiosqlite`` or ``postgresql+asyncpg`` URL, else ``ValueError``.

    ``read_only``: connections that cannot write (SQLite ``mode=ro``, PostgreSQL
    ``default_transaction_read_only``) to a database that must exist already.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        if schema is not None:
            raise ValueError("schema applies to PostgreSQL only")
        if parsed.database in (None, "", ":memory:"):
            raise ValueError("the SQLite event store needs a file: sqlite+aiosqlite:///path.db")
        if read_only:
            ro = parsed.set(database=f"file:{parsed.database}", query={"mode": "ro", "uri": "true"})
            pragmas = (f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}",)
            return _sqlite_engine(ro.render_as_string(hide_password=False), pragmas), "sqlite"
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return _sqlite_engine(url, SQLITE_PRAGMAS), "sqlite"
    if backend == "postgresql":
        if schema is not None and not _SCHEMA_NAME.fullmatch(schema):
            raise ValueError(f"schema must match {_SCHEMA_NAME.pattern}: {schema!r}")
        return _postgres_engine(url, schema, read_only), "postgresql"
    raise ValueError(f"unsupported database URL scheme: {parsed.drivername}")


def _sqlite_engine(url: str, pragmas: tuple[str, ...]) -> AsyncEngine:
    engine = create_async_engine(url, pool_pre_ping=False)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        try:
            for pragma in pragmas:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: sa.Connection) -> None:
        immediate = conn.get_execution_options().get(WRITE_LOCK, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def _postgres_engine(url: str, schema: str | None, read_only: bool) -> AsyncEngine:
    settings = {"synchronous_commit": "on", "application_name": "plenary"}
    if schema is not None:
        settings["search_path"] = schema
    if read_only:
        settings["default_transaction_read_only"] = "on"
    return create_async_engine(
        url,
        pool_pre_ping=True,
        connect_args={"server_settings": settings, "timeout": 10, "command_timeout": 60},
    )


@asynccontextmanager
async def unavailable_on_error(what: str) -> AsyncIterator[None]:
    """Turn a database failure inside the block into ``StoreUnavailable`` naming ``what``."""
    try:
        yield
    except StoreError:
        raise
    except DATABASE_ERRORS as exc:
        # The driver's message may quote SQL and values: it goes to the log, not to clients.
        log.warning("the event store could not %s: %r", what, exc)
        raise StoreUnavailable(f"The event store could not {what}; try again.") from exc
