"""Opening and closing: migrations, the epoch, bad URLs, a database that is not there."""

from __future__ import annotations

import asyncio
import threading
import uuid
from pathlib import Path
from typing import Any, cast

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext

from service.store import EventStore, StoreUnavailable
from service.store.engine import create_engine
from service.store.migrate import MIGRATIONS
from service.store.schema import commands, metadata
from tests.conftest import StoreLocation, postgres_connection, require_postgres
from tests.service.store.support import meta, new_event
from tests.waiting import until


async def test_epoch_is_stable_across_reopen(store_location: StoreLocation) -> None:
    first = await store_location.open()
    epoch = first.epoch
    await first.append("board-1", [new_event()], 0, meta())
    await first.close()

    second = await store_location.open()
    try:
        assert second.epoch == epoch
        assert (await second.head()).position == 1
        assert len(epoch) == 36
    finally:
        await second.close()


async def test_every_database_has_its_own_epoch(store: EventStore, tmp_path: Path) -> None:
    other = await EventStore.open(f"sqlite+aiosqlite:///{tmp_path / 'other.db'}")
    try:
        assert other.epoch != store.epoch
    finally:
        await other.close()


async def test_reopening_applies_no_migration_twice(store_location: StoreLocation) -> None:
    for _ in range(3):
        store = await store_location.open()
        try:
            async with store.engine.connect() as conn:
                versions = await conn.execute(sa.text("SELECT version_num FROM alembic_version"))
                assert versions.scalars().all() == ["0003"]
        finally:
            await store.close()


async def test_migrated_schema_matches_the_table_definitions(store: EventStore) -> None:
    def differences(connection: sa.Connection) -> Any:
        return compare_metadata(MigrationContext.configure(connection), metadata)

    async with store.engine.connect() as conn:
        assert await conn.run_sync(differences) == []


async def test_a_database_of_revision_0001_keeps_its_commands_unrecorded(
    store_location: StoreLocation,
) -> None:
    """Upgrading adds ``commands.hashes``: NULL (not recorded) for the rows already there."""
    engine, _ = create_engine(store_location.url, store_location.schema)
    try:
        async with engine.begin() as conn:
            if store_location.schema is not None:
                await conn.exec_driver_sql(f'CREATE SCHEMA "{store_location.schema}"')
            await conn.run_sync(_upgrade_to, "0001")
            await conn.execute(sa.text("INSERT INTO commands VALUES ('old', 'board-0', 1, 1)"))
    finally:
        await engine.dispose()

    store = await store_location.open()
    try:
        [event] = await store.append("board-1", [new_event()], 0, meta("new"))
        async with store.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(commands.c.command_id, commands.c.hashes).order_by(commands.c.command_id)
            )
            assert [tuple(row) for row in rows] == [("new", event.hash), ("old", None)]
    finally:
        await store.close()


def _upgrade_to(connection: sa.Connection, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    config.attributes["schema"] = None
    command.upgrade(config, revision)


async def test_tables_live_in_the_given_schema(
    store: EventStore, store_location: StoreLocation
) -> None:
    if store_location.schema is None:
        assert store.backend == "sqlite"
        return
    conn = await postgres_connection(store_location.url)
    try:
        tables = await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
            store_location.schema,
        )
    finally:
        await conn.close()
    assert {r["table_name"] for r in tables} == {
        "alembic_version",
        "commands",
        "events",
        "person_keys",
        "projection_checkpoints",
        "read_models",
        "snapshots",
        "store_meta",
    }


@pytest.mark.parametrize(
    ("url", "schema"),
    [
        ("mysql+aiomysql://localhost/db", None),
        ("sqlite+aiosqlite://", None),
        ("sqlite+aiosqlite:///x.db", "some_schema"),
        ("postgresql+asyncpg://localhost/db", 'bad"; DROP TABLE events; --'),
    ],
)
async def test_unusable_urls_are_refused(url: str, schema: str | None) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message differs per URL
        await EventStore.open(url, schema=schema)


async def test_unreachable_sqlite_file_is_unavailable(tmp_path: Path) -> None:
    threads = set(threading.enumerate())
    with pytest.raises(StoreUnavailable):
        await EventStore.open(f"sqlite+aiosqlite:///{tmp_path}")  # a folder, not a file
    # aiosqlite stops the worker thread of a failed connect without waiting for it; wait for
    # it to end, or it reports to an event loop pytest has already closed.
    await until(
        lambda: set(threading.enumerate()) <= threads,
        within=10,
        what="aiosqlite's worker thread ends",
    )
    await asyncio.sleep(0)  # the thread's last report, scheduled on this loop, runs


async def test_unreachable_postgres_is_unavailable() -> None:
    with pytest.raises(StoreUnavailable):
        await EventStore.open("postgresql+asyncpg://postgres@127.0.0.1:1/test")


@pytest.mark.postgres
async def test_writer_reconnects_after_losing_its_connection() -> None:
    url = await require_postgres()
    location = StoreLocation(url, f"test_{uuid.uuid4().hex[:16]}")
    store = await location.open()
    admin = await postgres_connection(url)
    try:
        await store.append("board-1", [new_event()], 0, meta())
        writer_pid = cast(Any, store)._writer._connection._pg.get_server_pid()
        assert await admin.fetchval("SELECT pg_terminate_backend($1)", writer_pid)

        with pytest.raises(StoreUnavailable):
            await store.append("board-1", [new_event()], 1, meta())
        [recorded] = await store.append("board-1", [new_event()], 1, meta())

        assert recorded.version == 2
        assert (await store.verify()).ok
    finally:
        await store.close()
        await admin.execute(f'DROP SCHEMA IF EXISTS "{location.schema}" CASCADE')
        await admin.close()
