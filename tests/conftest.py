"""Shared fixtures: every event store test runs once on SQLite and once on PostgreSQL.

PostgreSQL comes from ``PLENARY_TEST_POSTGRES_URL`` (default: trust auth on 127.0.0.1:5432,
database ``test``); each test gets a fresh schema, dropped afterwards. When the server does
not answer, its tests skip with the reason, or fail if ``PLENARY_REQUIRE_POSTGRES=1`` (CI).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, NamedTuple

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from service.store import EventStore

POSTGRES_URL = os.environ.get(
    "PLENARY_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
_postgres_error: dict[str, str | None] = {}  # url -> why it is unreachable (None: reachable)


class StoreLocation(NamedTuple):
    """Where a test's store lives; ``open()`` gives another store on the same database."""

    url: str
    schema: str | None

    async def open(self, **options: Any) -> EventStore:
        """Another store on this database (the caller closes it)."""
        return await EventStore.open(self.url, schema=self.schema, **options)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def postgres_connection(url: str = POSTGRES_URL) -> Any:
    """A plain asyncpg connection to the test server (the caller closes it)."""
    return await asyncpg.connect(_dsn(url), timeout=3)


async def require_postgres(url: str = POSTGRES_URL) -> str:
    """Return ``url`` if the server answers; otherwise skip loudly (or fail when required)."""
    if url not in _postgres_error:
        try:
            conn = await postgres_connection(url)
        except (OSError, TimeoutError, asyncpg.PostgresError) as exc:
            _postgres_error[url] = f"{type(exc).__name__}: {exc}"
        else:
            await conn.close()
            _postgres_error[url] = None
    error = _postgres_error[url]
    if error is not None:
        reason = (
            f"PostgreSQL NOT TESTED: {make_url(url).render_as_string()} did not answer ({error}). "
            "Start it or set PLENARY_TEST_POSTGRES_URL; PLENARY_REQUIRE_POSTGRES=1 makes this fail."
        )
        if os.environ.get("PLENARY_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@asynccontextmanager
async def throwaway_database(url: str = POSTGRES_URL) -> AsyncIterator[str]:
    """The URL of a new database on the test server (``plenary_test_<random>``, so parallel
    runs never meet), dropped after with whatever still holds it open."""
    name = f"plenary_test_{uuid.uuid4().hex[:16]}"
    await postgres_execute(url, f'CREATE DATABASE "{name}"')
    try:
        yield make_url(url).set(database=name).render_as_string(hide_password=False)
    finally:
        await postgres_execute(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def postgres_execute(url: str, sql: str) -> None:
    """Run one statement on its own connection to the test server."""
    conn = await postgres_connection(url)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
async def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database URL per backend: a SQLite file in ``tmp_path``, or the test PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'events.db'}"
    return await require_postgres()


@pytest.fixture
async def store_location(store_url: str) -> AsyncIterator[StoreLocation]:
    """``(url, schema)`` of an empty database: a fresh schema on PostgreSQL, dropped after."""
    if make_url(store_url).get_backend_name() != "postgresql":
        yield StoreLocation(store_url, None)
        return
    schema = f"test_{uuid.uuid4().hex[:16]}"
    try:
        yield StoreLocation(store_url, schema)
    finally:
        await postgres_execute(store_url, f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
async def store(store_location: StoreLocation) -> AsyncIterator[EventStore]:
    """An open, empty event store; closed after the test."""
    opened = await store_location.open()
    try:
        yield opened
    finally:
        await opened.close()
